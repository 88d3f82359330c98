using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// The operator journey API on Azure, <c>/api/tenants/{tenant}/journeys</c>: the same edge as the local host
/// (<see cref="JourneyOperatorHttp"/>: tenant and role check, validation, problem+json, audit) over Durable Functions
/// (<see cref="DurableJourneyOperations"/>). Anonymous at the Functions level: every function authenticates the Entra
/// bearer token itself (<see cref="OperatorAccess.AuthenticateAsync"/>), since ASP.NET Core's authentication
/// middleware and <c>[Authorize]</c> do not apply to functions in the isolated worker.
/// </summary>
public sealed class JourneyOperatorFunctions(
    OperatorAccess access, JourneyCatalog catalog, JourneyEngine engine, IJourneyStarts starts, ITouchLedger ledger, ISignalInbox inbox, TimeProvider time,
    SegmentEvaluator segments, ICustomerStore customers, IRelationshipStore relationships)
{
    private const string Route = "tenants/{tenant}/journeys";

    /// <summary>Start a journey for a customer, or get the running one.</summary>
    [Function("OperatorJourneyStart")]
    public async Task<IResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route)] HttpRequest request, string tenant,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false) is { } unauthenticated)
        {
            return unauthenticated;
        }

        return await JourneyOperatorHttp.StartAsync(request.HttpContext, tenant, access, catalog, customers, relationships, Journeys(client), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Start a journey for every customer of a segment (each with their account manager).</summary>
    [Function("OperatorJourneySegmentStart")]
    public async Task<IResult> StartSegmentAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/segment-starts")] HttpRequest request, string tenant,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false) is { } unauthenticated)
        {
            return unauthenticated;
        }

        return await JourneyOperatorHttp.StartSegmentAsync(request.HttpContext, tenant, access, catalog, segments, relationships, Journeys(client), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Read an instance: Durable's status and the touches in the ledger.</summary>
    [Function("OperatorJourneyGet")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{instanceId}")] HttpRequest request, string tenant, string instanceId,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await JourneyOperatorHttp.GetAsync(request.HttpContext, tenant, instanceId, access, Journeys(client), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signal an instance: into the inbox, then a nudge.</summary>
    [Function("OperatorJourneySignal")]
    public async Task<IResult> SignalAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/{instanceId}/signals")] HttpRequest request, string tenant, string instanceId,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false) is { } unauthenticated)
        {
            return unauthenticated;
        }

        return await JourneyOperatorHttp.SignalAsync(request.HttpContext, tenant, instanceId, access, Journeys(client), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancel an instance: terminate it and end its start row.</summary>
    [Function("OperatorJourneyCancel")]
    public async Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Route + "/{instanceId}")] HttpRequest request, string tenant, string instanceId,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await JourneyOperatorHttp.CancelAsync(request.HttpContext, tenant, instanceId, access, Journeys(client), cancellationToken).ConfigureAwait(false);
    }

    private DurableJourneyOperations Journeys(DurableTaskClient client) => new(client, starts, ledger, inbox, catalog, engine, time);
}
