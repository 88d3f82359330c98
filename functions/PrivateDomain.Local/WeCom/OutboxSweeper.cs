using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.WeCom;

/// <summary>How often the local host re-enqueues callback events that were stored but never enqueued.</summary>
public sealed class OutboxSweepOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Intake";

    /// <summary>
    /// The longest interval: the sweeper also runs the daily raw-event purge on its ticks, so a longer one would skip
    /// purges (and a timer cannot wait beyond about 49 days: a year once stopped the host).
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>The sweep interval (<c>Intake:OutboxSweepInterval</c>, default 30 seconds, at most a day).</summary>
    [ConfigurationKeyName("OutboxSweepInterval")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Runs <see cref="CallbackIntake.SweepOutboxAsync"/> periodically and <see cref="RawEventRetention.PurgeAsync"/> once a
/// day (the Functions app does both with timers).
/// </summary>
public sealed class OutboxSweeper(
    CallbackIntake intake, RawEventRetention retention, IOptions<OutboxSweepOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        var nextPurge = time.GetUtcNow();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await intake.SweepOutboxAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() >= nextPurge)
                {
                    await retention.PurgeAsync(stoppingToken).ConfigureAwait(false);
                    nextPurge = time.GetUtcNow().AddDays(1);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox sweep failed; retrying in {Interval}", options.Value.Interval);
            }
        }
    }
}
