using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Tracked links and the unsubscribe page on Azure, <c>/api/l/{token}</c> and <c>/api/u/{token}</c>: the same behaviour
/// as the local host's (<see cref="TrackedLinkHttp"/>). Anonymous (customers follow them from WeCom); the signed token is
/// the authority. Without <c>Links:SigningKey</c> they answer 404, as the local host serves none.
/// </summary>
public sealed class TrackedLinkFunctions(ISignalInbox signals, ICustomerPool pool, TimeProvider time)
{
    /// <summary>A content link: record the click, redirect.</summary>
    [Function("TrackedLinkClick")]
    public async Task<IResult> ClickAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "l/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Signer(request) is { } links
            ? await TrackedLinkHttp.ClickAsync(token, links, signals, pool, time, cancellationToken).ConfigureAwait(false)
            : NotServed();
    }

    /// <summary>The unsubscribe page (GET shows it, POST opts out).</summary>
    [Function("UnsubscribePage")]
    public async Task<IResult> UnsubscribeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "u/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Signer(request) is not { } links)
        {
            return NotServed();
        }

        return HttpMethods.IsPost(request.Method)
            ? await TrackedLinkHttp.UnsubscribeAsync(token, links, signals, pool, time, cancellationToken).ConfigureAwait(false)
            : TrackedLinkHttp.UnsubscribePage(token, links);
    }

    private static TrackedLinkSigner? Signer(HttpRequest request) => request.HttpContext.RequestServices.GetService<TrackedLinkSigner>();

    private static IResult NotServed() =>
        Results.Problem(detail: "This link is not valid.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
