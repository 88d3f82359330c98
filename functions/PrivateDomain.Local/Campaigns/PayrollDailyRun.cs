using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Campaigns;

/// <summary>
/// The local host's stand-in for the Functions timer: runs the payroll schedule for every tenant at start and then
/// hourly, and warns about a calendar year it will need within 45 days and does not have. Each run is idempotent (a campaign starts once) and catches up days the host was down, so running it more
/// often than daily only makes a missed morning cheaper.
/// </summary>
public sealed class PayrollDailyRun(
    PayrollCampaignScheduler scheduler, PayrollCalendarWatch calendars, IOptions<WeComOptions> tenants, TimeProvider time, ILogger<PayrollDailyRun> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            foreach (var tenant in tenants.Value.Tenants.Keys)
            {
                try
                {
                    var result = await scheduler.RunAsync(tenant, stoppingToken).ConfigureAwait(false);
                    if (result.Started.Count > 0)
                    {
                        logger.LogInformation("Payroll run for {Tenant} started {Count} campaigns", tenant, result.Started.Count);
                    }

                    // A calendar year needed within 45 days and not published: warned about at every run until it is.
                    await calendars.ReportAsync(tenant, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Payroll run for {Tenant} failed; it runs again within the hour", tenant);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
