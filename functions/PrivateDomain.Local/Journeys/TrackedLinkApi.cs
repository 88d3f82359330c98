using PrivateDomain.Customers;
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
        app.MapGet("/l/{token}", ClickAsync);
        app.MapGet("/u/{token}", UnsubscribePage);
        app.MapPost("/u/{token}", UnsubscribeAsync).DisableAntiforgery();
        return app;
    }

    private static Task<IResult> ClickAsync(string token, TrackedLinkSigner links, ISignalInbox signals, ICustomerPool pool, TimeProvider time, CancellationToken ct) =>
        TrackedLinkHttp.ClickAsync(token, links, signals, pool, time, ct);

    private static IResult UnsubscribePage(string token, TrackedLinkSigner links) => TrackedLinkHttp.UnsubscribePage(token, links);

    private static Task<IResult> UnsubscribeAsync(string token, TrackedLinkSigner links, ISignalInbox signals, ICustomerPool pool, TimeProvider time, CancellationToken ct) =>
        TrackedLinkHttp.UnsubscribeAsync(token, links, signals, pool, time, ct);
}
