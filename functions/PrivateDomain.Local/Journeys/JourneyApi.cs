using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// Operator API for journeys, <c>/api/tenants/{tenant}/journeys</c>, Entra ID bearer tokens only: start one for a
/// customer (returning the running one if it exists), read an instance, signal it, cancel it. Every call is audited.
/// </summary>
public static class JourneyApi
{
    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>A start request.</summary>
    public sealed record StartJourney(string JourneyId, string CustomerId, string SenderId, string? Occurrence);

    /// <summary>A signal request: replied, clicked, joined-activity, intent, converted, opted-out, manager-deleted.</summary>
    public sealed record SignalJourney(string Kind);

    /// <summary>What the API shows of an instance.</summary>
    public sealed record JourneyView(
        string InstanceId, string JourneyId, int Version, string CustomerId, string SenderId, string Status, string? EndReason,
        int Round, DateTimeOffset? NextWakeAt, bool Intent, int Reactions);

    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapJourneyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/journeys").RequireAuthorization();
        group.MapPost("", StartAsync);
        group.MapGet("/{instanceId}", GetAsync);
        group.MapPost("/{instanceId}/signals", SignalAsync);
        group.MapDelete("/{instanceId}", CancelAsync);
        return app;
    }

    private static async Task<IResult> StartAsync(
        string tenant, StartJourney request, HttpContext http, OperatorAccess access, JourneyRunner runner, JourneyCatalog catalog, CancellationToken ct)
    {
        if (await access.AuthorizeAsync(http, tenant, "journey.start", request?.CustomerId ?? "?", Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request?.JourneyId) || !catalog.All.Any(d => d.Id == request.JourneyId))
        {
            errors["journeyId"] = [$"Name a published journey: {string.Join(", ", catalog.All.Select(d => d.Id).Distinct())}."];
        }

        if (string.IsNullOrWhiteSpace(request?.CustomerId))
        {
            errors["customerId"] = ["The customer id is required."];
        }

        if (string.IsNullOrWhiteSpace(request?.SenderId))
        {
            errors["senderId"] = ["The account manager's WeCom userid is required."];
        }

        if (errors.Count > 0)
        {
            await access.RecordAsync(http, tenant, "journey.start", request?.CustomerId ?? "?", "400").ConfigureAwait(false);
            return Results.ValidationProblem(errors);
        }

        var (instanceId, started) = await runner.StartAsync(tenant, request!.JourneyId, request.CustomerId, request.SenderId, request.Occurrence, ct)
            .ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.start", instanceId, started ? "201" : "200").ConfigureAwait(false);
        var view = await ViewAsync(http, tenant, instanceId, ct).ConfigureAwait(false);
        return started ? Results.Created($"/api/tenants/{tenant}/journeys/{Uri.EscapeDataString(instanceId)}", view) : Results.Ok(view);
    }

    private static async Task<IResult> GetAsync(string tenant, string instanceId, HttpContext http, OperatorAccess access, CancellationToken ct)
    {
        if (await access.AuthorizeAsync(http, tenant, "journey.get", instanceId, Readers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = await ViewAsync(http, tenant, instanceId, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.get", instanceId, view is null ? "404" : "200").ConfigureAwait(false);
        return view is null ? NotFound(instanceId) : Results.Ok(view);
    }

    private static async Task<IResult> SignalAsync(
        string tenant, string instanceId, SignalJourney request, HttpContext http, OperatorAccess access, JourneyRunner runner, TimeProvider time, CancellationToken ct)
    {
        if (await access.AuthorizeAsync(http, tenant, "journey.signal", instanceId, Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var journeyEvent = JourneySignals.ToEvent(request?.Kind, time.GetUtcNow());
        if (journeyEvent is null)
        {
            await access.RecordAsync(http, tenant, "journey.signal", instanceId, "400").ConfigureAwait(false);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"Use one of {string.Join(", ", JourneySignals.Kinds)}."] });
        }

        var applied = await runner.SignalAsync(tenant, instanceId, journeyEvent, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, $"journey.signal:{request!.Kind}", instanceId, applied ? "202" : "404").ConfigureAwait(false);
        return applied ? Results.Accepted() : NotFound(instanceId);
    }

    private static async Task<IResult> CancelAsync(string tenant, string instanceId, HttpContext http, OperatorAccess access, JourneyRunner runner, CancellationToken ct)
    {
        if (await access.AuthorizeAsync(http, tenant, "journey.cancel", instanceId, Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var cancelled = await runner.CancelAsync(tenant, instanceId, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.cancel", instanceId, cancelled ? "204" : "404").ConfigureAwait(false);
        return cancelled ? Results.NoContent() : NotFound(instanceId);
    }

    private static async Task<JourneyView?> ViewAsync(HttpContext http, string tenant, string instanceId, CancellationToken ct)
    {
        var store = http.RequestServices.GetRequiredService<IJourneyStore>();
        if (await store.GetAsync(tenant, instanceId, ct).ConfigureAwait(false) is not var (r, _))
        {
            return null;
        }

        var s = r.State;
        return new JourneyView(s.InstanceId, s.JourneyId, s.Version, s.CustomerId, s.SenderId, r.Status.ToString(), r.EndReason?.ToString(),
            s.Round, r.NextWakeAt, s.Intent, s.Reactions);
    }

    private static IResult NotFound(string instanceId) =>
        Results.Problem(detail: $"No journey instance '{instanceId}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
