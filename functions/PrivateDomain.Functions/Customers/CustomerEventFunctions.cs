using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Customers;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Customers;

/// <summary>
/// Applies queued WeCom events to the customer pool. The queue is written by the callback intake (base64 JSON, the
/// trigger's default encoding); a message that cannot be read or whose event is invalid goes to <c>wecom-events-poison</c>
/// with the reason at once (<see cref="QueueTriggerPoison"/>), other failures after host.json's maxDequeueCount. Connection "Storage" resolves the identity-based <c>Storage__queueServiceUri</c>.
/// </summary>
public sealed class CustomerEventFunctions(CustomerEventProcessor processor, QueueTriggerPoison poison)
{
    /// <summary>One queued event.</summary>
    [Function("WeComEventProcessor")]
    public Task ProcessAsync(
        [QueueTrigger(StorageCallbackEventQueue.QueueName, Connection = "Storage")] string message, FunctionContext context,
        CancellationToken cancellationToken) =>
        poison.RunAsync(StorageCallbackEventQueue.QueueName, message, context,
            () => processor.ProcessAsync(QueuePoison.Read(() => StorageCallbackEventQueue.Deserialize(message)), cancellationToken), cancellationToken);
}
