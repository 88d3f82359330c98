using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Funnel;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Funnel;

/// <summary>The funnel's operator API on Azure, <c>/api/tenants/{tenant}/funnel</c>: the same edge as the local host (<see cref="FunnelHttp"/>).</summary>
public sealed class FunnelFunctions(OperatorAccess access, FunnelReader reader, TimeProvider time)
{
    /// <summary>The funnel of a period by a dimension.</summary>
    [Function("OperatorFunnel")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/funnel")] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await FunnelHttp.GetAsync(tenant, request.HttpContext, access, reader, time, cancellationToken).ConfigureAwait(false);
    }
}
