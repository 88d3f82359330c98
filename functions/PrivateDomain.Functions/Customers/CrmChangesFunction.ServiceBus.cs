using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Customers.Crm;

namespace PrivateDomain.Functions.Customers;

/// <summary>
/// CRM changes from the Service Bus queue <c>crm-changes</c> (identity connection <c>ServiceBus__fullyQualifiedNamespace</c>).
/// Messages are settled by hand: an invalid one is dead-lettered with its reason (and kept in the poison table too);
/// a transient failure throws, so the message is retried and dead-lettered by Service Bus after its max delivery count.
/// </summary>
public sealed class CrmChangesFunction(CrmIntake intake)
{
    /// <summary>One CRM message (schema privatedomain.crm/1, UTF-8 JSON body).</summary>
    [Function("CrmChanges")]
    public async Task RunAsync(
        [ServiceBusTrigger("crm-changes", Connection = "ServiceBus", AutoCompleteMessages = false)] ServiceBusReceivedMessage message,
        ServiceBusMessageActions actions,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(actions);
        var result = await intake.HandleAsync(message.Body.ToString(), "servicebus:crm-changes", cancellationToken).ConfigureAwait(false);
        if (result.Outcome == CrmOutcome.Poisoned)
        {
            await actions.DeadLetterMessageAsync(message, deadLetterReason: "InvalidCrmMessage",
                deadLetterErrorDescription: result.Reason, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await actions.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
