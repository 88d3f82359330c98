using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// Picks up running journeys as the host starts (<see cref="JourneyRunner.ResumeAsync"/>), so a journey whose wake-up
/// message a killed host was holding carries on on time instead of when that message becomes visible again.
/// </summary>
public sealed class JourneyResume(JourneyRunner runner, ILogger<JourneyResume> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var stepped = await runner.ResumeAsync(stoppingToken).ConfigureAwait(false);
            if (stepped > 0)
            {
                logger.LogInformation("Picked up {Count} running journeys at start", stepped);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Their wake-up messages still come back; this only made recovery faster.
            logger.LogWarning(e, "Picking up running journeys at start failed; their own wake-ups still come, later");
        }
    }
}
