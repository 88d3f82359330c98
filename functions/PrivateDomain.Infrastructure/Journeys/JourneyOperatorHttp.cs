using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.Journeys;

/// <summary>A start request: a published journey for one customer, sent by one account manager; <paramref name="Occurrence"/>
/// for a journey that can recur (it becomes part of the instance id).</summary>
public sealed record StartJourney(string JourneyId, string CustomerId, string SenderId, string? Occurrence);

/// <summary>A signal request: replied, clicked, joined-activity, intent, converted, opted-out, manager-deleted.</summary>
public sealed record SignalJourney(string Kind);

/// <summary>What the operator API shows of an instance.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="Version">The pinned definition version.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="SenderId">The account manager.</param>
/// <param name="Status">Running or Completed (on Azure also Pending, Failed, Terminated …: Durable's runtime status).</param>
/// <param name="EndReason">Why it ended, once it has.</param>
/// <param name="Round">The round (1 or 2).</param>
/// <param name="NextWakeAt">The next scheduled decision, when known.</param>
/// <param name="Intent">Whether the customer showed intent.</param>
/// <param name="Reactions">How many reactions the journey counted.</param>
public sealed record JourneyView(
    string InstanceId, string JourneyId, int Version, string CustomerId, string SenderId, string Status, string? EndReason,
    int Round, DateTimeOffset? NextWakeAt, bool Intent, int Reactions)
{
    /// <summary>The touches recorded in the ledger for this instance, with delivery's progress.</summary>
    public IReadOnlyList<LedgerEntry> Touches { get; init; } = [];
}

/// <summary>What a host's journey driver does for the operator API (the local runner, or Durable Functions).</summary>
public interface IJourneyOperations
{
    /// <summary>Starts the journey, or finds the running (or ended) instance with the same id.</summary>
    /// <returns>The instance id and whether this call started it.</returns>
    Task<(string InstanceId, bool Started)> StartAsync(string tenant, StartJourney request, CancellationToken cancellationToken);

    /// <summary>The instance, or null if the tenant has none with that id.</summary>
    Task<JourneyView?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken);

    /// <summary>Raises a valid signal kind (<see cref="JourneySignals.Kinds"/>) to the instance; false if it does not exist or has ended.</summary>
    Task<bool> SignalAsync(string tenant, string instanceId, string kind, CancellationToken cancellationToken);

    /// <summary>Ends the instance; false if it does not exist or has ended.</summary>
    Task<bool> CancelAsync(string tenant, string instanceId, CancellationToken cancellationToken);
}

/// <summary>
/// The operator journey API's HTTP edge, <c>/api/tenants/{tenant}/journeys</c>, shared by the local host and the
/// Functions app so both answer identically: the tenant and role check, request validation, problem+json errors and an
/// audit row for every call past authentication. Authentication happens before (middleware locally,
/// <see cref="OperatorAccess.AuthenticateAsync"/> on Functions); the driver behind <see cref="IJourneyOperations"/> differs.
/// </summary>
public static class JourneyOperatorHttp
{
    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The largest request body read (bytes); requests are a few short fields.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    /// <summary>POST: start, or the running one (201 with the new instance, 200 with the existing one).</summary>
    public static async Task<IResult> StartAsync(
        HttpContext http, string tenant, StartJourney? request, OperatorAccess access, JourneyCatalog catalog, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(journeys);
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

        var (instanceId, started) = await journeys.StartAsync(tenant, request!, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.start", instanceId, started ? "201" : "200").ConfigureAwait(false);
        var view = await journeys.GetAsync(tenant, instanceId, ct).ConfigureAwait(false);
        return started ? Results.Created($"/api/tenants/{tenant}/journeys/{Uri.EscapeDataString(instanceId)}", view) : Results.Ok(view);
    }

    /// <summary>GET one instance (any operator role, Auditor included).</summary>
    public static async Task<IResult> GetAsync(HttpContext http, string tenant, string instanceId, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        if (await access.AuthorizeAsync(http, tenant, "journey.get", instanceId, Readers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var view = await journeys.GetAsync(tenant, instanceId, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.get", instanceId, view is null ? "404" : "200").ConfigureAwait(false);
        return view is null ? NotFound(instanceId) : Results.Ok(view);
    }

    /// <summary>POST a signal (202 once it is stored and the instance is woken).</summary>
    public static async Task<IResult> SignalAsync(
        HttpContext http, string tenant, string instanceId, SignalJourney? request, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        if (await access.AuthorizeAsync(http, tenant, "journey.signal", instanceId, Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (request?.Kind is not { } kind || !JourneySignals.Kinds.Contains(kind))
        {
            await access.RecordAsync(http, tenant, "journey.signal", instanceId, "400").ConfigureAwait(false);
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"Use one of {string.Join(", ", JourneySignals.Kinds)}."] });
        }

        var applied = await journeys.SignalAsync(tenant, instanceId, kind, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, $"journey.signal:{kind}", instanceId, applied ? "202" : "404").ConfigureAwait(false);
        return applied ? Results.Accepted() : NotFound(instanceId);
    }

    /// <summary>DELETE: cancel (204).</summary>
    public static async Task<IResult> CancelAsync(HttpContext http, string tenant, string instanceId, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        if (await access.AuthorizeAsync(http, tenant, "journey.cancel", instanceId, Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var cancelled = await journeys.CancelAsync(tenant, instanceId, ct).ConfigureAwait(false);
        await access.RecordAsync(http, tenant, "journey.cancel", instanceId, cancelled ? "204" : "404").ConfigureAwait(false);
        return cancelled ? Results.NoContent() : NotFound(instanceId);
    }

    /// <summary>
    /// Reads a JSON request body for hosts without minimal-API binding (Functions): null with a 400 problem when it is
    /// missing, too large or not JSON of that shape. Reading happens after authentication, so strangers cannot make us parse.
    /// </summary>
    public static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Results.Problem(detail: $"Send at most {MaxBodyBytes} bytes of JSON.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                if (limited.Length + read > MaxBodyBytes)
                {
                    return (null, Results.Problem(detail: $"Send at most {MaxBodyBytes} bytes of JSON.", statusCode: StatusCodes.Status413PayloadTooLarge));
                }

                limited.Write(buffer, 0, read);
            }

            return limited.Length == 0
                ? (null, Results.Problem(detail: "Send the request as a JSON body.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"))
                : (JsonSerializer.Deserialize<T>(limited.ToArray(), Json), null);
        }
        catch (JsonException e)
        {
            return (null, Results.Problem(detail: $"The body is not valid JSON for this request: {e.Message}", statusCode: StatusCodes.Status400BadRequest,
                title: "Bad request"));
        }
    }

    private static IResult NotFound(string instanceId) =>
        Results.Problem(detail: $"No journey instance '{instanceId}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
