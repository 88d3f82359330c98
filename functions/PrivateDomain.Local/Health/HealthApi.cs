using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Operators;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.Health;

/// <summary>
/// <c>GET /healthz</c>: 200 when every Storage service answers, 503 otherwise; and warnings that need an operator but do
/// not stop the service — a calendar year the payroll will need within 45 days and does not have ("Degraded", still 200).
/// Anonymous callers (load balancers, probes) get one status word per dependency and nothing else: no error texts, no
/// tenants, no warnings. An Admin's bearer token (of a tenant configured here) also gets each storage service's error
/// and the calendar warnings of that Admin's tenants; the errors are logged either way.
/// </summary>
public static class HealthApi
{
    /// <summary>How long the whole report may take; a check that has not answered by then is left out.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    /// <summary>The anonymous report.</summary>
    /// <param name="Status"><c>Healthy</c>, <c>Degraded</c> (warnings) or <c>Unhealthy</c> (storage unreachable).</param>
    /// <param name="Storage">Each Storage service: reachable or not.</param>
    /// <param name="Calendars"><c>Healthy</c>, or <c>Degraded</c> when a payroll calendar year is missing.</param>
    public sealed record HealthReport(string Status, IReadOnlyList<DependencyHealth> Storage, string Calendars);

    /// <summary>What an Admin sees: the anonymous report plus the errors and warnings.</summary>
    public sealed record HealthDetails(string Status, IReadOnlyList<StorageServiceHealth> Storage, string Calendars, IReadOnlyList<string> Warnings);

    /// <summary>One dependency as anonymous callers see it.</summary>
    public sealed record DependencyHealth(string Service, bool Reachable);

    /// <summary>Maps /healthz.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (HttpContext http, StorageHealth health, PayrollCalendarWatch calendars, IOptions<WeComOptions> tenants, ILoggerFactory logs,
            CancellationToken ct) =>
        {
            var log = logs.CreateLogger(typeof(HealthApi).FullName!);
            var storageCheck = health.CheckAsync(ct);
            var warningsCheck = CalendarWarningsAsync(calendars, tenants.Value.Tenants.Keys, log, ct);
            var storage = await storageCheck.ConfigureAwait(false);
            var warnings = await warningsCheck.ConfigureAwait(false);
            foreach (var s in storage.Where(s => !s.Reachable))
            {
                log.LogWarning("/healthz: storage {Service} unreachable: {Error}", s.Service, s.Error);
            }

            var healthy = storage.All(s => s.Reachable);
            var status = !healthy ? "Unhealthy" : warnings.Count > 0 ? "Degraded" : "Healthy";
            var calendarStatus = warnings.Count > 0 ? "Degraded" : "Healthy";
            var code = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.CacheControl = "no-store";
            if (await AdminTenantsAsync(http).ConfigureAwait(false) is { Count: > 0 } admin)
            {
                IReadOnlyList<string> theirs = [.. warnings.Where(w => admin.Contains(w.Tenant)).Select(w => w.Message).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
                return Results.Json(new HealthDetails(status, storage, calendarStatus, theirs), statusCode: code);
            }

            return Results.Json(new HealthReport(status, [.. storage.Select(s => new DependencyHealth(s.Service, s.Reachable))], calendarStatus), statusCode: code);
        });
        return app;
    }

    // The tenants in which the caller's bearer token (if any, and valid) is an Admin's. No token, or no operator API here: none.
    private static async Task<IReadOnlySet<string>> AdminTenantsAsync(HttpContext http)
    {
        if (http.RequestServices.GetService<OperatorAccess>() is not { } access || !http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || http.RequestServices.GetService<IAuthenticationSchemeProvider>() is not { } schemes
            || await schemes.GetSchemeAsync(OperatorAccess.BearerScheme).ConfigureAwait(false) is null)
        {
            return new HashSet<string>();
        }

        var result = await http.AuthenticateAsync(OperatorAccess.BearerScheme).ConfigureAwait(false);
        return result is { Succeeded: true, Principal: { } user }
            ? access.TenantsWhere(user, [OperatorRoles.Admin]).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    private static async Task<IReadOnlyList<(string Tenant, string Message)>> CalendarWarningsAsync(
        PayrollCalendarWatch calendars, IEnumerable<string> tenants, ILogger log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var warnings = new List<(string, string)>();
        foreach (var tenant in tenants)
        {
            try
            {
                foreach (var missing in await calendars.FindAsync(tenant, timeout.Token).ConfigureAwait(false))
                {
                    warnings.Add((tenant, missing.Message));
                }
            }
#pragma warning disable CA1031 // Storage trouble is reported by the storage probes; the calendar check is skipped.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                log.LogDebug(e, "Calendar check of {Tenant} skipped in /healthz", tenant);
            }
        }

        return warnings;
    }
}
