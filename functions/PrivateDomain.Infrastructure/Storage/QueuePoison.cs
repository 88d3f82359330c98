using System.Text.Json;
using Microsoft.Extensions.Logging;
using PrivateDomain.Input;
using PrivateDomain.WeCom;

namespace PrivateDomain.Storage;

/// <summary>A queue message that cannot be read or is invalid; it goes to the poison queue after one try.</summary>
public sealed class InvalidQueueMessageException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The poison queue both hosts write for a message retrying cannot fix: <c>{queue}-poison</c>, one JSON object per
/// entry — <c>queue</c>, <c>messageId</c>, <c>insertedOn</c>, <c>dequeueCount</c>, <c>reason</c> and the <c>body</c>
/// (cut to 12,000 characters) — written base64 like every message. The local host's queue worker and the Functions
/// app's queue triggers use it, so an operator reads the same entry whichever host refused the message.
/// </summary>
public sealed class QueuePoison(StorageClients clients, ILogger<QueuePoison> log)
{
    /// <summary>True for failures retrying cannot fix: the message itself is malformed or invalid. Only what reading the
    /// message throws counts (<see cref="Read{T}"/>) and a WeCom event that fails validation; a JSON or format error further
    /// down (a WeCom response, say) is retried.</summary>
    public static bool IsInvalidMessage(Exception e) => e is InvalidQueueMessageException or CallbackRejectedException;

    /// <summary>Reads a message with <paramref name="parse"/>; a JSON or format error becomes an <see cref="InvalidQueueMessageException"/>.</summary>
    public static T Read<T>(Func<T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse();
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException)
        {
            throw new InvalidQueueMessageException($"The message cannot be read: {InputRule.Truncate(e.Message, 500)}", e);
        }
    }

    /// <summary>The poison entry for a message.</summary>
    public static string Entry(string queue, string? messageId, DateTimeOffset? insertedOn, long dequeueCount, string reason, string body) =>
        JsonSerializer.Serialize(new
        {
            queue, messageId, insertedOn, dequeueCount, reason = InputRule.Truncate(reason, 1_000), body = InputRule.Truncate(body, 12_000),
        });

    /// <summary>Writes <paramref name="body"/> to <c>{queue}-poison</c> with the reason. The caller completes (deletes) the original.</summary>
    public async Task SendAsync(string queue, string? messageId, DateTimeOffset? insertedOn, long dequeueCount, string reason, string body, CancellationToken cancellationToken)
    {
        log.LogWarning("Message {MessageId} on {Queue} moved to the poison queue after {Count} attempt(s): {Reason}", messageId, queue, dequeueCount, reason);
        var poison = clients.Queues.GetQueueClient(queue + "-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(Entry(queue, messageId, insertedOn, dequeueCount, reason, body), cancellationToken).ConfigureAwait(false);
    }
}
