using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Content;

/// <summary>
/// The content library's operator API on Azure, <c>/api/tenants/{tenant}/content/templates</c>: the same edge as the
/// local host (<see cref="ContentApprovalHttp"/>: tenant and role check, maker-checker, problem+json, audit).
/// Anonymous at the Functions level: each function authenticates the Entra bearer token itself.
/// </summary>
public sealed class ContentFunctions(
    OperatorAccess access, BlobTemplateCatalogue catalogue, ITemplateStore templates, IContentApprovalLog approvals, ISensitiveWordStore words, ContentLibrary library)
{
    private const string Route = "tenants/{tenant}/content/templates";

    /// <summary>The templates the tenant's customers can receive, with their versions' approval status.</summary>
    [Function("OperatorContentList")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.ListAsync(tenant, request.HttpContext, access, catalogue, templates, approvals, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every version of one template.</summary>
    [Function("OperatorContentGet")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{templateId}")] HttpRequest request, string tenant, string templateId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.GetAsync(tenant, templateId, request.HttpContext, access, templates, approvals, words, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next version as a draft (maker).</summary>
    [Function("OperatorContentDraft")]
    public async Task<IResult> DraftAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{templateId}/drafts")] HttpRequest request, string tenant, string templateId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.DraftAsync(tenant, templateId, request.HttpContext, access, library, templates, words, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits a draft (maker).</summary>
    [Function("OperatorContentSubmit")]
    public async Task<IResult> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{templateId}/versions/{version}/submit")] HttpRequest request, string tenant,
        string templateId, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.SubmitAsync(tenant, templateId, version, request.HttpContext, access, library, templates, words, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Approves a submitted version (Compliance, not its maker).</summary>
    [Function("OperatorContentApprove")]
    public async Task<IResult> ApproveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{templateId}/versions/{version}/approve")] HttpRequest request, string tenant,
        string templateId, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.ApproveAsync(tenant, templateId, version, request.HttpContext, access, library, templates, words, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rejects a submitted version with a reason (Compliance, not its maker).</summary>
    [Function("OperatorContentReject")]
    public async Task<IResult> RejectAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{templateId}/versions/{version}/reject")] HttpRequest request, string tenant,
        string templateId, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ContentApprovalHttp.RejectAsync(tenant, templateId, version, request.HttpContext, access, library, templates, words, cancellationToken).ConfigureAwait(false);
    }
}
