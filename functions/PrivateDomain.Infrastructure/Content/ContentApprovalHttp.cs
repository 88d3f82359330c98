using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content.Storage;
using PrivateDomain.Operators;

namespace PrivateDomain.Content;

/// <summary>
/// The content library's operator edge, shared by both hosts, <c>/api/tenants/{tenant}/content/templates</c>: the
/// templates a tenant's customers can receive (the shipped <c>default</c> library and the bank's own <c>bank/{tenant}</c>
/// versions) with each version's approval state and the sensitive-word screen's findings; a new version as a draft;
/// and maker-checker — submit (a maker), approve or reject (the Compliance role, never the author or submitter). Every
/// decision goes through <see cref="ContentLibrary"/> into the same append-only <c>ContentApprovals</c> log the
/// repository's seed writes. Writes act on the tenant's own scope only: the default library is shared by every tenant
/// of a host and changes through the repository's review.
/// </summary>
public static class ContentApprovalHttp
{
    /// <summary>Who may read the library.</summary>
    public static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor, ContentRoles.Compliance];

    /// <summary>Who may write drafts and submit them (makers).</summary>
    public static readonly string[] Makers = [OperatorRoles.Operator, OperatorRoles.Admin];

    /// <summary>Who may approve or reject (checkers).</summary>
    public static readonly string[] Checkers = [ContentRoles.Compliance];

    private static readonly string[] PersonClaims = ["preferred_username", "upn", "oid"];

    /// <summary>A new version's text: the title operators see and the body sent. Kind, stage, channel, tags and
    /// attachments are carried over from the newest version of the id.</summary>
    public sealed record NewDraft(string? Title, string Body);

    /// <summary>A rejection's reason.</summary>
    public sealed record Rejection(string Reason);

    /// <summary>A template id in the list: its versions per scope.</summary>
    public sealed record TemplateSummary(string Id, string Title, string Channel, string Stage, IReadOnlyList<VersionSummary> Versions);

    /// <summary>One version's place in maker-checker.</summary>
    public sealed record VersionSummary(string Scope, int Version, string Status, string? Author, string? ApprovedBy);

    /// <summary>A version in full: content, approval state and history, and the current screen's findings.</summary>
    public sealed record VersionView(
        string Scope, string Id, int Version, string Kind, string Stage, string Channel, string Title, string Body, IReadOnlyList<string> Tags,
        string ContentHash, string Status, string? Author, string? SubmittedBy, string? ApprovedBy, DateTimeOffset? ApprovedAt,
        IReadOnlyList<HistoryRow> History, IReadOnlyList<Finding> Findings, string? ScreenVersion);

    /// <summary>A row of the approval log.</summary>
    public sealed record HistoryRow(int Sequence, string Action, string By, DateTimeOffset At, string? Role, string? Note);

    /// <summary>A sensitive word the current screen finds in the version.</summary>
    public sealed record Finding(string Field, string Word, string Category, string Matched, int Index);

    /// <summary><c>GET …/content/templates</c>: every template id of the default and the tenant's scope with its versions' states.</summary>
    public static Task<IResult> ListAsync(
        string tenant, HttpContext http, OperatorAccess access, BlobTemplateCatalogue catalogue, ITemplateStore templates, IContentApprovalLog approvals,
        CancellationToken ct) =>
        access.RunAsync(http, tenant, "content.list", "templates", Readers, async call =>
        {
            var byId = new SortedDictionary<string, List<VersionSummary>>(StringComparer.Ordinal);
            var newest = new Dictionary<string, TemplateRef>(StringComparer.Ordinal);
            foreach (var scope in Scopes(tenant))
            {
                foreach (var (id, versions) in await catalogue.ListAsync(scope, ct).ConfigureAwait(false))
                {
                    var rows = await approvals.ReadAsync(scope, id, ct).ConfigureAwait(false);
                    if (!byId.TryGetValue(id, out var list))
                    {
                        byId[id] = list = [];
                    }

                    foreach (var v in versions)
                    {
                        var state = TemplateApprovalState.From(rows.Where(r => r.Template.Version == v));
                        list.Add(new VersionSummary(ScopeName(scope), v, Status(state.Status), state.Author, state.ApprovedBy));
                    }

                    newest[id] = new TemplateRef(scope, id, versions[^1]);
                }
            }

            var result = new List<TemplateSummary>(byId.Count);
            foreach (var (id, versions) in byId)
            {
                var content = await templates.GetAsync(newest[id], ct).ConfigureAwait(false);
                result.Add(new TemplateSummary(id, content?.Title ?? id, content is null ? "" : ContentNames.Of(content.Channel),
                    content is null ? "" : ContentNames.Of(content.Stage), versions));
            }

            call.Note = $"templates={result.Count}";
            return Results.Ok(result);
        });

    /// <summary><c>GET …/content/templates/{templateId}</c>: every version of one id in full (default scope first).</summary>
    public static Task<IResult> GetAsync(
        string tenant, string templateId, HttpContext http, OperatorAccess access, ITemplateStore templates, IContentApprovalLog approvals,
        ISensitiveWordStore words, CancellationToken ct) =>
        access.RunAsync(http, tenant, "content.get", templateId, Readers, async _ =>
        {
            if (IdProblem(templateId) is { } invalid)
            {
                return invalid;
            }

            var screen = await words.GetAsync(ct).ConfigureAwait(false);
            var views = new List<VersionView>();
            foreach (var scope in Scopes(tenant))
            {
                var rows = await approvals.ReadAsync(scope, templateId, ct).ConfigureAwait(false);
                foreach (var v in await templates.ListVersionsAsync(scope, templateId, ct).ConfigureAwait(false))
                {
                    if (await templates.GetAsync(new TemplateRef(scope, templateId, v), ct).ConfigureAwait(false) is { } content)
                    {
                        views.Add(View(scope, content, TemplateApprovalState.From(rows.Where(r => r.Template.Version == v)), screen));
                    }
                }
            }

            return views.Count == 0 ? NotFound(templateId) : Results.Ok(views);
        });

    /// <summary><c>POST …/content/templates/{templateId}/drafts</c> (<c>{title?, body}</c>): the next version in the
    /// tenant's scope, as a draft by the caller (201), screened but not yet submitted.</summary>
    public static Task<IResult> DraftAsync(
        string tenant, string templateId, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        access.RunAsync(http, tenant, "content.draft", templateId, Makers, async call =>
        {
            if (IdProblem(templateId) is { } invalid)
            {
                return invalid;
            }

            var (request, problem) = await OperatorRequests.ReadJsonAsync<NewDraft>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (string.IsNullOrWhiteSpace(request!.Body))
            {
                return OperatorRequests.Invalid("body", "Write the text to send (body); it may use the placeholders of the template's channel.");
            }

            var own = TemplateScope.ForBank(tenant);
            var ownVersions = await templates.ListVersionsAsync(own, templateId, ct).ConfigureAwait(false);
            var defaultVersions = await templates.ListVersionsAsync(TemplateScope.Default, templateId, ct).ConfigureAwait(false);
            var basis = ownVersions.Count > 0 ? new TemplateRef(own, templateId, ownVersions[^1])
                : defaultVersions.Count > 0 ? new TemplateRef(TemplateScope.Default, templateId, defaultVersions[^1])
                : null;
            if (basis is null || await templates.GetAsync(basis, ct).ConfigureAwait(false) is not { } previous)
            {
                return NotFound(templateId);
            }

            // The bank's versions continue the numbering of everything its customers could have received under this id.
            var version = Math.Max(ownVersions.DefaultIfEmpty().Max(), defaultVersions.DefaultIfEmpty().Max()) + 1;
            var draft = previous with { Version = version, Title = string.IsNullOrWhiteSpace(request.Title) ? previous.Title : request.Title.Trim(), Body = request.Body };
            try
            {
                await library.PublishAsync(own, draft, Person(http.User), ct).ConfigureAwait(false);
            }
            catch (MessageTemplateException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [.. e.Errors] });
            }

            call.Target = new TemplateRef(own, templateId, version).ToString();
            var stored = await templates.GetAsync(new TemplateRef(own, templateId, version), ct).ConfigureAwait(false);
            var state = await library.GetApprovalAsync(new TemplateRef(own, templateId, version), ct).ConfigureAwait(false);
            return Results.Created(
                $"/api/tenants/{tenant}/content/templates/{Uri.EscapeDataString(templateId)}",
                View(own, stored!, state, await words.GetAsync(ct).ConfigureAwait(false)));
        });

    /// <summary><c>POST …/versions/{version}/submit</c>: a maker submits the tenant's draft for approval.</summary>
    public static Task<IResult> SubmitAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        DecideAsync(tenant, templateId, version, http, access, "content.submit", Makers, library, templates, words,
            (t, _) => library.SubmitAsync(t, Person(http.User), ct), ct);

    /// <summary><c>POST …/versions/{version}/approve</c>: a Compliance checker approves the tenant's submitted version.</summary>
    public static Task<IResult> ApproveAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        DecideAsync(tenant, templateId, version, http, access, "content.approve", Checkers, library, templates, words,
            (t, _) => library.ApproveAsync(t, Reviewer(http.User), ct), ct);

    /// <summary><c>POST …/versions/{version}/reject</c> (<c>{reason}</c>): a Compliance checker rejects it.</summary>
    public static Task<IResult> RejectAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, ContentLibrary library, ITemplateStore templates,
        ISensitiveWordStore words, CancellationToken ct) =>
        DecideAsync(tenant, templateId, version, http, access, "content.reject", Checkers, library, templates, words, async (t, call) =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<Rejection>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                throw new BadRequest(problem);
            }

            if (string.IsNullOrWhiteSpace(request!.Reason) || request.Reason.Length > 500)
            {
                throw new BadRequest(OperatorRequests.Invalid("reason", "Say why the version is rejected (1–500 characters); the maker reads it."));
            }

            call.Note = "reason given";
            return await library.RejectAsync(t, Reviewer(http.User), request.Reason.Trim(), ct).ConfigureAwait(false);
        }, ct);

    /// <summary>The person a token names, as the approval log records people: the account (UPN) when the token has one,
    /// else its object id. The same for the author of a draft and its checker, so maker ≠ checker compares like with like.</summary>
    public static string Person(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return PersonClaims.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
               ?? "unknown";
    }

    private static ContentReviewer Reviewer(ClaimsPrincipal user) =>
        new(Person(user), [.. user.FindAll("roles").Select(c => c.Value).Concat(user.IsInRole(ContentRoles.Compliance) ? [ContentRoles.Compliance] : [])]);

    private static async Task<IResult> DecideAsync(
        string tenant, string templateId, string version, HttpContext http, OperatorAccess access, string action, string[] roles, ContentLibrary library,
        ITemplateStore templates, ISensitiveWordStore words, Func<TemplateRef, OperatorCall, Task<ApprovalRecord>> decide, CancellationToken ct) =>
        await access.RunAsync(http, tenant, action, $"{templateId}@v{version}", roles, async call =>
        {
            if (IdProblem(templateId) is { } invalid)
            {
                return invalid;
            }

            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v is < 1 or > 999_999)
            {
                return OperatorRequests.Invalid("version", "Give the version as a whole number from 1, as the template's versions list shows it.");
            }

            var template = new TemplateRef(TemplateScope.ForBank(tenant), templateId, v);
            call.Target = template.ToString();
            try
            {
                var record = await decide(template, call).ConfigureAwait(false);
                call.Note = $"{record.Action.ToString().ToLowerInvariant()} by {record.By}";
            }
            catch (BadRequest bad)
            {
                return bad.Problem;
            }
            catch (ContentApprovalException e)
            {
                call.Note = $"refused {e.Reason}";
                return Refused(e);
            }

            var content = await templates.GetAsync(template, ct).ConfigureAwait(false);
            var state = await library.GetApprovalAsync(template, ct).ConfigureAwait(false);
            return Results.Ok(View(template.Scope, content!, state, await words.GetAsync(ct).ConfigureAwait(false)));
        }).ConfigureAwait(false);

    private static IResult Refused(ContentApprovalException e)
    {
        var (status, title) = e.Reason switch
        {
            ApprovalRefusal.Unknown => (StatusCodes.Status404NotFound, "Not found"),
            ApprovalRefusal.NotCompliance or ApprovalRefusal.CheckerIsMaker => (StatusCodes.Status403Forbidden, "Maker-checker refused"),
            ApprovalRefusal.WrongStatus or ApprovalRefusal.Conflict => (StatusCodes.Status409Conflict, "Not in a state for this"),
            _ => (StatusCodes.Status422UnprocessableEntity, "Content refused"),
        };
        return Results.Problem(detail: e.Message, statusCode: status, title: title, extensions: new Dictionary<string, object?>
        {
            ["reason"] = e.Reason.ToString(),
            ["findings"] = e.Hits.Select(h => new Finding(h.Field, h.Word, h.Category, h.Matched, h.Index)).ToArray(),
        });
    }

    private static VersionView View(TemplateScope scope, MessageTemplate c, TemplateApprovalState state, SensitiveWordScreen? screen) =>
        new(ScopeName(scope), c.Id, c.Version, ContentNames.Of(c.Kind), ContentNames.Of(c.Stage), ContentNames.Of(c.Channel), c.Title, c.Body, [.. c.Tags],
            c.ContentHash, Status(state.Status), state.Author, state.SubmittedBy, state.ApprovedBy, state.ApprovedAt,
            [.. state.History.Select(r => new HistoryRow(r.Sequence, r.Action.ToString().ToLowerInvariant(), r.By, r.At, r.Role, r.Note))],
            screen is null ? [] : [.. screen.Screen(c).Select(h => new Finding(h.Field, h.Word, h.Category, h.Matched, h.Index))],
            screen?.Version);

    private static TemplateScope[] Scopes(string tenant) => [TemplateScope.Default, TemplateScope.ForBank(tenant)];

    private static string ScopeName(TemplateScope scope) => scope.Bank is null ? "default" : "bank";

    private static string Status(ApprovalStatus status) => status.ToString().ToLowerInvariant();

    private static IResult? IdProblem(string templateId) =>
        templateId.Length is > 0 and <= 100 && templateId.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-')
            ? null
            : OperatorRequests.Invalid("templateId", "Name a template id as the list shows it: 1–100 lowercase letters, digits, '.' and '-' (e.g. aida.attention.welfare).");

    private static IResult NotFound(string templateId) =>
        Results.Problem(detail: $"No template '{templateId}' in this tenant's library.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>A 400 found while deciding, carried out of the decision.</summary>
    private sealed class BadRequest(IResult problem) : Exception("bad request")
    {
        public IResult Problem { get; } = problem;
    }
}
