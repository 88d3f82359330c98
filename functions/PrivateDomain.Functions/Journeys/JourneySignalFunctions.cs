using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Routes stored signals to Durable journeys (queue <c>journey-signals</c>, written by <see cref="QueuedSignalInbox"/>
/// after the signal is in the inbox table): nudges the customer's per-customer orchestrations that have not ended —
/// found through their start rows, so a check-in journey whose id carries the application id is reached too — and
/// starts the loan check-in journey for an abandoned application. The same routing as the local host's
/// (<see cref="JourneySignalRouting"/>); the orchestrations read the signal itself from the inbox.
/// </summary>
public sealed class JourneySignalFunctions(
    JourneyCatalog catalog, IJourneyStarts starts, JourneyEngine engine, IRelationshipStore relationships, TimeProvider time,
    JourneyRunner runner, IJourneyStore tableJourneys, PayrollEngagement payroll, QueueTriggerPoison poison, ILogger<JourneySignalFunctions> log)
{
    /// <summary>One stored signal.</summary>
    [Function("JourneySignalRouter")]
    public async Task RouteAsync(
        [QueueTrigger(QueuedSignalInbox.QueueName, Connection = "Storage")] string message,
        [DurableClient] DurableTaskClient client,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await poison.RunAsync(QueuedSignalInbox.QueueName, message, context,
            () => RouteAsync(QueuePoison.Read(() => QueuedSignalInbox.Deserialize(message)), client, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task RouteAsync(CustomerSignal signal, DurableTaskClient client, CancellationToken cancellationToken)
    {
        foreach (var instanceId in await JourneySignalRouting.InstancesToWakeAsync(starts, signal, cancellationToken).ConfigureAwait(false))
        {
            // A missing or ended instance is not nudged (Durable would drop or refuse the event); one that starts later
            // reads the inbox when it opens its round. A completed or cancelled one's start row is corrected on the way, so
            // the customer's later signals skip it. A failed one (its output is an error text, not JSON) is left as it
            // is for an operator to see, and must not keep the signal from the customer's other journeys.
            var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            if (metadata is null
                && await tableJourneys.GetAsync(signal.Tenant, instanceId, cancellationToken).ConfigureAwait(false) is ({ Status: JourneyStatus.Running }, _)
                && JourneyInbox.ToEvent(signal.Kind, signal.At, signal.Data.GetValueOrDefault(JourneyInbox.TouchIdKey)) is { } journeyEvent)
            {
                // A table-driven journey (a payroll campaign's, started by the fan-out): applied at once, as on the local host.
                await runner.SignalAsync(signal.Tenant, instanceId, journeyEvent, cancellationToken).ConfigureAwait(false);
                continue;
            }

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

        // Payroll campaigns, as the local host's PayrollSignals: a campaign link opened marks the customer engaged and gives
        // their account manager a follow-up task; a purchase counts as a conversion for the campaigns they were in.
        switch (signal.Kind)
        {
            // A campaign page's view (clicked), claim or quiz (joined-activity) and 预约 (intent) name the step in "step".
            case SignalKinds.Clicked or "joined-activity" or "intent" when signal.Data.TryGetValue("campaign", out var campaign) && campaign.Length > 0:
                await payroll.EngagedAsync(signal.Tenant, campaign, signal.CustomerId,
                    PayrollCampaignJourney.StepOf(signal.Data.GetValueOrDefault(JourneyInbox.TouchIdKey)) ?? signal.Data.GetValueOrDefault("step"), signal.At,
                    cancellationToken).ConfigureAwait(false);
                break;
            case SignalKinds.Converted:
                await payroll.ConvertedAsync(signal.Tenant, signal.CustomerId, signal.At, cancellationToken).ConfigureAwait(false);
                break;
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
        else if (JourneySignalRouting.TagJourneys(catalog, signal) is { Count: > 0 } tagJourneys)
        {
            // A dynamic tag appeared or disappeared: the journeys that start on it (as the local host's JourneySignalRouter).
            var manager = await relationships.ListByCustomerAsync(signal.Tenant, signal.CustomerId, cancellationToken)
                .FirstOrDefaultAsync(r => r.Status == RelationshipStatus.Active, cancellationToken).ConfigureAwait(false);
            if (manager is null)
            {
                return;
            }

            foreach (var (journeyId, tagOccurrence) in tagJourneys)
            {
                await JourneyOrchestration.StartAsync(client, starts, catalog, engine, time, signal.Tenant, journeyId,
                    signal.CustomerId, manager.UserId, tagOccurrence, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
