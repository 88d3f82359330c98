using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace PrivateDomain.Operators;

/// <summary>
/// The audit log's operator edge, shared by both hosts: <c>GET /api/tenants/{tenant}/audit?day=&amp;actor=&amp;action=</c>
/// — one UTC day of the tenant's <c>OperatorAudit</c> rows (newest first), filtered by text the actor or action contains.
/// Reading the log is itself audited.
/// </summary>
public static class OperatorAuditHttp
{
    /// <summary>Who may read the audit log.</summary>
    public static readonly string[] Readers = [OperatorRoles.Auditor, OperatorRoles.Admin];

    /// <summary>At most this many rows are answered; narrow the filter for more.</summary>
    public const int MaxRows = 2_000;

    /// <summary>Reads one day.</summary>
    public static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, IOperatorAudit audit, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "audit.read", http.Request.QueryString.Value ?? "", Readers, async call =>
        {
            var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var raw = http.Request.Query["day"];
            if (raw.Count > 1 || (raw.Count == 1 && !DateOnly.TryParseExact(raw[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)))
            {
                return OperatorRequests.Invalid("day", "Give day once, as a UTC date yyyy-MM-dd.");
            }

            var actor = Filter(http.Request, "actor");
            var action = Filter(http.Request, "action");
            if ((actor.Problem ?? action.Problem) is { } problem)
            {
                return problem;
            }

            var rows = new List<OperatorAction>();
            await foreach (var row in audit.ListAsync(tenant, day, ct).ConfigureAwait(false))
            {
                if ((actor.Text is null || row.Actor.Contains(actor.Text, StringComparison.OrdinalIgnoreCase))
                    && (action.Text is null || row.Action.Contains(action.Text, StringComparison.OrdinalIgnoreCase)))
                {
                    rows.Add(row);
                }
            }

            call.Note = $"rows={rows.Count}";
            return Results.Ok(rows.OrderByDescending(r => r.At).Take(MaxRows).Select(r => new { r.At, r.Actor, r.Action, r.Target, r.Outcome, r.From }));
        });

    private static (string? Text, IResult? Problem) Filter(HttpRequest request, string name)
    {
        var raw = request.Query[name];
        return raw.Count switch
        {
            0 => (null, null),
            1 when raw[0] is { Length: > 0 and <= 100 } text => (text, null),
            _ => (null, OperatorRequests.Invalid(name, $"Give {name} once, 1–100 characters the rows' {name} must contain.")),
        };
    }
}
