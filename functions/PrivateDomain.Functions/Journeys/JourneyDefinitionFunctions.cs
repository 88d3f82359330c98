using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Journey definitions and pre-launch forecasts on Azure, <c>/api/tenants/{tenant}/journey-definitions</c>: the same
/// edge as the local host (<see cref="JourneyDefinitionHttp"/>). Running customers per stage are not counted here
/// (<c>runningByStage</c>/<c>running</c> are null): on Azure journeys are Durable orchestrations, not the local runner's rows.
/// </summary>
public sealed class JourneyDefinitionFunctions(
    OperatorAccess access, JourneyCatalog catalog, SegmentEvaluator segments, IRelationshipStore relationships, ICustomerStore customers, JourneyEngine engine, TimeProvider time)
{
    private const string Route = "tenants/{tenant}/journey-definitions";

    /// <summary>The published journeys.</summary>
    [Function("OperatorJourneyDefinitions")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await JourneyDefinitionHttp.ListAsync(tenant, request.HttpContext, access, catalog, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One journey's steps and versions.</summary>
    [Function("OperatorJourneyDefinition")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{journeyId}")] HttpRequest request, string tenant, string journeyId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await JourneyDefinitionHttp.GetAsync(tenant, journeyId, request.HttpContext, access, catalog, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The forecast for a segment.</summary>
    [Function("OperatorJourneyForecast")]
    public async Task<IResult> ForecastAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{journeyId}/forecasts")] HttpRequest request, string tenant, string journeyId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await JourneyDefinitionHttp.ForecastAsync(tenant, journeyId, request.HttpContext, access, catalog, segments, relationships, customers, engine, time,
                cancellationToken).ConfigureAwait(false);
    }
}
