using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Input;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Simulation;
using PrivateDomain.Operators;

namespace PrivateDomain.Journeys;

/// <summary>
/// The journey definitions' operator edge, shared by both hosts, <c>/api/tenants/{tenant}/journey-definitions</c>: the
/// published definitions and versions, the tenant's running customers per stage (where the host's runner keeps them),
/// and a pre-launch forecast for a segment computed by the simulator (<see cref="SegmentForecast"/>) before anything
/// starts. Starting is <c>POST …/journeys/segment-starts</c>.
/// </summary>
public static class JourneyDefinitionHttp
{
    /// <summary>Who may read definitions.</summary>
    public static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor, ContentRoles.Compliance];

    /// <summary>Who may ask for a forecast (it reads the segment's customers, to start them).</summary>
    public static readonly string[] Forecasters = [OperatorRoles.Operator, OperatorRoles.Admin];

    /// <summary>A forecast's request: the segment, as <c>segment-starts</c> takes it.</summary>
    public sealed record ForecastRequest(string Segment, int? Limit);

    /// <summary>A definition in the list.</summary>
    public sealed record DefinitionSummary(string JourneyId, int Version, string Name, bool Published, int Steps, int Rounds, int? Running);

    /// <summary>A definition with its steps and the tenant's running customers per stage (null where the host cannot count them).</summary>
    public sealed record DefinitionView(
        string JourneyId, int Version, string Name, IReadOnlyList<StepView> Steps, IReadOnlyList<StageCount>? RunningByStage, IReadOnlyList<int> Versions);

    /// <summary>A step.</summary>
    public sealed record StepView(string Id, string Stage, string Channel, string Day, string Content, bool Personal);

    /// <summary>Running customers whose last touch was in a stage (<c>未发送</c>: none sent yet).</summary>
    public sealed record StageCount(string Stage, int Customers);

    /// <summary><c>GET …/journey-definitions</c>.</summary>
    public static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, JourneyCatalog catalog, IJourneyStore? running, CancellationToken ct) =>
        access.RunAsync(http, tenant, "journey.definitions", "all", Readers, async _ =>
        {
            var counts = running is null ? null : await RunningAsync(tenant, running, null, ct).ConfigureAwait(false);
            return Results.Ok(catalog.All.GroupBy(d => d.Id).Select(g => g.MaxBy(d => d.Version)!).Select(d => new DefinitionSummary(
                d.Id, d.Version, d.Title, d.Published, d.Steps.Length, d.Rounds, counts?.Where(c => c.Key.JourneyId == d.Id).Sum(c => c.Value))).ToList());
        });

    /// <summary><c>GET …/journey-definitions/{journeyId}</c>.</summary>
    public static Task<IResult> GetAsync(
        string tenant, string journeyId, HttpContext http, OperatorAccess access, JourneyCatalog catalog, IJourneyStore? running, CancellationToken ct) =>
        access.RunAsync(http, tenant, "journey.definition", journeyId, Readers, async _ =>
        {
            if (Find(catalog, journeyId) is not { } d)
            {
                return NotFound(journeyId);
            }

            IReadOnlyList<StageCount>? stages = null;
            if (running is not null)
            {
                var counts = await RunningAsync(tenant, running, catalog, ct).ConfigureAwait(false);
                stages = [.. d.Stages.Select(s => s.Name).Prepend(NotYet).Distinct()
                    .Select(s => new StageCount(s, counts.Where(c => c.Key.JourneyId == journeyId && c.Key.Stage == s).Sum(c => c.Value)))];
            }

            return Results.Ok(new DefinitionView(d.Id, d.Version, d.Title,
                [.. d.Steps.Select(s => new StepView(s.Id, s.Stage, ContentNames.Of(s.Channel), s.Day?.ToString(CultureInfo.InvariantCulture) ?? $"+{s.AfterHours}h", s.Content, s.Personal))],
                stages, [.. catalog.All.Where(x => x.Id == journeyId).Select(x => x.Version)]));
        });

    /// <summary><c>POST …/journey-definitions/{journeyId}/forecasts</c> (<c>{segment, limit?}</c>): the forecast for
    /// starting the journey today for the segment's customers; nothing is started or written.</summary>
    public static Task<IResult> ForecastAsync(
        string tenant, string journeyId, HttpContext http, OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments, IRelationshipStore relationships,
        ICustomerStore customers, JourneyEngine engine, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "journey.forecast", journeyId, Forecasters, async call =>
        {
            if (Find(catalog, journeyId) is not { } definition)
            {
                return NotFound(journeyId);
            }

            var (request, problem) = await OperatorRequests.ReadJsonAsync<ForecastRequest>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = $"{journeyId} {request!.Segment}";
            SegmentPlan plan;
            if (InputLimits.Segment.Check(request.Segment, "segment") is { } tooLong)
            {
                return OperatorRequests.Invalid("segment", tooLong);
            }

            try
            {
                plan = SegmentPlan.For(SegmentQuery.Parse(request.Segment), new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });
            }
            catch (SegmentQueryException e)
            {
                return OperatorRequests.Invalid("segment", e.Message);
            }

            var limit = request.Limit ?? JourneyOperatorHttp.DefaultSegmentLimit;
            if (limit is < 1 or > JourneyOperatorHttp.MaxSegmentLimit)
            {
                return OperatorRequests.Invalid("limit", $"The limit is 1–{JourneyOperatorHttp.MaxSegmentLimit:N0}, as for segment-starts.");
            }

            var ids = new List<string>();
            await foreach (var id in segments.MatchAsync(tenant, plan, ct).ConfigureAwait(false))
            {
                ids.Add(id);
                if (ids.Count > limit)
                {
                    return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Segment too large",
                        detail: $"The segment holds more than {limit:N0} customers; narrow it or raise the limit (at most {JourneyOperatorHttp.MaxSegmentLimit:N0}).");
                }
            }

            var managers = new Dictionary<string, int>(StringComparer.Ordinal);
            int unassigned = 0, optedOut = 0, deletedUs = 0;
            var gate = new Lock();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, c) =>
            {
                Relationship? manager = null;
                await foreach (var r in relationships.ListByCustomerAsync(tenant, id, c).ConfigureAwait(false))
                {
                    if (r.Status == RelationshipStatus.Active && (manager is null || r.AddedAt > manager.AddedAt))
                    {
                        manager = r;
                    }
                }

                var profile = manager is null ? null : await customers.GetAsync(tenant, id, c).ConfigureAwait(false);
                lock (gate)
                {
                    if (manager is null)
                    {
                        unassigned++;
                    }
                    else if (profile?.Value.HasTag(DeliveryPolicy.OptedOutTag) == true)
                    {
                        optedOut++;
                    }
                    else if (profile?.Value.HasTag(DeliveryPolicy.DeletedUsTag) == true)
                    {
                        deletedUs++;
                    }
                    else
                    {
                        managers[manager.UserId] = managers.GetValueOrDefault(manager.UserId) + 1;
                    }
                }
            }).ConfigureAwait(false);

            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TouchPolicy.Default.TimeZone).DateTime);
            var forecast = SegmentForecast.Run(new JourneySimulator(engine), definition, request.Segment, managers, unassigned, optedOut, deletedUs, today, ct);
            forecast = forecast with { Customers = ids.Count };
            call.Note = $"customers={ids.Count} touches={forecast.TotalTouches}";
            return Results.Ok(forecast);
        });

    private const string NotYet = "未发送";

    private static JourneyDefinition? Find(JourneyCatalog catalog, string journeyId) =>
        Identifiers.JourneyId.IsValid(journeyId) && catalog.All.Any(d => d.Id == journeyId) ? catalog.Get(journeyId) : null;

    private static async Task<Dictionary<(string JourneyId, string Stage), int>> RunningAsync(
        string tenant, IJourneyStore running, JourneyCatalog? catalog, CancellationToken ct)
    {
        var counts = new Dictionary<(string, string), int>();
        await foreach (var r in running.ListRunningAsync(ct).ConfigureAwait(false))
        {
            if (r.Tenant != tenant || r.Status != JourneyStatus.Running)
            {
                continue;
            }

            var stage = NotYet;
            if (catalog is not null && r.State.LastSentStepId is { } step)
            {
                var d = catalog.All.FirstOrDefault(x => x.Id == r.State.JourneyId && x.Version == r.State.Version);
                stage = d?.Steps.FirstOrDefault(s => s.Id == step)?.Stage ?? NotYet;
            }

            var key = (r.State.JourneyId, stage);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    private static IResult NotFound(string journeyId) =>
        Results.Problem(detail: $"No published journey '{InputRule.Truncate(journeyId, 64)}' here.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
