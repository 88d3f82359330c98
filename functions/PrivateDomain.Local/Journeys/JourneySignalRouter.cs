using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// Routes pool signals to the local runner's journeys, after storing them in the inbox it wraps: a customer who deleted
/// the account manager, converted or opted out leaves their journeys at once, a click counts as a reaction; an abandoned loan application starts the
/// event-triggered check-in journey with the customer's account manager. The inbox keeps every signal either way, so a
/// signal for a journey that starts later is not lost.
/// </summary>
public sealed class JourneySignalRouter(
    TableSignalInbox inbox, JourneyRunner runner, IJourneyStarts starts, IRelationshipStore relationships, JourneyCatalog catalog, ILogger<JourneySignalRouter> log)
    : ISignalInbox
{
    /// <inheritdoc />
    public async Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await inbox.RaiseAsync(signal, cancellationToken).ConfigureAwait(false);
        if (JourneyInbox.ToEvent(signal.Kind, signal.At, signal.Data.GetValueOrDefault(JourneyInbox.TouchIdKey)) is { } journeyEvent)
        {
            foreach (var instanceId in await JourneySignalRouting.InstancesToWakeAsync(starts, signal, cancellationToken).ConfigureAwait(false))
            {
                await runner.SignalAsync(signal.Tenant, instanceId, journeyEvent, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (JourneySignalRouting.LoanCheckInOccurrence(signal) is { } occurrence)
        {
            var manager = await relationships.ListByCustomerAsync(signal.Tenant, signal.CustomerId, cancellationToken)
                .FirstOrDefaultAsync(r => r.Status == RelationshipStatus.Active, cancellationToken).ConfigureAwait(false);
            if (manager is null)
            {
                log.LogInformation("Customer {CustomerId} abandoned a loan application but has no account manager on WeCom; no check-in journey", signal.CustomerId);
                return;
            }

            await runner.StartAsync(signal.Tenant, JourneySignalRouting.LoanJourney, signal.CustomerId, manager.UserId, occurrence, cancellationToken).ConfigureAwait(false);
        }
        else if (JourneySignalRouting.TagJourneys(catalog, signal) is { Count: > 0 } tagJourneys)
        {
            // A dynamic tag appeared or disappeared: the journeys that start on it, with the customer's account manager.
            var manager = await relationships.ListByCustomerAsync(signal.Tenant, signal.CustomerId, cancellationToken)
                .FirstOrDefaultAsync(r => r.Status == RelationshipStatus.Active, cancellationToken).ConfigureAwait(false);
            if (manager is null)
            {
                log.LogInformation("Customer {CustomerId} got a tag signal but has no account manager on WeCom; no journey", signal.CustomerId);
                return;
            }

            foreach (var (journeyId, tagOccurrence) in tagJourneys)
            {
                await runner.StartAsync(signal.Tenant, journeyId, signal.CustomerId, manager.UserId, tagOccurrence, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        inbox.ListAsync(tenant, customerId, cancellationToken);
}
