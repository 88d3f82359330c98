using Microsoft.AspNetCore.Http;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Input;
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
/// Functions app so both answer identically: the tenant and role check and the audit row around the work
/// (<see cref="OperatorAccess.RunAsync"/>), strict request reading (<see cref="OperatorRequests"/>), identifier rules
/// (<see cref="Identifiers"/>) and problem+json errors. Authentication happens before (middleware locally,
/// <see cref="OperatorAccess.AuthenticateAsync"/> on Functions); the driver behind <see cref="IJourneyOperations"/> differs.
/// </summary>
public static class JourneyOperatorHttp
{
    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>POST: start, or the running one (201 with the new instance, 200 with the existing one). The customer must
    /// be in the pool and the sender one of their active account managers (422 naming the field otherwise).</summary>
    public static Task<IResult> StartAsync(
        HttpContext http, string tenant, OperatorAccess access, JourneyCatalog catalog, ICustomerStore customers, IRelationshipStore relationships,
        IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(journeys);
        return access.RunAsync(http, tenant, "journey.start", "body", Writers, async call =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<StartJourney>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = request!.CustomerId ?? "?";
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            CheckJourney(errors, catalog, request.JourneyId);
            OperatorRequests.Check(errors, Identifiers.CustomerId, request.CustomerId, "customerId");
            OperatorRequests.Check(errors, Identifiers.UserId, request.SenderId, "senderId");
            if (request.Occurrence is not null)
            {
                OperatorRequests.Check(errors, Identifiers.Occurrence, request.Occurrence, "occurrence");
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            if (await customers.GetAsync(tenant, request.CustomerId!, ct).ConfigureAwait(false) is null)
            {
                errors["customerId"] = [$"No customer '{request.CustomerId}' in this tenant's pool; start journeys for customers the pool holds (from WeCom or CRM)."];
            }
            else if (!await relationships.ListByCustomerAsync(tenant, request.CustomerId!, ct)
                         .AnyAsync(r => r.Status == RelationshipStatus.Active && r.UserId == request.SenderId, ct).ConfigureAwait(false))
            {
                errors["senderId"] = [$"'{request.SenderId}' is not an active account manager of customer '{request.CustomerId}' on WeCom; name one of the customer's account managers."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The journey cannot start");
            }

            var (instanceId, started) = await journeys.StartAsync(tenant, request, ct).ConfigureAwait(false);
            call.Target = instanceId;
            var view = await journeys.GetAsync(tenant, instanceId, ct).ConfigureAwait(false);
            return started ? Results.Created($"/api/tenants/{tenant}/journeys/{Uri.EscapeDataString(instanceId)}", view) : Results.Ok(view);
        });
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
    public static Task<IResult> StartSegmentAsync(
        HttpContext http, string tenant, OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments,
        IRelationshipStore relationships, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(journeys);
        return access.RunAsync(http, tenant, "journey.start-segment", "body", Writers, async call =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<StartJourneyForSegment>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = request!.Segment ?? "?";
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            CheckJourney(errors, catalog, request.JourneyId);
            SegmentPlan? plan = null;
            if (InputLimits.Segment.Check(request.Segment, "segment") is { } tooLong)
            {
                errors["segment"] = [tooLong];
            }
            else
            {
                try
                {
                    plan = SegmentPlan.For(SegmentQuery.Parse(request.Segment!),
                        new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });
                }
                catch (SegmentQueryException e)
                {
                    errors["segment"] = [e.Message];
                }
            }

            var limit = request.Limit ?? DefaultSegmentLimit;
            if (limit is < 1 or > MaxSegmentLimit)
            {
                errors["limit"] = [$"The limit is 1–{MaxSegmentLimit:N0}; larger audiences run in cohort mode."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var customers = new List<string>();
            await foreach (var id in segments.MatchAsync(tenant, plan!, ct).ConfigureAwait(false))
            {
                customers.Add(id);
                if (customers.Count > limit)
                {
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

                var (_, isNew) = await journeys.StartAsync(tenant, new StartJourney(request.JourneyId, customerId, manager.UserId, null), c).ConfigureAwait(false);
                Interlocked.Increment(ref isNew ? ref started : ref already);
            }).ConfigureAwait(false);

            call.Note = $"started={started} already={already} unassigned={unassigned}";
            return Results.Ok(new SegmentStartResult(plan!.ToString(), customers.Count, started, already, unassigned));
        });
    }

    /// <summary>GET one instance (any operator role, Auditor included).</summary>
    public static Task<IResult> GetAsync(HttpContext http, string tenant, string instanceId, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        return access.RunAsync(http, tenant, "journey.get", instanceId, Readers, async _ =>
        {
            if (InstanceProblem(instanceId) is { } invalid)
            {
                return invalid;
            }

            var view = await journeys.GetAsync(tenant, instanceId, ct).ConfigureAwait(false);
            return view is null ? NotFound(instanceId) : Results.Ok(view);
        });
    }

    /// <summary>POST a signal (202 once it is stored and the instance is woken).</summary>
    public static Task<IResult> SignalAsync(HttpContext http, string tenant, string instanceId, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        return access.RunAsync(http, tenant, "journey.signal", instanceId, Writers, async call =>
        {
            if (InstanceProblem(instanceId) is { } invalid)
            {
                return invalid;
            }

            var (request, problem) = await OperatorRequests.ReadJsonAsync<SignalJourney>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (request!.Kind is not { } kind || !JourneySignals.Kinds.Contains(kind))
            {
                return OperatorRequests.Invalid("kind", $"Use one of {string.Join(", ", JourneySignals.Kinds)}.");
            }

            call.Action = $"journey.signal:{kind}";
            var applied = await journeys.SignalAsync(tenant, instanceId, kind, ct).ConfigureAwait(false);
            return applied ? Results.Accepted() : NotFound(instanceId);
        });
    }

    /// <summary>DELETE: cancel (204).</summary>
    public static Task<IResult> CancelAsync(HttpContext http, string tenant, string instanceId, OperatorAccess access, IJourneyOperations journeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(journeys);
        return access.RunAsync(http, tenant, "journey.cancel", instanceId, Writers, async _ =>
        {
            if (InstanceProblem(instanceId) is { } invalid)
            {
                return invalid;
            }

            return await journeys.CancelAsync(tenant, instanceId, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound(instanceId);
        });
    }

    private static void CheckJourney(Dictionary<string, string[]> errors, JourneyCatalog catalog, string? journeyId)
    {
        if (string.IsNullOrWhiteSpace(journeyId) || !Identifiers.JourneyId.IsValid(journeyId) || !catalog.All.Any(d => d.Id == journeyId))
        {
            errors["journeyId"] = [$"Name a published journey: {string.Join(", ", catalog.All.Select(d => d.Id).Distinct())}."];
        }
    }

    private static IResult? InstanceProblem(string instanceId) =>
        Identifiers.JourneyInstanceId.Check(instanceId, "instanceId") is { } problem ? OperatorRequests.Invalid("instanceId", problem) : null;

    private static IResult NotFound(string instanceId) =>
        Results.Problem(detail: $"No journey instance '{instanceId}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
