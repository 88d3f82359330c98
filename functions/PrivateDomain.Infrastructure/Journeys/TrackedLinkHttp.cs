using Microsoft.AspNetCore.Http;
using PrivateDomain.Customers;

namespace PrivateDomain.Journeys;

/// <summary>
/// The pages customers reach from our messages, shared by the local host (<c>/l/{token}</c>, <c>/u/{token}</c>) and the
/// Functions app (the same under <c>/api</c>), anonymous by nature: a link click records a click signal, tags the
/// customer and redirects to the link's target; the unsubscribe page is shown on GET and opts the customer out on POST
/// (a GET must not change anything: link previewers fetch URLs). Bad or forged tokens get 404.
/// </summary>
public static class TrackedLinkHttp
{
    /// <summary>The dynamic tag a customer who opted out carries; delivery checks it before every send.</summary>
    public const string OptedOutTag = "opted-out";

    /// <summary>The dynamic tag a customer who clicked carries.</summary>
    public const string ClickedTag = "clicked";

    /// <summary>GET a content link: tag, signal, redirect.</summary>
    public static async Task<IResult> ClickAsync(string token, TrackedLinkSigner links, ISignalInbox signals, ICustomerPool pool, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(time);
        if (links.Read(token) is not { Target: { } target } link)
        {
            return NotFound();
        }

        var now = time.GetUtcNow();
        await pool.UpdateAsync(link.Tenant, link.CustomerId, c => CustomerChanges.WithTag(c, ClickedTag, TagKind.Dynamic, "link", now), ct).ConfigureAwait(false);
        await signals.RaiseAsync(new CustomerSignal(link.Tenant, link.CustomerId,
            $"click:{link.TouchId ?? target.AbsoluteUri}:{now:yyyyMMddHHmm}", SignalKinds.Clicked, now,
            new Dictionary<string, string> { ["url"] = target.AbsoluteUri, ["touchId"] = link.TouchId ?? "", ["campaign"] = link.Campaign ?? "" }), ct).ConfigureAwait(false);
        return Results.Redirect(target.AbsoluteUri);
    }

    /// <summary>GET the unsubscribe page. Its form posts back to the page's own address (no action attribute), so the
    /// page works under either host's route prefix.</summary>
    public static IResult UnsubscribePage(string token, TrackedLinkSigner links)
    {
        ArgumentNullException.ThrowIfNull(links);
        return links.Read(token) is { Target: null }
            ? Results.Content("""
                <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
                <title>退订</title></head><body>
                <p>确认后，您将不再收到我们的营销消息（您的客户经理仍可为您办理业务）。</p>
                <form method="post"><button type="submit">确认退订</button></form>
                </body></html>
                """, "text/html; charset=utf-8")
            : NotFound();
    }

    /// <summary>POST the unsubscribe page: tag the customer opted out and raise the signal that ends their journeys.</summary>
    public static async Task<IResult> UnsubscribeAsync(string token, TrackedLinkSigner links, ISignalInbox signals, ICustomerPool pool, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(time);
        if (links.Read(token) is not { Target: null } link)
        {
            return NotFound();
        }

        var now = time.GetUtcNow();
        await pool.UpdateAsync(link.Tenant, link.CustomerId, c => CustomerChanges.WithTag(c, OptedOutTag, TagKind.Dynamic, "unsubscribe-page", now), ct).ConfigureAwait(false);
        await signals.RaiseAsync(new CustomerSignal(link.Tenant, link.CustomerId, "unsubscribe:" + link.CustomerId, SignalKinds.OptedOut, now,
            new Dictionary<string, string>()), ct).ConfigureAwait(false);
        return Results.Content("""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已退订</title></head>
            <body><p>已为您退订营销消息。</p></body></html>
            """, "text/html; charset=utf-8");
    }

    private static IResult NotFound() =>
        Results.Problem(detail: "This link is not valid.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
