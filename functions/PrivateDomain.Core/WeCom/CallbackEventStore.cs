namespace PrivateDomain.WeCom;

/// <summary>A decrypted callback event as we keep it: the raw plaintext is the record, the typed event is derived.</summary>
/// <param name="Tenant">The tenant it arrived for.</param>
/// <param name="EventKey">Lowercase hex SHA-256 of the plaintext: the same for every retry of one event.</param>
/// <param name="Kind">The event kind, see <see cref="WeComEvent.Kind"/>.</param>
/// <param name="CreatedAt">WeCom's CreateTime.</param>
/// <param name="ReceivedAt">When we first received it.</param>
/// <param name="PlaintextXml">The decrypted event XML.</param>
public sealed record StoredCallbackEvent(
    string Tenant, string EventKey, string Kind, DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt, string PlaintextXml);

/// <summary>The queue message that tells the event processor a stored event is ready.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="EventKey">The stored event's key.</param>
/// <param name="Kind">The event kind.</param>
/// <param name="CreatedAt">WeCom's CreateTime, which with the key locates the stored row.</param>
public sealed record CallbackEventMessage(string Tenant, string EventKey, string Kind, DateTimeOffset CreatedAt);

/// <summary>What <see cref="ICallbackEventStore.AddAsync"/> found.</summary>
public enum AddOutcome
{
    /// <summary>Newly stored; the caller holds the enqueue claim.</summary>
    Added,
    /// <summary>Stored before but never enqueued and nobody is enqueuing it now; the caller now holds the claim.</summary>
    ClaimedPending,
    /// <summary>Stored and enqueued before: nothing to do.</summary>
    AlreadyEnqueued,
    /// <summary>Stored before and another request holds a live claim to enqueue it.</summary>
    EnqueueInFlight,
}

/// <summary>
/// Durable store for callback events with an outbox: each event is inserted atomically together with a
/// "pending enqueue" marker carrying a claim lease, so an event stored but not yet enqueued is never forgotten.
/// </summary>
public interface ICallbackEventStore
{
    /// <summary>Inserts the event and its pending marker atomically, or reports what was already there (taking over
    /// the pending marker's claim when its lease has expired).</summary>
    Task<AddOutcome> AddAsync(StoredCallbackEvent callbackEvent, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken);

    /// <summary>Records that the event was enqueued (removes its pending marker).</summary>
    Task MarkEnqueuedAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Gives up a claim so that the next retry or sweep enqueues the event straight away.</summary>
    Task ReleaseClaimAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Claims pending events of a tenant created in [createdFrom, createdBefore) whose claim lease expired before now.</summary>
    IAsyncEnumerable<CallbackEventMessage> ClaimStalePendingAsync(
        string tenant, DateTimeOffset createdFrom, DateTimeOffset createdBefore, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken);

    /// <summary>Deletes a tenant's stored events (and markers) created before <paramref name="createdBefore"/>; returns how many events.</summary>
    Task<int> PurgeAsync(string tenant, DateTimeOffset createdBefore, CancellationToken cancellationToken);

    /// <summary>Reads a stored event, or null.</summary>
    Task<StoredCallbackEvent?> GetAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken);
}

/// <summary>The queue the event processor reads. An enqueue that returns has been durably accepted.</summary>
public interface ICallbackEventQueue
{
    /// <summary>Enqueues one message; throws if the queue did not accept it.</summary>
    Task EnqueueAsync(CallbackEventMessage message, CancellationToken cancellationToken);
}
