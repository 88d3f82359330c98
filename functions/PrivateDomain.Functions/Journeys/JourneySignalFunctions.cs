using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Routes stored signals to Durable journeys (queue <c>journey-signals</c>, written by <see cref="QueuedSignalInbox"/>
/// after the signal is in the inbox table): nudges the customer's per-customer orchestrations that have not ended —
/// found through their start rows, so a check-in journey whose id carries the application id is reached too — and
/// starts the loan check-in journey for an abandoned application. The same routing as the local host's
/// (<see cref="JourneySignalRouting"/>); the orchestrations read the signal itself from the inbox.
/// </summary>
public sealed class JourneySignalFunctions(
    JourneyCatalog catalog, IJourneyStarts starts, JourneyEngine engine, IRelationshipStore relationships, TimeProvider time, ILogger<JourneySignalFunctions> log)
{
    /// <summary>One stored signal.</summary>
    [Function("JourneySignalRouter")]
    public async Task RouteAsync(
        [QueueTrigger(QueuedSignalInbox.QueueName, Connection = "Storage")] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var signal = QueuedSignalInbox.Deserialize(message);
        foreach (var instanceId in await JourneySignalRouting.InstancesToWakeAsync(starts, signal, cancellationToken).ConfigureAwait(false))
        {
            // A missing or ended instance is not nudged (Durable would drop or refuse the event); one that starts later
            // reads the inbox when it opens its round. A completed or cancelled one's start row is corrected on the way, so
            // the customer's later signals skip it. A failed one (its output is an error text, not JSON) is left as it
            // is for an operator to see, and must not keep the signal from the customer's other journeys.
            var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            switch (metadata?.RuntimeStatus)
            {
                case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended:
                    await client.RaiseEventAsync(instanceId, JourneyOrchestration.SignalEvent, new SignalNudge(signal.Id), cancellationToken).ConfigureAwait(false);
                    break;
                case OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated
                    when Enum.TryParse<JourneyEnd>(metadata.ReadOutputAs<string>(), out var reason):
                    await starts.EndAsync(signal.Tenant, signal.CustomerId, instanceId, reason, cancellationToken).ConfigureAwait(false);
                    break;
                case OrchestrationRuntimeStatus.Failed:
                    log.LogWarning("Journey {InstanceId} of customer {CustomerId} failed ({Error}); signal {SignalId} not routed to it",
                        instanceId, signal.CustomerId, metadata.FailureDetails?.ErrorType, signal.Id);
                    break;
            }
        }

        if (JourneySignalRouting.LoanCheckInOccurrence(signal) is { } occurrence)
        {
            var manager = await relationships.ListByCustomerAsync(signal.Tenant, signal.CustomerId, cancellationToken)
                .FirstOrDefaultAsync(r => r.Status == RelationshipStatus.Active, cancellationToken).ConfigureAwait(false);
            if (manager is null)
            {
                log.LogInformation("Customer {CustomerId} abandoned a loan application but has no account manager on WeCom; no check-in journey", signal.CustomerId);
                return;
            }

            await JourneyOrchestration.StartAsync(client, starts, catalog, engine, time, signal.Tenant, JourneySignalRouting.LoanJourney,
                signal.CustomerId, manager.UserId, occurrence, cancellationToken).ConfigureAwait(false);
        }
    }
}
