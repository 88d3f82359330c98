using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>The daily payroll run: 01:00 UTC is 09:00 in Asia/Shanghai, the banks' morning; and the campaign fan-out,
/// one batch of the cohort per <c>payroll-fanout</c> message (the cursor is on the campaign row, so a redelivered
/// message repeats at most one batch and starts nobody twice).</summary>
public sealed class PayrollFunctions(PayrollCampaignScheduler scheduler, PayrollCalendarWatch calendars, PayrollFanOut fanOut, IOptions<WeComOptions> tenants)
{
    /// <summary>Enrols the next batch of a campaign's cohort and queues the one after it.</summary>
    [Function("PayrollFanOut")]
    public async Task FanOutAsync(
        [QueueTrigger(StoragePayrollFanOutQueue.QueueName, Connection = "Storage")] string message, CancellationToken cancellationToken)
    {
        var m = StoragePayrollFanOutQueue.Parse(message);
        await fanOut.RunBatchAsync(m.Tenant, m.CampaignId, cancellationToken).ConfigureAwait(false);
    }

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
