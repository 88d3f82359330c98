using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Storage;

namespace PrivateDomain.Tags;

/// <summary>A queued WeCom tag sync of one customer.</summary>
public sealed record TagSyncRequest(string Tenant, string CustomerId);

/// <summary><see cref="ITagSyncQueue"/> on Queue Storage (queue <c>tag-sync</c>, JSON <c>{tenant, customerId}</c>; its poison
/// queue is <c>tag-sync-poison</c>). A failed sync (WeCom's rate limit outlasting the client's retries) is retried by the queue.</summary>
public sealed class StorageTagSyncQueue(StorageClients clients) : ITagSyncQueue
{
    /// <summary>The queue name.</summary>
    public const string QueueName = "tag-sync";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _queueExists;

    /// <inheritdoc />
    public async Task RequestAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        if (!_queueExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _queueExists = true;
        }

        await _queue.SendMessageAsync(JsonSerializer.Serialize(new TagSyncRequest(tenant, customerId), Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a message text; throws <see cref="FormatException"/> when it is not a request.</summary>
    public static TagSyncRequest Parse(string text)
    {
        TagSyncRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<TagSyncRequest>(text, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException("A tag-sync message is JSON {tenant, customerId}: " + e.Message, e);
        }

        return request is { Tenant.Length: > 0, CustomerId.Length: > 0 } ? request : throw new FormatException("A tag-sync message needs tenant and customerId.");
    }
}
