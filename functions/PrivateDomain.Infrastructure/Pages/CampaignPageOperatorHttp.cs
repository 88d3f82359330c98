using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Operators;

namespace PrivateDomain.Pages;

/// <summary>
/// The campaign pages' operator edge, shared by both hosts: <c>PUT /api/tenants/{tenant}/welfare-pools/{pool}</c> loads
/// codes (CSV: <c>code[,validUntil]</c> per line, an optional header), <c>GET …/welfare-pools/{pool}</c> shows the stock,
/// <c>GET /api/tenants/{tenant}/campaign-pages/{campaign}/stats</c> the page statistics per sender and content. The caller
/// is authenticated before this runs; every call is audited.
/// </summary>
public static class CampaignPageOperatorHttp
{
    /// <summary>The largest CSV accepted (bytes).</summary>
    public const int MaxCsvBytes = 4 * 1024 * 1024;

    /// <summary>The most codes one upload may carry.</summary>
    public const int MaxCodes = 100_000;

    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>A pool's stock.</summary>
    /// <param name="Pool">The pool id (what <c>{page.welfare:&lt;pool&gt;}</c> names; <c>default</c> for <c>{page.welfare}</c>).</param>
    /// <param name="Loaded">Codes loaded.</param>
    /// <param name="Claimed">Codes handed out.</param>
    /// <param name="Available">Codes left.</param>
    /// <param name="Expired">Codes set aside unclaimed after their validity ended.</param>
    /// <param name="Added">Codes this upload added (a code already in the pool is not added again).</param>
    public sealed record WelfareStockView(string Pool, int Loaded, int Claimed, int Available, int Expired, int? Added = null);

    /// <summary>One row of page statistics.</summary>
    public sealed record CampaignPageStatsView(string Campaign, string SenderId, string Content, int Views, int IdentifiedVisitors, int Claims, int Completions, int Intents);

    /// <summary><c>PUT …/welfare-pools/{pool}</c>: loads the CSV (Operator, Admin): 200 with the stock, 400 naming the first bad lines (nothing loaded), 413.</summary>
    public static Task<IResult> LoadPoolAsync(string tenant, string pool, HttpContext http, OperatorAccess access, IWelfarePools pools, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(pools);
        return access.RunAsync(http, tenant, "welfare.pool.load", pool, Writers, async call =>
        {
            if (!PagePlaceholders.IsItemId(pool))
            {
                return Problem("pool", "The pool id is 1–64 lowercase letters, digits and - _ . (what {page.welfare:<pool>} names).");
            }

            var text = await ReadTextAsync(http.Request, ct).ConfigureAwait(false);
            if (text is null)
            {
                return Results.Problem(detail: $"Upload at most {MaxCsvBytes / 1024 / 1024} MiB of CSV; split the file.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");
            }

            var (codes, errors) = ParseCsv(text);
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [.. errors.Take(20)] },
                    detail: $"Nothing was loaded: {errors[0]}" + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : ""), title: "Invalid welfare codes");
            }

            var before = await pools.StockAsync(tenant, pool, ct).ConfigureAwait(false);
            var stock = await pools.LoadAsync(tenant, pool, codes, ct).ConfigureAwait(false);
            call.Note = $"codes={codes.Count} added={stock.Loaded - before.Loaded}";
            return Results.Ok(new WelfareStockView(pool, stock.Loaded, stock.Claimed, stock.Available, stock.Expired, stock.Loaded - before.Loaded));
        });
    }

    /// <summary><c>GET …/welfare-pools/{pool}</c>: the stock (Operator, Admin, Auditor); a pool never loaded has none.</summary>
    public static Task<IResult> StockAsync(string tenant, string pool, HttpContext http, OperatorAccess access, IWelfarePools pools, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(pools);
        return access.RunAsync(http, tenant, "welfare.pool.stock", pool, Readers, async _ =>
        {
            if (!PagePlaceholders.IsItemId(pool))
            {
                return Problem("pool", "The pool id is 1–64 lowercase letters, digits and - _ . (what {page.welfare:<pool>} names).");
            }

            var stock = await pools.StockAsync(tenant, pool, ct).ConfigureAwait(false);
            return Results.Ok(new WelfareStockView(pool, stock.Loaded, stock.Claimed, stock.Available, stock.Expired));
        });
    }

    /// <summary><c>GET …/campaign-pages/{campaign}/stats</c>: views, identified visitors, claims, completions and intents
    /// per sender and content (Operator, Admin, Auditor). The campaign is a payroll campaign id, or <c>{journey}/{step}</c>.</summary>
    public static Task<IResult> StatsAsync(string tenant, string campaign, HttpContext http, OperatorAccess access, ICampaignPageEvents events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(events);
        return access.RunAsync(http, tenant, "campaign.pages.stats", campaign, Readers, async _ =>
        {
            if (campaign.Length is 0 or > 200 || campaign.Any(char.IsControl))
            {
                return Problem("campaign", "The campaign is a payroll campaign id (payroll:E-1:2026-12) or {journey}/{step}, at most 200 characters.");
            }

            var rows = await events.StatsAsync(tenant, campaign, ct).ConfigureAwait(false);
            return Results.Ok(rows.Select(r => new CampaignPageStatsView(r.Campaign, r.SenderId, r.Content, r.Views, r.IdentifiedVisitors, r.Claims, r.Completions, r.Intents)));
        });
    }

    /// <summary>Reads CSV lines: <c>code</c> or <c>code,validUntil</c> (yyyy-MM-dd); a first line starting with <c>code</c> is a header.</summary>
    public static (List<WelfareCode> Codes, List<string> Errors) ParseCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var codes = new List<WelfareCode>();
        var errors = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || (i == 0 && line.StartsWith("code", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var fields = line.Split(',');
            var code = fields[0].Trim();
            if (fields.Length > 2 || code.Length is 0 or > 64 || code.Any(c => c < '!' || c > '~'))
            {
                errors.Add($"line {i + 1}: a code is 1–64 printable ASCII characters without spaces or commas, optionally followed by ,yyyy-MM-dd");
                continue;
            }

            DateOnly? until = null;
            if (fields.Length == 2 && fields[1].Trim() is { Length: > 0 } d)
            {
                if (!DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    errors.Add($"line {i + 1}: validUntil \"{d}\" is not a date (yyyy-MM-dd)");
                    continue;
                }

                until = parsed;
            }

            codes.Add(new WelfareCode(code, until));
        }

        if (codes.Count == 0 && errors.Count == 0)
        {
            errors.Add("no codes: send one code per line (code[,validUntil])");
        }
        else if (codes.Count > MaxCodes)
        {
            errors.Add($"{codes.Count} codes: at most {MaxCodes} per upload");
        }

        return (codes, errors);
    }

    private static IResult Problem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static async Task<string?> ReadTextAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxCsvBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxCsvBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(buffer.ToArray()).TrimStart('\uFEFF');
    }
}
