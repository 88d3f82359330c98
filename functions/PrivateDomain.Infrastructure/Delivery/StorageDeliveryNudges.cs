using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Delivery.Storage;

/// <summary>A request to run one sender's outbox, or with <paramref name="DispatchId"/> to follow one dispatch up (confirmation,
/// results, reminders), on queue <c>delivery-dispatch</c>.</summary>
public sealed record DeliveryNudge(string Tenant, string SenderId, DateTimeOffset At, string? DispatchId = null);

/// <summary>
/// Nudges as delayed messages on the Storage queue <c>delivery-dispatch</c>, timed by the journey clock (so a fast test
/// clock delivers fast too). A sender's touches for one slot share a nudge: while a nudge for that sender and second is
/// still to come this instance sends no other; once it is due, a later touch gets a new one (a repeat costs an empty run). Longer delays than a queue allows are chained, as wake-ups are.
/// </summary>
public sealed class StorageDeliveryNudges(StorageClients clients, JourneyClock clock) : IDeliveryNudges
{
    /// <summary>The queue name.</summary>
    public const string QueueName = "delivery-dispatch";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    // (tenant, sender, second of the nudge's time) → when (Environment.TickCount64) that nudge comes due.
    private readonly ConcurrentDictionary<(string, string, long), long> _pending = new();
    private volatile bool _exists;

    /// <inheritdoc />
    public async Task NudgeAsync(string tenant, string senderId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (_pending.Count > 100_000)
        {
            _pending.Clear();
        }

        // Skip only while an identical nudge is still to come: one that has fired may have run before this touch was
        // recorded, so a touch recorded after its slot's nudge gets a new one.
        var key = (tenant, senderId, at.ToUnixTimeSeconds());
        var now = Environment.TickCount64;
        if (_pending.TryGetValue(key, out var due) && due > now)
        {
            return;
        }

        var delay = clock.RealDelay(at);
        _pending[key] = now + (long)Math.Max(0, delay.TotalMilliseconds);
        try
        {
            await SendAsync(new DeliveryNudge(tenant, senderId, at), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _pending.TryRemove(key, out _);
            throw;
        }
    }

    /// <inheritdoc />
    public Task FollowUpAsync(string tenant, string senderId, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) =>
        SendAsync(new DeliveryNudge(tenant, senderId, at, dispatchId), cancellationToken);

    /// <summary>Reads a nudge message.</summary>
    public static DeliveryNudge Parse(string body) =>
        JsonSerializer.Deserialize<DeliveryNudge>(body, Json) ?? throw new FormatException("Empty delivery nudge.");

    /// <summary>
    /// Handles a nudge: sends it on again if its time is still far off, else runs <paramref name="dispatch"/> for the sender.
    /// </summary>
    public async Task HandleAsync(string body, Func<DeliveryNudge, CancellationToken, Task> dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var nudge = Parse(body);
        var remaining = clock.RealDelay(nudge.At);
        if (remaining > TimeSpan.FromSeconds(2))
        {
            await SendAsync(nudge, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
        }

        await dispatch(nudge, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(DeliveryNudge nudge, CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _exists = true;
        }

        var delay = clock.RealDelay(nudge.At) - TimeSpan.FromSeconds(1);
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > StorageJourneyWakeups.MaxDelay ? StorageJourneyWakeups.MaxDelay : delay;
        await _queue.SendMessageAsync(JsonSerializer.Serialize(nudge, Json), delay, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
