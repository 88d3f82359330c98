using System.Text;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Customers;

/// <summary>
/// <c>POST /api/tenants/{tenant}/crm/import</c>: an operator uploads CRM messages as JSONL (one message per line, any
/// type), each applied exactly as if it came off the CRM queue — versions honoured, invalid lines kept as poison with
/// their line number. For the initial load of millions use <c>./pd import</c>, which writes with batch transactions.
/// </summary>
public static class CrmImportApi
{
    /// <summary>The largest upload accepted (bytes).</summary>
    public const long MaxBytes = 50 * 1024 * 1024;

    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];

    /// <summary>The outcome counts of an upload.</summary>
    public sealed record ImportSummary(int Lines, int Applied, int Stale, int Poisoned, IReadOnlyList<string> FirstProblems);

    /// <summary>Maps the route (authenticated; role and tenant checked per call).</summary>
    public static IEndpointRouteBuilder MapCrmImportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tenants/{tenant}/crm/import", ImportAsync).RequireAuthorization().DisableAntiforgery()
            .Describe("crm", "Upload CRM messages (privatedomain.crm/1), one JSON object per line, up to 50 MiB", OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<string>("application/x-ndjson").Produces<ImportSummary>().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static Task<IResult> ImportAsync(string tenant, HttpContext http, OperatorAccess access, CrmIntake intake, CancellationToken ct) =>
        access.RunAsync(http, tenant, "crm.import", "jsonl", Writers, async call =>
        {
            if (http.Request.ContentLength > MaxBytes)
            {
                return Results.Problem(detail: $"Upload at most {MaxBytes / 1024 / 1024} MiB; split the file or use ./pd import.",
                    statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            var (lines, applied, stale, poisoned) = (0, 0, 0, 0);
            var problems = new List<string>();
            using var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: false));
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                lines++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                // The route's tenant is the only one an upload may write to: a line naming another is poisoned (under this tenant).
                var result = await intake.HandleAsync(line, $"operator-import:{tenant}:line-{lines}", tenant, ct).ConfigureAwait(false);
                switch (result.Outcome)
                {
                    case CrmOutcome.Applied: applied++; break;
                    case CrmOutcome.Stale: stale++; break;
                    default:
                        poisoned++;
                        if (problems.Count < 20)
                        {
                            problems.Add($"line {lines}: {result.Reason}");
                        }

                        break;
                }

                call.Note = $"lines={lines} applied={applied} stale={stale} poisoned={poisoned}";
            }

            call.Target = $"{lines} lines";
            return Results.Ok(new ImportSummary(lines, applied, stale, poisoned, problems));
        });
}
