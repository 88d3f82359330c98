using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions.Delivery;

/// <summary>
/// Delivery: a nudge on <c>delivery-dispatch</c> runs one account manager's outbox (policy → render → aggregate → WeCom
/// task → ledger), or follows one dispatch up (confirmation, results, reminders). Nudges are written by the touch ledger
/// and by the dispatcher itself; runs are idempotent, so the host's retries and poison queue are safe. A nudge that cannot
/// be read goes to <c>delivery-dispatch-poison</c> with the reason at once (<see cref="QueueTriggerPoison"/>).
/// </summary>
public sealed class DeliveryFunctions(StorageDeliveryNudges nudges, TouchDispatcher dispatcher, QueueTriggerPoison poison)
{
    /// <summary>One nudge.</summary>
    [Function("DeliveryDispatch")]
    public Task DispatchAsync(
        [QueueTrigger(StorageDeliveryNudges.QueueName, Connection = "Storage")] string message, FunctionContext context,
        CancellationToken cancellationToken) =>
        poison.RunAsync(StorageDeliveryNudges.QueueName, message, context, () =>
        {
            _ = QueuePoison.Read(() => StorageDeliveryNudges.Parse(message));
            return nudges.HandleAsync(message, (n, ct) => n.DispatchId is { } dispatch
                ? dispatcher.FollowUpAsync(n.Tenant, n.SenderId, dispatch, ct)
                : dispatcher.DispatchAsync(n.Tenant, n.SenderId, ct), cancellationToken);
        }, cancellationToken);
}
