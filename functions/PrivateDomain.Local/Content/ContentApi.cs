using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Content;

/// <summary>
/// Operator API for the content library on the local host, <c>/api/tenants/{tenant}/content/templates</c>: the edge of
/// <see cref="ContentApprovalHttp"/>, shared with the Functions app. Every call is audited.
/// </summary>
public static class ContentApi
{
    private static readonly string[] Readers = ContentApprovalHttp.Readers;
    private static readonly string[] Makers = ContentApprovalHttp.Makers;

    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/content/templates").RequireAuthorization();
        group.MapGet("", ListAsync).Describe("content", "The templates this tenant's customers can receive (default library and the bank's own versions) with each version's approval status", Readers)
            .Produces<IEnumerable<ContentApprovalHttp.TemplateSummary>>();
        group.MapGet("/{templateId}", GetAsync).Describe("content", "Every version of a template: content, approval state and history, and the current sensitive-word screen's findings", Readers)
            .Produces<IEnumerable<ContentApprovalHttp.VersionView>>();
        group.MapPost("/{templateId}/drafts", DraftAsync).Describe("content", "Write the next version of a template in this tenant's scope, as a draft by the caller (maker)", Makers)
            .DescribeBody<ContentApprovalHttp.NewDraft>().Produces<ContentApprovalHttp.VersionView>(StatusCodes.Status201Created);
        group.MapPost("/{templateId}/versions/{version}/submit", SubmitAsync).Describe("content", "Submit a draft of this tenant's scope for approval (maker)", Makers)
            .Produces<ContentApprovalHttp.VersionView>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{templateId}/versions/{version}/approve", ApproveAsync)
            .Describe("content", "Approve a submitted version (checker: Compliance, never its author or submitter; it must pass the sensitive-word screen). 403 when the checker is its maker", ContentRoles.Compliance)
            .Produces<ContentApprovalHttp.VersionView>().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{templateId}/versions/{version}/reject", RejectAsync).Describe("content", "Reject a submitted version with a reason (checker: Compliance, never its author or submitter)", ContentRoles.Compliance)
            .DescribeBody<ContentApprovalHttp.Rejection>().Produces<ContentApprovalHttp.VersionView>().ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static Task<IResult> ListAsync(
        string tenant, HttpContext http, OperatorAccess access, BlobTemplateCatalogue catalogue, ITemplateStore templates, IContentApprovalLog approvals, CancellationToken ct) =>
        ContentApprovalHttp.ListAsync(tenant, http, access, catalogue, templates, approvals, ct);

    private static Task<IResult> GetAsync(
        string tenant, string templateId, HttpContext http, OperatorAccess access, ITemplateStore templates, IContentApprovalLog approvals, ISensitiveWordStore words,
        CancellationToken ct) =>
        ContentApprovalHttp.GetAsync(tenant, templateId, http, access, templates, approvals, words, ct);

    private static Task<IResult> DraftAsync(
        string tenant, string templateId, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates, ISensitiveWordStore words,
        CancellationToken ct) =>
        ContentApprovalHttp.DraftAsync(tenant, templateId, http, access, library, templates, words, ct);

    private static Task<IResult> SubmitAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        ContentApprovalHttp.SubmitAsync(tenant, templateId, version, http, access, library, templates, words, ct);

    private static Task<IResult> ApproveAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        ContentApprovalHttp.ApproveAsync(tenant, templateId, version, http, access, library, templates, words, ct);

    private static Task<IResult> RejectAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        ContentApprovalHttp.RejectAsync(tenant, templateId, version, http, access, library, templates, words, ct);
}
