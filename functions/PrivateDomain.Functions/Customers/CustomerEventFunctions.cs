using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Customers;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Customers;

/// <summary>
/// Applies queued WeCom events to the customer pool. The queue is written by the callback intake (base64 JSON, the
/// trigger's default encoding); after host.json's maxDequeueCount failures the host moves a message to
/// <c>wecom-events-poison</c>. Connection "Storage" resolves the identity-based <c>Storage__queueServiceUri</c>.
/// </summary>
public sealed class CustomerEventFunctions(CustomerEventProcessor processor)
{
    /// <summary>One queued event.</summary>
    [Function("WeComEventProcessor")]
    public Task ProcessAsync(
        [QueueTrigger(StorageCallbackEventQueue.QueueName, Connection = "Storage")] string message,
        CancellationToken cancellationToken) =>
        processor.ProcessAsync(StorageCallbackEventQueue.Deserialize(message), cancellationToken);
}
