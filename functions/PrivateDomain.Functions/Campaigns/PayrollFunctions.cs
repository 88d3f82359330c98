using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>The daily payroll run: 01:00 UTC is 09:00 in Asia/Shanghai, the banks' morning; and the campaign fan-out:
/// a <c>payroll-fanout</c> message (queued by the daily run and by the operator API when they start a campaign) starts
/// the campaign's Durable orchestration in cohort mode (<see cref="PayrollCampaignOrchestration"/>), once.</summary>
public sealed class PayrollFunctions(
    PayrollCampaignScheduler scheduler, PayrollCalendarWatch calendars, PayrollFanOut fanOut, PayrollCohortEnrolment enrolment, IOptions<WeComOptions> tenants,
    QueueTriggerPoison poison)
{
    /// <summary>
    /// Starts a running campaign's orchestration unless it exists. A stopped campaign's message is the stop's sweep:
    /// it ends, a batch per message, the per-customer journeys of a campaign a table-driven fan-out started (before
    /// cohort mode); the orchestration's cohorts end their own members at their next wake-up. A message that cannot be
    /// read goes to <c>payroll-fanout-poison</c> with the reason at once (<see cref="QueueTriggerPoison"/>).
    /// </summary>
    [Function("PayrollFanOut")]
    public Task FanOutAsync(
        [QueueTrigger(StoragePayrollFanOutQueue.QueueName, Connection = "Storage")] string message, [DurableClient] DurableTaskClient client,
        FunctionContext context, CancellationToken cancellationToken) =>
        poison.RunAsync(StoragePayrollFanOutQueue.QueueName, message, context, async () =>
        {
            var m = QueuePoison.Read(() => StoragePayrollFanOutQueue.Parse(message));
            if (await enrolment.IsStoppedAsync(m.Tenant, m.CampaignId, cancellationToken).ConfigureAwait(false))
            {
                await fanOut.RunBatchAsync(m.Tenant, m.CampaignId, cancellationToken).ConfigureAwait(false);
                return;
            }

            await PayrollCampaignOrchestration.StartAsync(client, enrolment, m.Tenant, m.CampaignId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Starts the campaigns whose windows opened since the last run (idempotent, catches up missed days), then
    /// logs a warning per calendar year needed within 45 days and not published — the trace the
    /// <c>payroll-calendar-missing</c> alert (infra-bicep/modules/alerts.bicep) counts, once a day until it is published.</summary>
    [Function("PayrollDailyRun")]
    public async Task RunAsync([TimerTrigger("0 0 1 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            await scheduler.RunAsync(tenant, cancellationToken).ConfigureAwait(false);
            await calendars.ReportAsync(tenant, cancellationToken).ConfigureAwait(false);
        }
    }
}
