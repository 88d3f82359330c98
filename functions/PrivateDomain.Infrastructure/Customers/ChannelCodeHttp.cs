using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Input;
using PrivateDomain.Operators;

namespace PrivateDomain.Customers;

/// <summary>
/// Channel codes (渠道活码) for operators, <c>/api/tenants/{tenant}/channel-codes</c>, the same on both hosts: create (at
/// WeCom, through add_contact_way), list, read one with its adds, deletions and conversions, pause, resume and delete.
/// Every call is audited.
/// </summary>
public static class ChannelCodeHttp
{
    /// <summary>Who may read codes and their figures.</summary>
    public static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>Who may create, pause, resume and delete codes.</summary>
    public static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];

    /// <summary>A code as operators see it, with its figures when read one at a time.</summary>
    public sealed record ChannelCodeView(
        string Code, string Channel, string? Name, string? Partner, string? PartnerKind, IReadOnlyList<string> Members, IReadOnlyList<string> Tags,
        string? WelcomeTemplateId, string Status, string? QrCode, string? ConfigId, DateTimeOffset? CreatedAt, ChannelCodeStats? Stats)
    {
        /// <summary>The view of a code.</summary>
        public static ChannelCodeView Of(ChannelCode c, ChannelCodeStats? stats = null)
        {
            ArgumentNullException.ThrowIfNull(c);
            return new(c.Code, c.Channel, c.Name, c.Partner, c.PartnerKind, c.Members, c.Tags, c.WelcomeTemplateId, c.Status.ToString(), c.QrCode,
                c.ConfigId, c.CreatedAt, stats);
        }
    }

    /// <summary>The list.</summary>
    public sealed record ChannelCodeList(IReadOnlyList<ChannelCodeView> Codes);

    /// <summary><c>POST …/channel-codes</c>: creates a code at WeCom and answers it with its QR URL (201).</summary>
    public static Task<IResult> CreateAsync(string tenant, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "channel-code.create", "", Writers, async call =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<ChannelCodeRequest>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = request!.Code ?? "";
            var outcome = await service.CreateAsync(tenant, request, ContentApprovalHttp.Person(http.User), ct).ConfigureAwait(false);
            return outcome.Status == 200
                ? Results.Created($"/api/tenants/{tenant}/channel-codes/{Uri.EscapeDataString(outcome.Code!.Code)}", ChannelCodeView.Of(outcome.Code))
                : Refused(outcome);
        });

    /// <summary><c>GET …/channel-codes</c>: every code (deleted ones too: their adds stay attributed).</summary>
    public static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, IChannelCodes codes, CancellationToken ct) =>
        access.RunAsync(http, tenant, "channel-code.list", "", Readers, async call =>
        {
            var list = new List<ChannelCodeView>();
            await foreach (var c in codes.ListAsync(tenant, ct).ConfigureAwait(false))
            {
                list.Add(ChannelCodeView.Of(c));
            }

            call.Note = "codes=" + list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Ok(new ChannelCodeList(list));
        });

    /// <summary><c>GET …/channel-codes/{code}</c>: one code with its adds, deletions and conversions.</summary>
    public static Task<IResult> GetAsync(string tenant, string code, HttpContext http, OperatorAccess access, IChannelCodes codes, CancellationToken ct) =>
        access.RunAsync(http, tenant, "channel-code.get", code, Readers, async _ =>
        {
            if (Identifiers.ChannelCode.Check(code, "code") is { } invalid)
            {
                return OperatorRequests.Invalid("code", invalid);
            }

            if (await codes.FindAsync(tenant, code, ct).ConfigureAwait(false) is not { } found)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No channel code {code} in this tenant.");
            }

            return Results.Ok(ChannelCodeView.Of(found, await codes.StatsAsync(tenant, code, ct).ConfigureAwait(false)));
        });

    /// <summary><c>POST …/channel-codes/{code}/pause</c> and <c>/resume</c>.</summary>
    public static Task<IResult> SetPausedAsync(string tenant, string code, bool paused, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, paused ? "channel-code.pause" : "channel-code.resume", code, Writers, async _ =>
            Identifiers.ChannelCode.Check(code, "code") is { } invalid ? OperatorRequests.Invalid("code", invalid)
            : Answer(await service.SetPausedAsync(tenant, code, paused, ct).ConfigureAwait(false)));

    /// <summary><c>DELETE …/channel-codes/{code}</c>: deletes it at WeCom; the row stays, marked Deleted.</summary>
    public static Task<IResult> DeleteAsync(string tenant, string code, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "channel-code.delete", code, Writers, async _ =>
            Identifiers.ChannelCode.Check(code, "code") is { } invalid ? OperatorRequests.Invalid("code", invalid)
            : Answer(await service.DeleteAsync(tenant, code, ct).ConfigureAwait(false)));

    /// <summary><c>POST …/customers/{customerId}/referral-code</c>: the customer's referral code (老带新) with its QR to share,
    /// made at WeCom the first time and the same code after.</summary>
    public static Task<IResult> ReferralCodeAsync(string tenant, string customerId, HttpContext http, OperatorAccess access, ChannelCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "channel-code.referral", customerId, Writers, async _ =>
            Identifiers.CustomerId.Check(customerId, "customerId") is { } invalid ? OperatorRequests.Invalid("customerId", invalid)
            : Answer(await service.ReferralCodeAsync(tenant, customerId, ContentApprovalHttp.Person(http.User), ct).ConfigureAwait(false)));

    private static IResult Answer(ChannelCodeOutcome outcome) => outcome.Status == 200 ? Results.Ok(ChannelCodeView.Of(outcome.Code!)) : Refused(outcome);

    private static IResult Refused(ChannelCodeOutcome outcome) => outcome.Status == 400 && outcome.Field is { } field
        ? OperatorRequests.Invalid(field, outcome.Problem!)
        : Results.Problem(statusCode: outcome.Status, title: outcome.Status switch { 404 => "Not found", 409 => "Conflict", _ => "WeCom refused" },
            detail: outcome.Problem);
}
