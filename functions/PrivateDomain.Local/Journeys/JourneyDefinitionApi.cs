using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Simulation;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Journeys;

/// <summary>Operator API for journey definitions and pre-launch forecasts on the local host, <c>/api/tenants/{tenant}/journey-definitions</c>
/// (<see cref="JourneyDefinitionHttp"/>, shared with the Functions app); here the local runner's rows give the running customers per stage.</summary>
public static class JourneyDefinitionApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapJourneyDefinitionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/journey-definitions").RequireAuthorization();
        group.MapGet("", ListAsync).Describe("journeys", "The published journeys (newest version each) and how many of the tenant's customers are on each", JourneyDefinitionHttp.Readers)
            .Produces<IEnumerable<JourneyDefinitionHttp.DefinitionSummary>>();
        group.MapGet("/{journeyId}", GetAsync).Describe("journeys", "A journey's steps, versions and the tenant's running customers per stage (null where the host cannot count them)", JourneyDefinitionHttp.Readers)
            .Produces<JourneyDefinitionHttp.DefinitionView>();
        group.MapPost("/{journeyId}/forecasts", ForecastAsync)
            .Describe("journeys", "Forecast starting the journey today for a segment (the simulator per account manager): touches per day and channel, confirmations per manager and day, policy refusals; starts nothing", JourneyDefinitionHttp.Forecasters)
            .DescribeBody<JourneyDefinitionHttp.ForecastRequest>().Produces<JourneyForecast>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, JourneyCatalog catalog, IJourneyStore running, CancellationToken ct) =>
        JourneyDefinitionHttp.ListAsync(tenant, http, access, catalog, running, ct);

    private static Task<IResult> GetAsync(string tenant, string journeyId, HttpContext http, OperatorAccess access, JourneyCatalog catalog, IJourneyStore running, CancellationToken ct) =>
        JourneyDefinitionHttp.GetAsync(tenant, journeyId, http, access, catalog, running, ct);

    private static Task<IResult> ForecastAsync(
        string tenant, string journeyId, HttpContext http, OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments, IRelationshipStore relationships,
        ICustomerStore customers, JourneyEngine engine, TimeProvider time, CancellationToken ct) =>
        JourneyDefinitionHttp.ForecastAsync(tenant, journeyId, http, access, catalog, segments, relationships, customers, engine, time, ct);
}
