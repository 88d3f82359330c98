using Microsoft.Extensions.Options;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.WeCom;

/// <summary>How often the local host re-enqueues callback events that were stored but never enqueued.</summary>
public sealed class OutboxSweepOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Intake";

    /// <summary>The sweep interval (<c>Intake:OutboxSweepInterval</c>, default 30 seconds).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Runs <see cref="CallbackIntake.SweepOutboxAsync"/> periodically (the Functions app does it with a timer).</summary>
public sealed class OutboxSweeper(CallbackIntake intake, IOptions<OutboxSweepOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await intake.SweepOutboxAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Outbox sweep failed; retrying in {Interval}", options.Value.Interval);
            }
        }
    }
}
