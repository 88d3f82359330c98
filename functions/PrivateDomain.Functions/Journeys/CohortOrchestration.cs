using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Functions.Campaigns;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;

namespace PrivateDomain.Functions.Journeys;

/// <summary>The cohort orchestration's input, carried through ContinueAsNew at each wake-up.</summary>
/// <param name="Cohort">The cohort.</param>
/// <param name="Size">Its members (sealed at start).</param>
/// <param name="BatchSize">Members per batch activity (at most <see cref="CohortRunner.MaxBatchSize"/>, one Table transaction).</param>
/// <param name="Wake">How many wake-ups it has had (for tracing).</param>
/// <param name="Campaign">The payroll campaign the cohort runs for, if any: at each wake-up the orchestration asks
/// whether an operator stopped it, and if so ends its members instead of deciding.</param>
public sealed record CohortInput(CohortKey Cohort, int Size, int BatchSize, int Wake, string? Campaign = null);

/// <summary>
/// Cohort mode of the Durable driver, for millions of customers: one orchestration per journey × start day × account
/// manager (instance id <see cref="CohortKey.InstanceId"/>). Each execution is one wake-up: run the batch activity over
/// every batch range (at most <see cref="MaxParallelBatches"/> at once), sleep on a durable timer until the earliest
/// wake-up any batch reported, then ContinueAsNew, so the history never holds more than one wake-up.
/// </summary>
/// <remarks>
/// Orchestrator rules a reader could break: the batches get the orchestration's <c>CurrentUtcDateTime</c> as their
/// "now", never the activity's clock, so a replayed or retried batch decides exactly what the first run decided (and the
/// ledger's insert-if-absent records nothing twice). Signals cost no Durable events here: they are in the inbox table,
/// journalled under the customer's managers, and each batch reads its manager's journal and the inboxes it names. All engine work is in <see cref="CohortRunner"/> (Core). The stop
/// check runs only for a payroll campaign's cohorts (<see cref="CohortInput.Campaign"/>), so a journey cohort's history
/// has the same shape it always had.
/// </remarks>
public static class CohortOrchestration
{
    /// <summary>Batch activities in flight at once per orchestration (bounded fan-out: the Azure Storage backend
    /// handles about 100 fan-out activities a second per instance).</summary>
    public const int MaxParallelBatches = 20;

    private static readonly TaskOptions BatchRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>One wake-up of a cohort; returns "completed" when every member's journey ended, "stopped" when its
    /// campaign was stopped (every member ended as cancelled), else "next-wake".</summary>
    [Function(nameof(CohortOrchestrator))]
    public static async Task<string> CohortOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<CohortInput>() ?? throw new InvalidOperationException("The cohort input is missing.");
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        if (input.Campaign is { } campaign && await context.CallActivityAsync<bool>(
                nameof(PayrollCampaignOrchestration.PayrollCampaignStopped), new PayrollCampaignCheck(input.Cohort.Tenant, campaign, now), BatchRetry))
        {
            foreach (var wave in CohortPlan.Batches(input.Size, input.BatchSize).Chunk(MaxParallelBatches))
            {
                await Task.WhenAll(wave.Select(b => context.CallActivityAsync<int>(
                    nameof(EndCohortBatch), new CohortBatch(input.Cohort, b.From, b.Count, now), BatchRetry)));
            }

            return "stopped";
        }

        DateTimeOffset? next = null;
        foreach (var wave in CohortPlan.Batches(input.Size, input.BatchSize).Chunk(MaxParallelBatches))
        {
            var results = await Task.WhenAll(wave.Select(b => context.CallActivityAsync<CohortBatchResult>(
                nameof(RunCohortBatch), new CohortBatch(input.Cohort, b.From, b.Count, now), BatchRetry)));
            foreach (var result in results)
            {
                if (result.NextWakeAt is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }
        }

        if (next is not { } wake)
        {
            return "completed";
        }

        await context.CreateTimer(wake.UtcDateTime, CancellationToken.None);
        context.ContinueAsNew(input with { Wake = input.Wake + 1 }, preserveUnprocessedEvents: false);
        return "next-wake";
    }

    /// <summary>Runs one batch of the cohort at the orchestration's time (Core's <see cref="CohortRunner"/>).</summary>
    [Function(nameof(RunCohortBatch))]
    public static Task<CohortBatchResult> RunCohortBatch([ActivityTrigger] CohortBatch batch, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<CohortRunner>().RunBatchAsync(batch, context.CancellationToken);
    }

    /// <summary>Ends the running members of one batch as cancelled (their campaign was stopped).</summary>
    [Function(nameof(EndCohortBatch))]
    public static Task<int> EndCohortBatch([ActivityTrigger] CohortBatch batch, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<CohortRunner>().EndBatchAsync(batch, JourneyEnd.Cancelled, context.CancellationToken);
    }

    /// <summary>
    /// Enrols a cohort's customers (idempotent) and starts its orchestration unless it exists. A cohort is started once,
    /// by one caller (the daily enrolment), after its start day's customers are known; it is sealed from then on.
    /// </summary>
    /// <returns>The orchestration's instance id.</returns>
    public static async Task<string> StartAsync(
        DurableTaskClient client, CohortRunner runner, CohortKey cohort, IReadOnlyList<string> customerIds, int batchSize, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(cohort);
        _ = CohortPlan.Batches(0, batchSize); // validates the batch size before anything is written
        var size = await runner.EnrolAsync(cohort, customerIds, now, cancellationToken).ConfigureAwait(false);
        if (await client.GetInstanceAsync(cohort.InstanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(CohortOrchestrator), new CohortInput(cohort, size, batchSize, 0),
                new StartOrchestrationOptions { InstanceId = cohort.InstanceId }, cancellationToken).ConfigureAwait(false);
        }

        return cohort.InstanceId;
    }
}
