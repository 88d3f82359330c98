using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Input;
using PrivateDomain.Operators;

namespace PrivateDomain.Customers;

/// <summary>
/// Group codes (群活码) and group figures for operators, the same on both hosts: <c>/api/tenants/{tenant}/group-codes</c>
/// (create at WeCom with the group welcome, list, read one with its joins per group, delete) and
/// <c>/api/tenants/{tenant}/group-stats</c> (WeCom's daily figures per group owner). Every call is audited.
/// </summary>
public static class GroupCodeHttp
{
    /// <summary>Who may read codes and figures.</summary>
    public static readonly string[] Readers = ChannelCodeHttp.Readers;

    /// <summary>Who may create and delete codes.</summary>
    public static readonly string[] Writers = ChannelCodeHttp.Writers;

    /// <summary>The longest range of days one read of the figures answers.</summary>
    public const int MaxDays = 92;

    /// <summary>A group code as operators see it; with its per-group joins when read one at a time.</summary>
    public sealed record GroupCodeView(
        string Code, string? Name, IReadOnlyList<string> ChatIds, bool AutoCreateRoom, string? RoomBaseName, int? RoomBaseId, string? WelcomeTemplateId,
        int? WelcomeTemplateVersion, string? WeComWelcomeTemplateId, string Status, string? QrCode, string? ConfigId, DateTimeOffset? CreatedAt,
        IReadOnlyList<GroupCodeChatStats>? Groups)
    {
        /// <summary>The view of a code.</summary>
        public static GroupCodeView Of(GroupCode c, IReadOnlyList<GroupCodeChatStats>? groups = null)
        {
            ArgumentNullException.ThrowIfNull(c);
            return new(c.Code, c.Name, c.ChatIds, c.AutoCreateRoom, c.RoomBaseName, c.RoomBaseId, c.WelcomeTemplateId, c.WelcomeTemplateVersion,
                c.WeComWelcomeTemplateId, c.Status.ToString(), c.QrCode, c.ConfigId, c.CreatedAt, groups);
        }
    }

    /// <summary>The list.</summary>
    public sealed record GroupCodeList(IReadOnlyList<GroupCodeView> Codes);

    /// <summary>Daily figures per owner over a range of days.</summary>
    public sealed record GroupStatsView(DateOnly From, DateOnly To, IReadOnlyList<GroupChatDailyStats> Days);

    /// <summary><c>POST …/group-codes</c>: creates the code at WeCom and answers it with its QR URL (201).</summary>
    public static Task<IResult> CreateAsync(string tenant, HttpContext http, OperatorAccess access, GroupCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "group-code.create", "", Writers, async call =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<GroupCodeRequest>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = request!.Code ?? "";
            var outcome = await service.CreateAsync(tenant, request, ContentApprovalHttp.Person(http.User), ct).ConfigureAwait(false);
            return outcome.Status == 200
                ? Results.Created($"/api/tenants/{tenant}/group-codes/{Uri.EscapeDataString(outcome.Code!.Code)}", GroupCodeView.Of(outcome.Code))
                : Refused(outcome);
        });

    /// <summary><c>GET …/group-codes</c>: every code (deleted ones too: their joins stay attributed).</summary>
    public static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, IGroupCodes codes, CancellationToken ct) =>
        access.RunAsync(http, tenant, "group-code.list", "", Readers, async call =>
        {
            var list = new List<GroupCodeView>();
            await foreach (var c in codes.ListAsync(tenant, ct).ConfigureAwait(false))
            {
                list.Add(GroupCodeView.Of(c));
            }

            call.Note = "codes=" + list.Count.ToString(CultureInfo.InvariantCulture);
            return Results.Ok(new GroupCodeList(list));
        });

    /// <summary><c>GET …/group-codes/{code}</c>: one code with its joins per group (groups WeCom created when full included).</summary>
    public static Task<IResult> GetAsync(string tenant, string code, HttpContext http, OperatorAccess access, IGroupCodes codes, GroupCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "group-code.get", code, Readers, async _ =>
        {
            if (Identifiers.ChannelCode.Check(code, "code") is { } invalid)
            {
                return OperatorRequests.Invalid("code", invalid);
            }

            if (await codes.FindAsync(tenant, code, ct).ConfigureAwait(false) is not { } found)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No group code {code} in this tenant.");
            }

            return Results.Ok(GroupCodeView.Of(found, await service.StatsAsync(tenant, found, ct).ConfigureAwait(false)));
        });

    /// <summary><c>DELETE …/group-codes/{code}</c>: deletes the QR at WeCom; the row stays, marked Deleted.</summary>
    public static Task<IResult> DeleteAsync(string tenant, string code, HttpContext http, OperatorAccess access, GroupCodeService service, CancellationToken ct) =>
        access.RunAsync(http, tenant, "group-code.delete", code, Writers, async _ =>
        {
            if (Identifiers.ChannelCode.Check(code, "code") is { } invalid)
            {
                return OperatorRequests.Invalid("code", invalid);
            }

            var outcome = await service.DeleteAsync(tenant, code, ct).ConfigureAwait(false);
            return outcome.Status == 200 ? Results.Ok(GroupCodeView.Of(outcome.Code!)) : Refused(outcome);
        });

    /// <summary><c>GET …/group-stats?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: the daily figures per group owner as read from
    /// WeCom (default: the last 7 days up to yesterday, China time).</summary>
    public static Task<IResult> StatsAsync(string tenant, HttpContext http, OperatorAccess access, IGroupChatStatistics statistics, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "group-stats.read", http.Request.QueryString.Value ?? "", Readers, async call =>
        {
            var to = GroupChatStatisticsRead.Yesterday(time.GetUtcNow());
            if (!TryDay(http.Request, "to", ref to))
            {
                return OperatorRequests.Invalid("to", "Give to once, as a date yyyy-MM-dd (China time).");
            }

            var from = to.AddDays(-6);
            if (!TryDay(http.Request, "from", ref from))
            {
                return OperatorRequests.Invalid("from", "Give from once, as a date yyyy-MM-dd (China time).");
            }

            if (from > to || to.DayNumber - from.DayNumber >= MaxDays)
            {
                return OperatorRequests.Invalid("from", $"from must not be after to, and the range at most {MaxDays} days.");
            }

            var days = new List<GroupChatDailyStats>();
            await foreach (var d in statistics.ListAsync(tenant, from, to, ct).ConfigureAwait(false))
            {
                days.Add(d);
            }

            call.Note = "rows=" + days.Count.ToString(CultureInfo.InvariantCulture);
            return Results.Ok(new GroupStatsView(from, to, [.. days.OrderBy(d => d.Day).ThenBy(d => d.Owner, StringComparer.Ordinal)]));
        });

    private static bool TryDay(HttpRequest request, string name, ref DateOnly day)
    {
        var raw = request.Query[name];
        if (raw.Count == 0)
        {
            return true;
        }

        if (raw.Count > 1 || !DateOnly.TryParseExact(raw[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        day = parsed;
        return true;
    }

    private static IResult Refused(GroupCodeOutcome outcome) => outcome.Status == 400 && outcome.Field is { } field
        ? OperatorRequests.Invalid(field, outcome.Problem!)
        : Results.Problem(statusCode: outcome.Status, title: outcome.Status switch { 404 => "Not found", 409 => "Conflict", _ => "WeCom refused" },
            detail: outcome.Problem);
}
