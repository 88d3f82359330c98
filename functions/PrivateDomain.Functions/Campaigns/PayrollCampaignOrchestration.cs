using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>The campaign orchestration's input, carried through ContinueAsNew from one enrolment page to the next.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CampaignId">The campaign.</param>
/// <param name="FirstDay">D-5: the start day of the campaign's cohorts.</param>
/// <param name="Cursor">Where the next enrolment page starts (null: the first page).</param>
/// <param name="Sizes">Members enrolled so far per account manager.</param>
/// <param name="Pages">Pages enrolled so far.</param>
public sealed record PayrollCampaignInput(
    string Tenant, string CampaignId, DateOnly FirstDay, string? Cursor, IReadOnlyDictionary<string, int> Sizes, int Pages);

/// <summary>Asks whether a campaign was stopped, at the asking orchestration's time (for tracing).</summary>
public sealed record PayrollCampaignCheck(string Tenant, string CampaignId, DateTimeOffset Now);

/// <summary>
/// A payroll campaign on Azure, in cohort mode: one orchestration per campaign (instance id
/// <see cref="JourneyInstanceId.ForCampaign"/>) enrols the employer's cohort a page per execution (an activity, then
/// ContinueAsNew, so its history holds one page), then runs one <see cref="CohortOrchestration.CohortOrchestrator"/>
/// per account manager as sub-orchestrations (instance id <see cref="CohortKey.InstanceId"/>) and waits for them: each
/// wakes on a durable timer at D-5, D-4 and D-3 and applies the same engine, ledger and delivery as the local host's
/// per-customer runner. Started by the <c>payroll-fanout</c> message the daily run and the operator API queue
/// (<see cref="PayrollFunctions"/>); starting twice finds the instance.
/// </summary>
/// <remarks>
/// Orchestrator rules a reader could break: the enrolment gets the orchestration's <c>CurrentUtcDateTime</c> as the
/// journeys' start, and the managers are started in ordinal order, so a replay schedules the same work. A stop is
/// cooperative: the operator API marks the campaign's run row stopped; a page not yet enrolled enrols nobody, and each
/// cohort, at its next wake-up and before deciding anything, ends its members as cancelled.
/// </remarks>
public static class PayrollCampaignOrchestration
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>The campaign orchestration's instance id.</summary>
    public static string InstanceId(string tenant, string campaignId) => JourneyInstanceId.ForCampaign(tenant, campaignId);

    /// <summary>One enrolment page, or — once the cohort is enrolled — the run of every manager's cohort. Returns
    /// "next-page", "stopped" (before any enrolment), or "completed: N cohorts, M members" ("stopped: …" when the
    /// campaign was stopped while its cohorts ran).</summary>
    [Function(nameof(PayrollCampaignOrchestrator))]
    public static async Task<string> PayrollCampaignOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<PayrollCampaignInput>() ?? throw new InvalidOperationException("The campaign input is missing.");
        var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var page = await context.CallActivityAsync<PayrollEnrolmentResult>(
            nameof(EnrolPayrollPage), new PayrollEnrolmentPage(input.Tenant, input.CampaignId, input.Cursor, input.Sizes, now), Retry);
        if (page.Stopped)
        {
            return "stopped";
        }

        if (!page.Done)
        {
            context.ContinueAsNew(input with { Cursor = page.Next, Sizes = page.Sizes, Pages = input.Pages + 1 }, preserveUnprocessedEvents: false);
            return "next-page";
        }

        var cohorts = page.Sizes.Where(s => s.Value > 0).OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new CohortInput(
                new CohortKey(input.Tenant, PayrollCampaignJourney.JourneyId, input.FirstDay, s.Key, input.CampaignId), s.Value, CohortRunner.MaxBatchSize, 0, input.CampaignId))
            .ToList();
        var ends = await Task.WhenAll(cohorts.Select(c => context.CallSubOrchestratorAsync<string>(
            nameof(CohortOrchestration.CohortOrchestrator), c, new SubOrchestrationOptions { InstanceId = c.Cohort.InstanceId })));
        return $"{(ends.Contains("stopped") ? "stopped" : "completed")}: {cohorts.Count} cohorts, {cohorts.Sum(c => c.Size)} members";
    }

    /// <summary>Enrols one page of the campaign's cohort into its managers' cohorts (Core's <see cref="PayrollCohortEnrolment"/>).</summary>
    [Function(nameof(EnrolPayrollPage))]
    public static Task<PayrollEnrolmentResult> EnrolPayrollPage([ActivityTrigger] PayrollEnrolmentPage page, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<PayrollCohortEnrolment>().EnrolPageAsync(page, context.CancellationToken);
    }

    /// <summary>True when an operator stopped the campaign (asked by each cohort at each wake-up).</summary>
    [Function(nameof(PayrollCampaignStopped))]
    public static Task<bool> PayrollCampaignStopped([ActivityTrigger] PayrollCampaignCheck check, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<PayrollCohortEnrolment>().IsStoppedAsync(check.Tenant, check.CampaignId, context.CancellationToken);
    }

    /// <summary>
    /// Starts the campaign's orchestration unless it exists. The campaign row (insert-if-absent by its deterministic id)
    /// decides whether a campaign starts; this only drives it, so a repeated <c>payroll-fanout</c> message finds the
    /// instance. Two deliveries racing past the check ask the backend to create the same instance id while it is
    /// pending or running, which it refuses; the refused delivery is retried and finds the instance.
    /// </summary>
    /// <returns>The instance id, or null if the campaign does not exist.</returns>
    public static async Task<string?> StartAsync(
        DurableTaskClient client, PayrollCohortEnrolment enrolment, string tenant, string campaignId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(enrolment);
        if (await enrolment.CampaignAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is not { } campaign)
        {
            return null;
        }

        var instanceId = InstanceId(tenant, campaignId);
        if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(PayrollCampaignOrchestrator),
                new PayrollCampaignInput(tenant, campaignId, campaign.CampaignDays[0], null, new Dictionary<string, int>(StringComparer.Ordinal), 0),
                new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken).ConfigureAwait(false);
        }

        return instanceId;
    }
}
