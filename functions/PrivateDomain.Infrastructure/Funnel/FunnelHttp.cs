using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Journeys;
using PrivateDomain.Operators;

namespace PrivateDomain.Funnel;

/// <summary>
/// The funnel's operator edge, shared by both hosts: <c>GET /api/tenants/{tenant}/funnel?from=&amp;to=&amp;by=</c> —
/// customers added in the period (local days, inclusive; default the last 30 days) and how many of them engaged, showed
/// intent, converted and referred someone, by channel code, content, account manager or branch. Read-only; audited.
/// </summary>
public static class FunnelHttp
{
    /// <summary>Who may read the funnel.</summary>
    public static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor, ContentRoles.Compliance];

    /// <summary>The longest period one request covers (days).</summary>
    public const int MaxDays = 366;

    /// <summary>Reads the funnel.</summary>
    public static Task<IResult> GetAsync(string tenant, HttpContext http, OperatorAccess access, FunnelReader reader, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "funnel.read", http.Request.QueryString.Value ?? "", Readers, async call =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TouchPolicy.Default.TimeZone).DateTime);
            var to = Day(http.Request, "to", today, errors);
            var from = Day(http.Request, "from", to.AddDays(-29), errors);
            var by = FunnelDimension.Channel;
            var rawBy = http.Request.Query["by"];
            // Names only: Enum.TryParse would also take numbers and comma lists.
            var named = rawBy.Count == 1 ? Enum.GetValues<FunnelDimension>().Where(d => string.Equals(d.ToString(), rawBy[0], StringComparison.OrdinalIgnoreCase)).ToList() : [];
            if (named.Count == 1)
            {
                by = named[0];
            }
            else if (rawBy.Count > 0)
            {
                errors["by"] = ["Break the funnel down by one of channel, content, manager, branch."];
            }

            if (errors.Count == 0 && (to < from || to.DayNumber - from.DayNumber + 1 > MaxDays))
            {
                errors["from"] = [$"Give a period of 1 to {MaxDays} days: from on or before to."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var table = await reader.ReadAsync(tenant, from, to, by, ct).ConfigureAwait(false);
            call.Note = $"added={table.Total.Added}";
            return Results.Ok(table);
        });

    private static DateOnly Day(HttpRequest request, string name, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        var raw = request.Query[name];
        if (raw.Count == 0)
        {
            return fallback;
        }

        if (raw.Count == 1 && DateOnly.TryParseExact(raw[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[name] = [$"Give {name} once, as a date yyyy-MM-dd (the bank's local day)."];
        return fallback;
    }
}
