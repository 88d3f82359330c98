using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.Journeys;

/// <summary>A start request: a published journey for one customer, sent by one account manager; <paramref name="Occurrence"/>
/// for a journey that can recur (it becomes part of the instance id).</summary>
public sealed record StartJourney(string JourneyId, string CustomerId, string SenderId, string? Occurrence);

/// <summary>A signal request: replied, clicked, joined-activity, intent, converted, opted-out, manager-deleted.</summary>
public sealed record SignalJourney(string Kind);

/// <summary>Body of a segment start: the journey, the segment (<c>tag:代发 AND aum&gt;=50000 AND NOT tag:deleted-us</c>) and
/// the most customers it may start (default <see cref="JourneyOperatorHttp.DefaultSegmentLimit"/>).</summary>
public sealed record StartJourneyForSegment(string JourneyId, string Segment, int? Limit);

/// <summary>What a segment start did.</summary>
/// <param name="Plan">How the segment was evaluated (tag index or full scan).</param>
/// <param name="Matched">Customers in the segment.</param>
/// <param name="Started">Journeys started.</param>
/// <param name="AlreadyStarted">Customers whose journey with that id was running (or had ended) already.</param>
/// <param name="NoAccountManager">Customers with no active account manager on WeCom (nobody could send).</param>
public sealed record SegmentStartResult(string Plan, int Matched, int Started, int AlreadyStarted, int NoAccountManager);

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

    /// <summary>The most customers a segment start takes unless the request says fewer.</summary>
    public const int DefaultSegmentLimit = 10_000;

    /// <summary>The most customers a segment start may take; larger audiences go through cohort mode (docs/SCALE.md).</summary>
    public const int MaxSegmentLimit = 50_000;

    /// <summary>
    /// POST segment-starts: starts the journey for every customer of a segment, each with their active account manager
    /// (the most recently added one if several), or finds the running one. The segment is evaluated first and nothing
    /// starts if it holds more than the limit (422): a bank-wide audience belongs to cohort mode, not to one request.
    /// </summary>
    public static async Task<IResult> StartSegmentAsync(
        HttpContext http, string tenant, StartJourneyForSegment? request, OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments,
        IRelationshipStore relationships, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(journeys);
        const string Action = "journey.start-segment";
        if (await access.AuthorizeAsync(http, tenant, Action, request?.Segment ?? "?", Writers).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request?.JourneyId) || !catalog.All.Any(d => d.Id == request.JourneyId))
        {
            errors["journeyId"] = [$"Name a published journey: {string.Join(", ", catalog.All.Select(d => d.Id).Distinct())}."];
        }

        SegmentPlan? plan = null;
        try
        {
            plan = SegmentPlan.For(SegmentQuery.Parse(request?.Segment ?? ""),
                new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });
        }
        catch (SegmentQueryException e)
        {
            errors["segment"] = [e.Message];
        }

        var limit = request?.Limit ?? DefaultSegmentLimit;
        if (limit is < 1 or > MaxSegmentLimit)
        {
            errors["limit"] = [$"The limit is 1–{MaxSegmentLimit:N0}; larger audiences run in cohort mode."];
        }

        if (errors.Count > 0)
        {
            await access.RecordAsync(http, tenant, Action, request?.Segment ?? "?", "400").ConfigureAwait(false);
            return Results.ValidationProblem(errors);
        }

        var customers = new List<string>();
        await foreach (var id in segments.MatchAsync(tenant, plan!, ct).ConfigureAwait(false))
        {
            customers.Add(id);
            if (customers.Count > limit)
            {
                await access.RecordAsync(http, tenant, Action, request!.Segment, "422").ConfigureAwait(false);
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Segment too large",
                    detail: $"The segment holds more than {limit:N0} customers; nothing was started. Narrow it, raise the limit (at most {MaxSegmentLimit:N0}) or run it in cohort mode.");
            }
        }

        int started = 0, already = 0, unassigned = 0;
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (customerId, c) =>
        {
            Relationship? manager = null;
            await foreach (var r in relationships.ListByCustomerAsync(tenant, customerId, c).ConfigureAwait(false))
            {
                if (r.Status == RelationshipStatus.Active && (manager is null || r.AddedAt > manager.AddedAt))
                {
                    manager = r;
                }
            }

            if (manager is null)
            {
                Interlocked.Increment(ref unassigned);
                return;
            }

            var (_, isNew) = await journeys.StartAsync(tenant, new StartJourney(request!.JourneyId, customerId, manager.UserId, null), c).ConfigureAwait(false);
            Interlocked.Increment(ref isNew ? ref started : ref already);
        }).ConfigureAwait(false);

        var result = new SegmentStartResult(plan!.ToString(), customers.Count, started, already, unassigned);
        await access.RecordAsync(http, tenant, Action, request!.Segment, $"200 started={started} already={already} unassigned={unassigned}").ConfigureAwait(false);
        return Results.Ok(result);
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
