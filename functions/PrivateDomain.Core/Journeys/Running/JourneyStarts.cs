namespace PrivateDomain.Journeys.Running;

/// <summary>Where a customer's journey instance stands in its start row.</summary>
public enum JourneyStartStatus
{
    /// <summary>Claimed by a starter that has not confirmed the start yet (it may have died; the claim then expires).</summary>
    Starting,
    /// <summary>Started; the driver runs it (it may have ended since, unnoticed: the row is corrected when someone looks).</summary>
    Running,
    /// <summary>Ended or cancelled; never started again under the same instance id.</summary>
    Ended,
}

/// <summary>One customer journey instance's start row.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="InstanceId">The instance id (<see cref="JourneyInstanceId.For"/>, occurrence included).</param>
/// <param name="JourneyId">The journey.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ClaimedAt">When the current starter claimed it.</param>
/// <param name="EndReason">Why it ended, once it has.</param>
public sealed record JourneyStartRow(
    string Tenant, string CustomerId, string InstanceId, string JourneyId, JourneyStartStatus Status, DateTimeOffset ClaimedAt, JourneyEnd? EndReason = null)
{
    /// <summary>How long a <see cref="JourneyStartStatus.Starting"/> claim holds before another starter may take it over.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(1);
}

/// <summary>The outcome of a claim: whether this caller must start the instance, and the row as it stands.</summary>
/// <param name="Won">True if this caller holds the claim and must start (and then confirm) the instance.</param>
/// <param name="Row">The row after the claim.</param>
public sealed record JourneyStartClaim(bool Won, JourneyStartRow Row);

/// <summary>
/// The start guard and per-customer index of journey instances: one ETag-checked row per instance, written before the
/// instance is started. Durable's check-then-start is racy (two starters both see "no instance") and starting an id
/// whose instance has completed would start it over, so whoever inserts the row starts the instance, everybody else
/// gets the running (or ended) one. The same rows list a customer's journeys, which is how signals find instances
/// whose id carries an occurrence key (the loan check-in journey) — an id a signal cannot compute.
/// </summary>
public interface IJourneyStarts
{
    /// <summary>
    /// Claims the start of an instance. Won when there was no row, or when the row is still
    /// <see cref="JourneyStartStatus.Starting"/> after <see cref="JourneyStartRow.ClaimLease"/> (its starter died before confirming).
    /// An ended instance is never claimed again: a journey that can recur gets a new instance id from its occurrence key.
    /// </summary>
    Task<JourneyStartClaim> ClaimAsync(string tenant, string customerId, string instanceId, string journeyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Confirms that the claimed instance was started (Starting → Running).</summary>
    Task ConfirmAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken);

    /// <summary>Marks the instance ended; false if there is no row or it had ended already.</summary>
    Task<bool> EndAsync(string tenant, string customerId, string instanceId, JourneyEnd reason, CancellationToken cancellationToken);

    /// <summary>The customer's journey instances, ended ones included.</summary>
    IAsyncEnumerable<JourneyStartRow> ListAsync(string tenant, string customerId, CancellationToken cancellationToken);
}
