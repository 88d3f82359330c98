using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Operators;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Customers;

/// <summary>Group codes' and group figures' operator API on Azure (the same edge as the local host, <see cref="GroupCodeHttp"/>),
/// and the nightly read of WeCom's group figures at 19:00 UTC (03:00 China time).</summary>
public sealed class GroupCodeFunctions(OperatorAccess access, GroupCodeService service, IGroupCodes codes, IGroupChatStatistics statistics, TimeProvider time,
    GroupChatStatisticsRead read, IOptions<WeComOptions> tenants)
{
    private const string Route = "tenants/{tenant}/group-codes";

    /// <summary>Create a group code at WeCom.</summary>
    [Function("OperatorGroupCodeCreate")]
    public async Task<IResult> CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await GroupCodeHttp.CreateAsync(tenant, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>List the group codes.</summary>
    [Function("OperatorGroupCodeList")]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await GroupCodeHttp.ListAsync(tenant, request.HttpContext, access, codes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One group code with its joins per group.</summary>
    [Function("OperatorGroupCodeGet")]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{code}")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await GroupCodeHttp.GetAsync(tenant, code, request.HttpContext, access, codes, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delete a group code at WeCom.</summary>
    [Function("OperatorGroupCodeDelete")]
    public async Task<IResult> DeleteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Route + "/{code}")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await GroupCodeHttp.DeleteAsync(tenant, code, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The daily group figures per owner.</summary>
    [Function("OperatorGroupStats")]
    public async Task<IResult> StatsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tenants/{tenant}/group-stats")] HttpRequest request, string tenant,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await GroupCodeHttp.StatsAsync(tenant, request.HttpContext, access, statistics, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Yesterday's group figures of every tenant, each night; a tenant that fails is logged by the host and the
    /// others still run (WeCom keeps 180 days, so a missed day can be read again).</summary>
    [Function("GroupChatStatisticsDaily")]
    public async Task ReadStatisticsAsync([TimerTrigger("0 0 19 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        List<Exception> failures = [];
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            try
            {
                await read.ReadAsync(tenant, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("The group figures of some tenants were not read.", failures);
        }
    }
}
