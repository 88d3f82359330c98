using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>The daily payroll run: 01:00 UTC is 09:00 in Asia/Shanghai, the banks' morning.</summary>
public sealed class PayrollFunctions(PayrollCampaignScheduler scheduler, IOptions<WeComOptions> tenants)
{
    /// <summary>Starts the campaigns whose windows opened since the last run (idempotent, catches up missed days).</summary>
    [Function("PayrollDailyRun")]
    public async Task RunAsync([TimerTrigger("0 0 1 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            await scheduler.RunAsync(tenant, cancellationToken).ConfigureAwait(false);
        }
    }
}
