using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Customers;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Customers;

/// <summary>Channel codes' operator API on Azure, <c>/api/tenants/{tenant}/channel-codes</c>: the same edge as the local host (<see cref="ChannelCodeHttp"/>).</summary>
public sealed class ChannelCodeFunctions(OperatorAccess access, ChannelCodeService service, IChannelCodes codes)
{
    private const string Route = "tenants/{tenant}/channel-codes";

    /// <summary>Create a code at WeCom.</summary>
    [Function("OperatorChannelCodeCreate")]
    public async Task<IResult> CreateAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.CreateAsync(tenant, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>List the codes.</summary>
    [Function("OperatorChannelCodeList")]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.ListAsync(tenant, request.HttpContext, access, codes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One code with its figures.</summary>
    [Function("OperatorChannelCodeGet")]
    public async Task<IResult> GetAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{code}")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.GetAsync(tenant, code, request.HttpContext, access, codes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pause a code.</summary>
    [Function("OperatorChannelCodePause")]
    public async Task<IResult> PauseAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{code}/pause")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.SetPausedAsync(tenant, code, true, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resume a code.</summary>
    [Function("OperatorChannelCodeResume")]
    public async Task<IResult> ResumeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{code}/resume")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.SetPausedAsync(tenant, code, false, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A customer's referral code.</summary>
    [Function("OperatorReferralCode")]
    public async Task<IResult> ReferralCodeAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tenants/{tenant}/customers/{customerId}/referral-code")] HttpRequest request,
        string tenant, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.ReferralCodeAsync(tenant, customerId, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delete a code at WeCom.</summary>
    [Function("OperatorChannelCodeDelete")]
    public async Task<IResult> DeleteAsync([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Route + "/{code}")] HttpRequest request, string tenant, string code,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ChannelCodeHttp.DeleteAsync(tenant, code, request.HttpContext, access, service, cancellationToken).ConfigureAwait(false);
    }
}
