using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 when every Storage service answers, 503 otherwise, with the details; and warnings that need
/// an operator but do not stop the service — a calendar year the payroll will need within 45 days and does not have
/// ("Degraded", still 200). Anonymous, so it says what is wrong and never whose: no tenants, employers or exceptions.
/// </summary>
public static class HealthApi
{
    /// <summary>How long the whole report may take; a check that has not answered by then is left out.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <summary>A health report.</summary>
    /// <param name="Status"><c>Healthy</c>, <c>Degraded</c> (warnings) or <c>Unhealthy</c> (storage unreachable).</param>
    /// <param name="Storage">Each Storage service's reachability.</param>
    /// <param name="Warnings">What needs an operator, e.g. <c>calendar for 2027 missing; pay months 2027-01, 2027-02 undecided</c>.</param>
    public sealed record HealthReport(string Status, IReadOnlyList<StorageServiceHealth> Storage, IReadOnlyList<string> Warnings);

    /// <summary>Maps /healthz.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (StorageHealth health, PayrollCalendarWatch calendars, IOptions<WeComOptions> tenants, ILoggerFactory logs, CancellationToken ct) =>
        {
            var storageCheck = health.CheckAsync(ct);
            var warningsCheck = CalendarWarningsAsync(calendars, tenants.Value.Tenants.Keys, logs.CreateLogger(typeof(HealthApi).FullName!), ct);
            var storage = await storageCheck.ConfigureAwait(false);
            var warnings = await warningsCheck.ConfigureAwait(false);
            var healthy = storage.All(s => s.Reachable);
            var status = !healthy ? "Unhealthy" : warnings.Count > 0 ? "Degraded" : "Healthy";
            return Results.Json(new HealthReport(status, storage, warnings),
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }

    private static async Task<IReadOnlyList<string>> CalendarWarningsAsync(
        PayrollCalendarWatch calendars, IEnumerable<string> tenants, ILogger log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            try
            {
                foreach (var missing in await calendars.FindAsync(tenant, timeout.Token).ConfigureAwait(false))
                {
                    warnings.Add(missing.Message);
                }
            }
#pragma warning disable CA1031 // Storage trouble is reported by the storage probes; the calendar check is skipped.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                log.LogDebug(e, "Calendar check of {Tenant} skipped in /healthz", tenant);
            }
        }

        return [.. warnings];
    }
}
