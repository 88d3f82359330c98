using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// The daily enrolment of the journeys configured in cohort mode (<c>Journeys:Cohorts:{journeyId}:Segment</c>): at
/// 01:00 UTC (09:00 in Asia/Shanghai) each tenant's segment customers not on the journey yet start it in one cohort per
/// account manager (<see cref="DailyCohortEnrolment"/>), each cohort driven by a
/// <see cref="CohortOrchestration.CohortOrchestrator"/>. Safe to run again: started cohorts are sealed, and every
/// customer is claimed once per journey.
/// </summary>
public sealed class CohortEnrolmentFunctions(
    DailyCohortEnrolment enrolment, CohortRunner runner, IOptions<CohortEnrolmentOptions> cohorts, IOptions<WeComOptions> tenants,
    ILogger<CohortEnrolmentFunctions> log)
{
    /// <summary>Enrols and starts today's cohorts of every configured journey, for every tenant. A failing tenant or
    /// journey is logged and the others still run; its customers enter the next run's cohorts.</summary>
    [Function("JourneyCohortEnrolment")]
    public async Task RunAsync([TimerTrigger("0 0 1 * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var launcher = new DurableCohortLauncher(client, runner);
        var failed = 0;
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            foreach (var (journeyId, settings) in cohorts.Value.Journeys)
            {
                try
                {
                    await enrolment.RunAsync(tenant, journeyId, settings, launcher, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed++;
                    log.LogError(e, "Daily cohort enrolment of {Journey} for {Tenant} failed; its customers enter the next run's cohorts", journeyId, tenant);
                }
            }
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} daily cohort enrolments failed; see the log.");
        }
    }

    /// <summary>The cohort orchestration as the enrolment's launcher.</summary>
    private sealed class DurableCohortLauncher(DurableTaskClient client, CohortRunner runner) : ICohortLauncher
    {
        public async Task<bool> IsStartedAsync(CohortKey cohort, CancellationToken cancellationToken) =>
            await client.GetInstanceAsync(cohort.InstanceId, cancellationToken).ConfigureAwait(false) is not null;

        public Task StartAsync(CohortKey cohort, IReadOnlyList<string> customerIds, int batchSize, DateTimeOffset now, CancellationToken cancellationToken) =>
            CohortOrchestration.StartAsync(client, runner, cohort, customerIds, batchSize, now, cancellationToken);
    }
}

/// <summary>Checks <see cref="CohortEnrolmentOptions"/> at start-up against the published journeys (read only when a
/// journey is configured: none is the default).</summary>
internal sealed class CohortEnrolmentValidation(IServiceProvider services) : IValidateOptions<CohortEnrolmentOptions>
{
    public ValidateOptionsResult Validate(string? name, CohortEnrolmentOptions options) =>
        options.Journeys.Count > 0 && options.Problems(services.GetRequiredService<JourneyCatalog>()) is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
}
