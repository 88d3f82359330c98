using Azure.Storage.Queues;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Welcome;

/// <summary><see cref="IWelcomeQueue"/> on Queue Storage (queue <c>welcome-messages</c>, base64 JSON messages like
/// <c>wecom-events</c>).</summary>
public sealed class StorageWelcomeQueue(StorageClients clients) : IWelcomeQueue
{
    /// <summary>The queue name; its poison queue is <c>welcome-messages-poison</c>.</summary>
    public const string QueueName = "welcome-messages";

    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _queueExists;

    /// <inheritdoc />
    public async Task EnqueueAsync(CallbackEventMessage message, CancellationToken cancellationToken)
    {
        if (!_queueExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _queueExists = true;
        }

        await _queue.SendMessageAsync(StorageCallbackEventQueue.Serialize(message), cancellationToken).ConfigureAwait(false);
    }
}
