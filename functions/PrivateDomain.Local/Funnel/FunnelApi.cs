using PrivateDomain.Funnel;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Funnel;

/// <summary>Operator API for the funnel on the local host, <c>/api/tenants/{tenant}/funnel</c>: the edge of <see cref="FunnelHttp"/>.</summary>
public static class FunnelApi
{
    /// <summary>Maps the route (it requires an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapFunnelApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/tenants/{tenant}/funnel").RequireAuthorization()
            .MapGet("", GetAsync)
            .Describe("funnel", "Customers added in a period (?from=&to=, yyyy-MM-dd local days, default the last 30) and how many engaged, showed intent, converted and referred, by channel, content, manager or branch (?by=)", FunnelHttp.Readers)
            .Produces<FunnelTable>();
        return app;
    }

    private static Task<IResult> GetAsync(string tenant, HttpContext http, OperatorAccess access, FunnelReader reader, TimeProvider time, CancellationToken ct) =>
        FunnelHttp.GetAsync(tenant, http, access, reader, time, ct);
}
