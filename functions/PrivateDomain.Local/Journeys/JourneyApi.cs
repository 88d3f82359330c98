using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// Operator API for journeys, <c>/api/tenants/{tenant}/journeys</c>, Entra ID bearer tokens only: start one for a
/// customer (returning the running one if it exists), read an instance, signal it, cancel it. Every call is audited.
/// The edge is <see cref="JourneyOperatorHttp"/>, shared with the Functions app; here the local runner drives journeys.
/// </summary>
public static class JourneyApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapJourneyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/journeys").RequireAuthorization();
        group.MapPost("", StartAsync).Describe("journeys", "Start a journey for a customer (201), or return the running one (200)", OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<StartJourney>().Produces<JourneyView>(StatusCodes.Status201Created).Produces<JourneyView>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/segment-starts", StartSegmentAsync).Describe("journeys", "Start a journey for every customer of a segment", OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<StartJourneyForSegment>().Produces<SegmentStartResult>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{instanceId}", GetAsync).Describe("journeys", "Read a journey instance", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor).Produces<JourneyView>();
        group.MapPost("/{instanceId}/signals", SignalAsync).Describe("journeys", "Send a signal (intent, converted, optOut, …) to a journey", OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<SignalJourney>().Produces(StatusCodes.Status202Accepted);
        group.MapDelete("/{instanceId}", CancelAsync).Describe("journeys", "Cancel a journey", OperatorRoles.Operator, OperatorRoles.Admin).Produces(StatusCodes.Status204NoContent);
        return app;
    }

    // Handlers read the body themselves (OperatorRequests), as the Functions app must: strict JSON, 400s naming the field.
    private static Task<IResult> StartAsync(
        string tenant, HttpContext http, OperatorAccess access, JourneyCatalog catalog, ICustomerStore customers, IRelationshipStore relationships,
        RunnerJourneyOperations journeys, CancellationToken ct) =>
        JourneyOperatorHttp.StartAsync(http, tenant, access, catalog, customers, relationships, journeys, ct);

    private static Task<IResult> StartSegmentAsync(
        string tenant, HttpContext http, OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments,
        IRelationshipStore relationships, RunnerJourneyOperations journeys, CancellationToken ct) =>
        JourneyOperatorHttp.StartSegmentAsync(http, tenant, access, catalog, segments, relationships, journeys, ct);

    private static Task<IResult> GetAsync(string tenant, string instanceId, HttpContext http, OperatorAccess access, RunnerJourneyOperations journeys, CancellationToken ct) =>
        JourneyOperatorHttp.GetAsync(http, tenant, instanceId, access, journeys, ct);

    private static Task<IResult> SignalAsync(
        string tenant, string instanceId, HttpContext http, OperatorAccess access, RunnerJourneyOperations journeys, CancellationToken ct) =>
        JourneyOperatorHttp.SignalAsync(http, tenant, instanceId, access, journeys, ct);

    private static Task<IResult> CancelAsync(string tenant, string instanceId, HttpContext http, OperatorAccess access, RunnerJourneyOperations journeys, CancellationToken ct) =>
        JourneyOperatorHttp.CancelAsync(http, tenant, instanceId, access, journeys, ct);
}
