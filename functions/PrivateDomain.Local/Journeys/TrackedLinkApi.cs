using PrivateDomain.Journeys;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// The pages customers reach from our messages on the local host: <c>GET /l/{token}</c> (click and redirect),
/// <c>GET|POST /u/{token}</c> (the unsubscribe page). The behaviour is <see cref="TrackedLinkHttp"/>, shared with the Functions app.
/// </summary>
public static class TrackedLinkApi
{
    /// <summary>The dynamic tag a customer who opted out carries (<see cref="TrackedLinkHttp.OptedOutTag"/>).</summary>
    public const string OptedOutTag = TrackedLinkHttp.OptedOutTag;

    /// <summary>The dynamic tag a customer who clicked carries (<see cref="TrackedLinkHttp.ClickedTag"/>).</summary>
    public const string ClickedTag = TrackedLinkHttp.ClickedTag;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapTrackedLinkApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/l/{token}", (string token, TrackedLinkHttp pages, TrackedLinkSigner links, CancellationToken ct) => pages.ClickAsync(token, links, ct));
        app.MapGet("/u/{token}", (string token, TrackedLinkHttp pages, TrackedLinkSigner links) => pages.UnsubscribePage(token, links));
        app.MapPost("/u/{token}", (string token, TrackedLinkHttp pages, TrackedLinkSigner links, CancellationToken ct) => pages.UnsubscribeAsync(token, links, ct))
            .DisableAntiforgery();
        return app;
    }
}
