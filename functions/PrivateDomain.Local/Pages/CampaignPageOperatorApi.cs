using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;
using PrivateDomain.Pages;

namespace PrivateDomain.Local.Pages;

/// <summary>
/// Operator API for campaign pages on the local host: welfare pools (<c>/api/tenants/{tenant}/welfare-pools/{pool}</c>,
/// PUT a CSV of codes, GET the stock) and page statistics (<c>/api/tenants/{tenant}/campaign-pages/{campaign}/stats</c>).
/// The behaviour is <see cref="CampaignPageOperatorHttp"/>, shared with the Functions app.
/// </summary>
public static class CampaignPageOperatorApi
{
    /// <summary>Maps the routes (authenticated; role and tenant checked per call).</summary>
    public static IEndpointRouteBuilder MapCampaignPageOperatorApi(this IEndpointRouteBuilder app)
    {
        var pools = app.MapGroup("/api/tenants/{tenant}/welfare-pools/{pool}").RequireAuthorization();
        pools.MapPut("", LoadPoolAsync).DisableAntiforgery()
            .Describe("pages", "Load welfare codes into a pool (CSV: code[,validUntil yyyy-MM-dd] per line, up to 100,000 codes / 4 MiB); a code already there is kept as it is",
                OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<string>("text/csv").Produces<CampaignPageOperatorHttp.WelfareStockView>().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        pools.MapGet("", StockAsync)
            .Describe("pages", "A welfare pool's stock: codes loaded, claimed and left", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<CampaignPageOperatorHttp.WelfareStockView>();
        app.MapGet("/api/tenants/{tenant}/campaign-pages/{campaign}/stats", StatsAsync).RequireAuthorization()
            .Describe("pages", "Campaign page statistics per sender and content: views, identified visitors, claims, quiz completions, intents",
                OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<IEnumerable<CampaignPageOperatorHttp.CampaignPageStatsView>>();
        return app;
    }

    private static Task<IResult> LoadPoolAsync(string tenant, string pool, HttpContext http, OperatorAccess access, IWelfarePools pools, CancellationToken ct) =>
        CampaignPageOperatorHttp.LoadPoolAsync(tenant, pool, http, access, pools, ct);

    private static Task<IResult> StockAsync(string tenant, string pool, HttpContext http, OperatorAccess access, IWelfarePools pools, CancellationToken ct) =>
        CampaignPageOperatorHttp.StockAsync(tenant, pool, http, access, pools, ct);

    private static Task<IResult> StatsAsync(string tenant, string campaign, HttpContext http, OperatorAccess access, ICampaignPageEvents events, CancellationToken ct) =>
        CampaignPageOperatorHttp.StatsAsync(tenant, campaign, http, access, events, ct);
}
