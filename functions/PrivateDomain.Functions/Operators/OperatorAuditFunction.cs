using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Operators;

/// <summary>The audit log on Azure, <c>/api/tenants/{tenant}/audit</c>: the same edge as the local host (<see cref="OperatorAuditHttp"/>).</summary>
public sealed class OperatorAuditFunction(OperatorAccess access, IOperatorAudit audit, TimeProvider time)
{
    /// <summary>One day of the log.</summary>
    [Function("OperatorAudit")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/audit")] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await OperatorAuditHttp.ListAsync(tenant, request.HttpContext, access, audit, time, cancellationToken).ConfigureAwait(false);
    }
}
