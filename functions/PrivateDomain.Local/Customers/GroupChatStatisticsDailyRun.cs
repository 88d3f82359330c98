using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Local.Tags;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Customers;

/// <summary>
/// The nightly read of WeCom's group figures on the local host (the Functions app runs the same read on a timer): every
/// day at 03:00 China time, yesterday's <c>groupchat/statistic</c> of each tenant's group owners is stored.
/// <c>Local:GroupStatistics=false</c> turns it off.
/// </summary>
public sealed class GroupChatStatisticsDailyRun(
    GroupChatStatisticsRead read, IOptions<WeComOptions> tenants, TimeProvider time, ILogger<GroupChatStatisticsDailyRun> logger) : BackgroundService
{
    /// <summary>When the read runs (China time): WeCom's figures of yesterday are complete by then.</summary>
    public static readonly TimeOnly At = new(3, 0);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await Task.Delay(DynamicTagSweepService.NextRun(now, At) - now, time, stoppingToken).ConfigureAwait(false);
            foreach (var tenant in tenants.Value.Tenants.Keys)
            {
                try
                {
                    await read.ReadAsync(tenant, null, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Reading the group figures of {Tenant} failed; it runs again tomorrow", tenant);
                }
            }
        }
    }
}
