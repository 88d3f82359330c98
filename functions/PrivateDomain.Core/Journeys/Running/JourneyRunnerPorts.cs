namespace PrivateDomain.Journeys.Running;

/// <summary>
/// The touch ledger: one row per touch id, written before anything is sent. Recording is insert-if-absent, so a
/// replayed activity, a retried step or a runner killed and restarted finds the row and never records a touch twice;
/// delivery sends what the ledger holds (and marks it), so a touch goes out at most once.
/// </summary>
public interface ITouchLedger
{
    /// <summary>Records a due touch; false if its id was recorded before.</summary>
    Task<bool> RecordAsync(string tenant, Touch touch, CancellationToken cancellationToken);

    /// <summary>Records a batch's due touches (a cohort batch: one account manager's customers), each as
    /// <see cref="RecordAsync"/> would, but with what they share written once: the sender's outbox in transactions and one
    /// delivery nudge per sender and slot. Safe to repeat.</summary>
    /// <returns>How many were recorded for the first time.</returns>
    async Task<int> RecordManyAsync(string tenant, IReadOnlyList<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var recorded = 0;
        foreach (var touch in touches)
        {
            recorded += await RecordAsync(tenant, touch, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return recorded;
    }

    /// <summary>The touches recorded for an instance, in round and step order. A campaign journey's touches are kept with
    /// its campaign and account manager (<see cref="Touch.Ref"/>): list them with the overload that names both.</summary>
    IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken);

    /// <summary>The touches recorded for an instance whose journey sends as <paramref name="senderId"/> and belongs to
    /// <paramref name="campaign"/> (both from its state; null campaign: an ordinary journey), in round and step order.</summary>
    IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, string senderId, string? campaign, CancellationToken cancellationToken) =>
        ListAsync(tenant, instanceId, cancellationToken);
}

/// <summary>A recorded touch.</summary>
/// <param name="TouchId">Its id (<c>{instance}/r{round}/{step}</c>).</param>
/// <param name="Channel">The channel.</param>
/// <param name="Content">The content template.</param>
/// <param name="SenderId">The account manager.</param>
/// <param name="SlotAt">The planned send time.</param>
/// <param name="RecordedAt">When the runner recorded it.</param>
public sealed record LedgerEntry(string TouchId, Channel Channel, string Content, string SenderId, DateTimeOffset SlotAt, DateTimeOffset RecordedAt)
{
    /// <summary>Where delivery has got with it.</summary>
    public Delivery.Sending.TouchStatus Status { get; init; }

    /// <summary>Why it was refused, failed or put off, if it was.</summary>
    public string? Reason { get; init; }

    /// <summary>The reason in words, for operators (which rule, which limit, until when).</summary>
    public string? ReasonText { get; init; }

    /// <summary>The WeCom msgid or jobid of the task that carries it.</summary>
    public string? WeComId { get; init; }
}

/// <summary>Where a running journey stands, as the local runner keeps it.</summary>
public enum JourneyStatus
{
    /// <summary>Waiting or about to decide.</summary>
    Running,
    /// <summary>Ended; see <see cref="JourneyRecord.EndReason"/>.</summary>
    Completed,
}

/// <summary>The local runner's row for one journey instance.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="State">The engine state (pinned definition, progress).</param>
/// <param name="Status">Running or completed.</param>
/// <param name="EndReason">Why it ended.</param>
/// <param name="NextWakeAt">The wake-up last scheduled, so a repeated decision does not schedule it again.</param>
public sealed record JourneyRecord(string Tenant, JourneyState State, JourneyStatus Status, JourneyEnd? EndReason, DateTimeOffset? NextWakeAt);

/// <summary>Journey instance rows with ETag concurrency.</summary>
public interface IJourneyStore
{
    /// <summary>Reads an instance and its ETag.</summary>
    Task<(JourneyRecord Record, string ETag)?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken);

    /// <summary>Inserts a new instance; false if one with that id exists.</summary>
    Task<bool> TryInsertAsync(JourneyRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces an instance if the ETag still matches.</summary>
    Task<bool> TryReplaceAsync(JourneyRecord record, string etag, CancellationToken cancellationToken);

    /// <summary>Every running instance (a scan: for a host's start, not for each wake-up).</summary>
    IAsyncEnumerable<JourneyRecord> ListRunningAsync(CancellationToken cancellationToken);
}

/// <summary>Delayed wake-ups (delayed queue messages locally).</summary>
public interface IJourneyWakeups
{
    /// <summary>Asks for <see cref="JourneyRunner.StepAsync"/> of the instance at <paramref name="wakeAt"/> (journey time).</summary>
    Task ScheduleAsync(string tenant, string instanceId, DateTimeOffset wakeAt, CancellationToken cancellationToken);
}
