using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Operators;
using PrivateDomain.Pages;

namespace PrivateDomain.Functions.Pages;

/// <summary>
/// Campaign pages on Azure: the customers' pages <c>/api/p/{token}</c> (GET, and POST <c>claim</c>, <c>quiz</c>,
/// <c>intent</c>; anonymous — the signed link and the visitor session are the authority) and the operator API for welfare
/// pools and page statistics (Entra bearer token, authenticated by each function). The same edges as the local host
/// (<see cref="CampaignPageHttp"/>, <see cref="CampaignPageOperatorHttp"/>). Without <c>Links:SigningKey</c> the pages
/// answer the 404 page, as the local host serves none.
/// </summary>
public sealed class CampaignPageFunctions(OperatorAccess access, IWelfarePools pools, ICampaignPageEvents events, IServiceProvider services)
{
    /// <summary>The page.</summary>
    [Function("CampaignPage")]
    public Task<IResult> PageAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "p/{token}")] HttpRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Pages(request) is { } pages ? pages.PageAsync(request.HttpContext, token, cancellationToken) : Task.FromResult(CampaignPageHttp.NotFound());
    }

    /// <summary>A claim, quiz answers or 预约.</summary>
    [Function("CampaignPageAction")]
    public Task<IResult> ActionAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "p/{token}/{action}")] HttpRequest request, string token, string action,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Pages(request) is not { } pages)
        {
            return Task.FromResult(CampaignPageHttp.NotFound());
        }

        return action switch
        {
            "claim" => pages.ClaimAsync(request.HttpContext, token, cancellationToken),
            "quiz" => pages.QuizAsync(request.HttpContext, token, cancellationToken),
            "intent" => pages.IntentAsync(request.HttpContext, token, cancellationToken),
            _ => Task.FromResult(CampaignPageHttp.NotFound()),
        };
    }

    /// <summary>Loads welfare codes into a pool (Operator, Admin).</summary>
    [Function("OperatorWelfarePoolLoad")]
    public async Task<IResult> LoadPoolAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "tenants/{tenant}/welfare-pools/{pool}")] HttpRequest request, string tenant, string pool,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await CampaignPageOperatorHttp.LoadPoolAsync(tenant, pool, request.HttpContext, access, pools, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A welfare pool's stock (Operator, Admin, Auditor).</summary>
    [Function("OperatorWelfarePoolStock")]
    public async Task<IResult> StockAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/welfare-pools/{pool}")] HttpRequest request, string tenant, string pool,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await CampaignPageOperatorHttp.StockAsync(tenant, pool, request.HttpContext, access, pools, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Page statistics of a campaign per sender and content (Operator, Admin, Auditor).</summary>
    [Function("OperatorCampaignPageStats")]
    public async Task<IResult> StatsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/campaign-pages/{campaign}/stats")] HttpRequest request, string tenant, string campaign,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await CampaignPageOperatorHttp.StatsAsync(tenant, campaign, request.HttpContext, access, events, cancellationToken).ConfigureAwait(false);
    }

    private CampaignPageHttp? Pages(HttpRequest request) => request.HttpContext.RequestServices.GetService<CampaignPageHttp>() ?? services.GetService<CampaignPageHttp>();
}
