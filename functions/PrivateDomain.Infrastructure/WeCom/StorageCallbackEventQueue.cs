using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Storage;

namespace PrivateDomain.WeCom;

/// <summary><see cref="ICallbackEventQueue"/> on Queue Storage (queue <c>wecom-events</c>, base64 JSON messages).</summary>
public sealed class StorageCallbackEventQueue(StorageClients clients) : ICallbackEventQueue
{
    /// <summary>The queue name; its poison queue is <c>wecom-events-poison</c>.</summary>
    public const string QueueName = "wecom-events";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
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

        await _queue.SendMessageAsync(Serialize(message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The message text (before the client's base64 encoding).</summary>
    public static string Serialize(CallbackEventMessage message) => JsonSerializer.Serialize(message, Json);

    /// <summary>Reads a message text back.</summary>
    public static CallbackEventMessage Deserialize(string text) =>
        JsonSerializer.Deserialize<CallbackEventMessage>(text, Json)
        ?? throw new FormatException("The queue message is empty.");
}
