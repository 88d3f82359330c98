using PrivateDomain.Operators;

namespace PrivateDomain.Local.Operators;

/// <summary>Operator API for the audit log on the local host, <c>/api/tenants/{tenant}/audit</c> (<see cref="OperatorAuditHttp"/>, shared with the Functions app).</summary>
public static class OperatorAuditApi
{
    /// <summary>Maps the route (it requires an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapOperatorAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/tenants/{tenant}/audit").RequireAuthorization()
            .MapGet("", ListAsync)
            .Describe("audit", "One UTC day of the operator audit log (?day=yyyy-MM-dd, default today), newest first, filtered by ?actor= and ?action= (text they contain); at most 2,000 rows", OperatorAuditHttp.Readers);
        return app;
    }

    private static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, IOperatorAudit audit, TimeProvider time, CancellationToken ct) =>
        OperatorAuditHttp.ListAsync(tenant, http, access, audit, time, ct);
}
