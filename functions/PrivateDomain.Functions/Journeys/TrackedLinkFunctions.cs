using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Journeys;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Tracked links and the unsubscribe page on Azure, <c>/api/l/{token}</c> and <c>/api/u/{token}</c>: the same behaviour
/// as the local host's (<see cref="TrackedLinkHttp"/>), zh-CN pages with security headers. Anonymous (customers follow
/// them from WeCom); the signed token is the authority. Without <c>Links:SigningKey</c> they answer the 404 page, as
/// the local host serves none.
/// </summary>
public sealed class TrackedLinkFunctions(TrackedLinkHttp pages)
{
    /// <summary>A content link: record the click, redirect.</summary>
    [Function("TrackedLinkClick")]
    public Task<IResult> ClickAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "l/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return pages.ClickAsync(token, Signer(request), cancellationToken);
    }

    /// <summary>The unsubscribe page (GET shows it, POST opts out).</summary>
    [Function("UnsubscribePage")]
    public async Task<IResult> UnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "u/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method)
            ? await pages.UnsubscribeAsync(token, Signer(request), cancellationToken).ConfigureAwait(false)
            : pages.UnsubscribePage(token, Signer(request));
    }

    private static TrackedLinkSigner? Signer(HttpRequest request) => request.HttpContext.RequestServices.GetService<TrackedLinkSigner>();
}
