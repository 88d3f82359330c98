using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Tags;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Tags;

/// <summary>
/// The nightly dynamic-tag sweep on the local host (the Functions app runs the same sweep on a timer): every day at
/// <see cref="TagOptions.SweepAt"/> China time, each tenant's customers are evaluated again — "in the last 7 days" runs
/// out without an event — and customers with managed tags are reconciled with WeCom.
/// </summary>
public sealed class DynamicTagSweepService(
    DynamicTagger tagger, ISignalInbox signals, IOptions<TagOptions> options, IOptions<WeComOptions> tenants, TimeProvider time, ILogger<DynamicTagSweepService> logger)
    : BackgroundService
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The next sweep after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at)
    {
        var local = TimeZoneInfo.ConvertTime(now, China);
        var today = new DateTimeOffset(local.Date + at.ToTimeSpan(), local.Offset);
        return today > local ? today : today.AddDays(1);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            await Task.Delay(NextRun(now, options.Value.SweepAt) - now, time, stoppingToken).ConfigureAwait(false);
            foreach (var tenant in tenants.Value.Tenants.Keys)
            {
                try
                {
                    await tagger.SweepAsync(tenant, signals, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Dynamic tag sweep for {Tenant} failed; it runs again tomorrow", tenant);
                }
            }
        }
    }
}
