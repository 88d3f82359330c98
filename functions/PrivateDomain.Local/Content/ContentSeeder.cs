using PrivateDomain.Content.Storage;

namespace PrivateDomain.Local.Content;

/// <summary>
/// On a laptop (<c>Local:SeedContent</c>, on in Development), publishes the repository's message templates and
/// sensitive-word list to Blob Storage at start-up, so the demo tenant has sendable content. Publishing is idempotent;
/// a failure is logged and the host keeps running (content is not needed to take callbacks).
/// </summary>
public sealed class ContentSeeder(RepositoryContent content, ILogger<ContentSeeder> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var report = await content.PublishAsync(stoppingToken).ConfigureAwait(false);
            logger.LogInformation("Content library published: {Report}", report);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Publishing the repository's content library failed; templates are not sendable until it is published");
        }
    }
}
