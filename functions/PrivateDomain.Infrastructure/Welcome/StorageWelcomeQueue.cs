using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Storage;

namespace PrivateDomain.Welcome;

/// <summary><see cref="IWelcomeQueue"/> on Queue Storage (queue <c>welcome-messages</c>, base64 JSON messages like
/// <c>wecom-events</c>; a <c>wecom-events</c> message body is also a valid request, without the inline fields).</summary>
public sealed class StorageWelcomeQueue(StorageClients clients) : IWelcomeQueue
{
    /// <summary>The queue name; its poison queue is <c>welcome-messages-poison</c>.</summary>
    public const string QueueName = "welcome-messages";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _queueExists;

    /// <inheritdoc />
    public async Task EnqueueAsync(WelcomeRequest request, CancellationToken cancellationToken)
    {
        if (!_queueExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _queueExists = true;
        }

        await _queue.SendMessageAsync(Serialize(request), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The message text (before the client's base64 encoding).</summary>
    public static string Serialize(WelcomeRequest request) => JsonSerializer.Serialize(request, Json);

    /// <summary>Reads a message text back.</summary>
    public static WelcomeRequest Deserialize(string text) =>
        JsonSerializer.Deserialize<WelcomeRequest>(text, Json) ?? throw new FormatException("The queue message is empty.");
}
