using Microsoft.Extensions.Logging;

namespace PrivateDomain.Journeys.Running;

/// <summary>
/// The local driver of the journey engine: state in a table row (ETag concurrency), delayed queue messages as
/// wake-ups, touches recorded in the ledger before the state moves on. Every step re-reads the row and decides again,
/// so a runner killed at any point resumes where the row says; the ledger's insert-if-absent makes the touch that was
/// being recorded when it died come out once.
/// </summary>
public sealed class JourneyRunner(
    JourneyCatalog catalog,
    JourneyEngine engine,
    IJourneyStore store,
    ITouchLedger ledger,
    IJourneyWakeups wakeups,
    IJourneyStarts starts,
    TimeProvider time,
    ILogger<JourneyRunner> log)
{
    private const int MaxIterations = 200;

    /// <summary>
    /// Starts a journey for a customer, or finds the running (or ended) one: the instance id is deterministic and the
    /// start row (<see cref="IJourneyStarts"/>) decides who starts it — the same guard as the Durable driver's, and the
    /// per-customer index signals are routed through.
    /// </summary>
    /// <returns>The instance id and whether this call started it.</returns>
    public Task<(string InstanceId, bool Started)> StartAsync(
        string tenant, string journeyId, string customerId, string senderId, string? occurrence, CancellationToken cancellationToken) =>
        StartAsync(tenant, journeyId, customerId, senderId, occurrence, null, cancellationToken);

    /// <summary>Starts a journey for a dated <paramref name="occasion"/> (a payroll campaign, whose id is the
    /// occurrence key), or finds the running one.</summary>
    /// <returns>The instance id and whether this call started it.</returns>
    public async Task<(string InstanceId, bool Started)> StartAsync(
        string tenant, string journeyId, string customerId, string senderId, string? occurrence, JourneyOccasion? occasion, CancellationToken cancellationToken)
    {
        var definition = catalog.Get(journeyId);
        var instanceId = JourneyInstanceId.For(tenant, journeyId, customerId, occurrence);
        var now = time.GetUtcNow();
        var won = (await starts.ClaimAsync(tenant, customerId, instanceId, journeyId, now, cancellationToken).ConfigureAwait(false)).Won;

        // Here the instance row itself settles the race (insert-if-absent, and an ended row stays, so nothing is
        // restarted). A claim we did not win may belong to a starter that died before inserting — a retried fan-out
        // batch, a crashed request — and nobody else would start that journey, so we try the insert either way.
        var state = engine.Start(definition, instanceId, customerId, senderId, now, occasion);
        var inserted = await store.TryInsertAsync(new JourneyRecord(tenant, state, JourneyStatus.Running, null, null), cancellationToken).ConfigureAwait(false);
        if (!inserted && !won)
        {
            return (instanceId, false); // it exists: running, or ended
        }

        // Won but not inserted: an earlier starter inserted the row and died before confirming — its journey is ours to run.
        await starts.ConfirmAsync(tenant, customerId, instanceId, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Started journey {InstanceId} ({Journey} v{Version})", instanceId, definition.Id, definition.Version);
        await StepAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false);
        return (instanceId, true);
    }

    /// <summary>Applies a customer signal (reaction, intent, conversion, opt-out, deletion) and moves the journey on at once.</summary>
    /// <returns>False if the instance does not exist or has ended.</returns>
    public async Task<bool> SignalAsync(string tenant, string instanceId, JourneyEvent signal, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxIterations; attempt++)
        {
            if (await store.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (record, etag)
                || record.Status == JourneyStatus.Completed)
            {
                return false;
            }

            var next = JourneyEngine.Apply(record.State, signal);
            if (next == record.State || await store.TryReplaceAsync(record with { State = next }, etag, cancellationToken).ConfigureAwait(false))
            {
                await StepAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        throw new InvalidOperationException($"Journey {instanceId} kept changing under us; the signal will be retried.");
    }

    /// <summary>Ends a running journey on an operator's request; false if it does not exist or already ended.</summary>
    public async Task<bool> CancelAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxIterations; attempt++)
        {
            if (await store.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (record, etag)
                || record.Status == JourneyStatus.Completed)
            {
                return false;
            }

            if (await store.TryReplaceAsync(record with { Status = JourneyStatus.Completed, EndReason = JourneyEnd.Cancelled }, etag, cancellationToken)
                    .ConfigureAwait(false))
            {
                log.LogInformation("Journey {InstanceId} cancelled", instanceId);
                await starts.EndAsync(tenant, record.State.CustomerId, instanceId, JourneyEnd.Cancelled, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        throw new InvalidOperationException($"Journey {instanceId} kept changing under us; retry the cancellation.");
    }

    /// <summary>
    /// Picks up every running journey as a host starts: steps those whose wake-up is due and schedules the wake-up of
    /// the others again. A host killed while it held a wake-up message leaves that message invisible until its
    /// visibility timeout — real seconds, which on a fast journey clock are journey days that push touches out of their
    /// stage. An extra wake-up is harmless (a step is idempotent).
    /// </summary>
    /// <returns>How many journeys were picked up.</returns>
    public async Task<int> ResumeAsync(CancellationToken cancellationToken)
    {
        var resumed = 0;
        await foreach (var record in store.ListRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.NextWakeAt is { } wake && wake > time.GetUtcNow())
            {
                await wakeups.ScheduleAsync(record.Tenant, record.State.InstanceId, wake, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // The due wake-up counts as used up, so a wait for the same instant is scheduled again.
                await StepAsync(record.Tenant, record.State.InstanceId, cancellationToken, record.NextWakeAt).ConfigureAwait(false);
            }

            resumed++;
        }

        return resumed;
    }

    /// <summary>Decides and acts until the journey waits or ends. Safe to call at any time, any number of times.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the step (it is safe to repeat).</param>
    /// <param name="consumedWakeAt">The wake-up being handled, if any: it is used up, so a wait for the same time (a
    /// wake-up a moment early) must be scheduled again rather than treated as already scheduled.</param>
    public async Task StepAsync(string tenant, string instanceId, CancellationToken cancellationToken, DateTimeOffset? consumedWakeAt = null)
    {
        // The record as read, or as changed in memory since (dirty): touches and a new round are saved together with the
        // wait that follows them, in one write. The ledger, written first, is what keeps a touch from being sent twice:
        // if we die before the write, the next step decides the same touches and finds them recorded.
        JourneyRecord? record = null;
        var etag = "";
        var dirty = false;
        for (var i = 0; i < MaxIterations; i++)
        {
            if (record is null)
            {
                if (await store.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (read, readETag)
                    || read.Status == JourneyStatus.Completed)
                {
                    return;
                }

                (record, etag, dirty) = (read, readETag, false);
            }

            var state = record.State;
            var definition = catalog.Get(state.JourneyId, state.Version);
            var now = time.GetUtcNow();
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    foreach (var touch in send.Touches)
                    {
                        // Ledger first: if we die after this line, the next step decides the same touch and finds it recorded.
                        await ledger.RecordAsync(tenant, touch, cancellationToken).ConfigureAwait(false);
                        state = JourneyEngine.Apply(state, new TouchSent(touch, now));
                    }

                    (record, dirty) = (record with { State = state }, true);
                    break;

                case StartNextRound round:
                    (record, dirty) = (record with { State = JourneyEngine.Apply(state, new RoundStarted(round.Round, now)) }, true);
                    break;

                case CompleteJourney done:
                    if (await store.TryReplaceAsync(record with { Status = JourneyStatus.Completed, EndReason = done.Reason }, etag, cancellationToken)
                            .ConfigureAwait(false))
                    {
                        log.LogInformation("Journey {InstanceId} ended: {Reason}", instanceId, done.Reason);
                        await starts.EndAsync(tenant, state.CustomerId, instanceId, done.Reason, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    record = null; // changed under us (a signal): read it again
                    break;

                case WaitUntil wait:
                    if (!dirty && record.NextWakeAt == wait.Until && consumedWakeAt != wait.Until)
                    {
                        return; // already scheduled by an earlier step, and that wake-up is still to come
                    }

                    // Schedule before saving: a crash in between leaves an extra wake-up (harmless), never none.
                    await wakeups.ScheduleAsync(tenant, instanceId, wait.Until, cancellationToken).ConfigureAwait(false);
                    if (await store.TryReplaceAsync(record with { NextWakeAt = wait.Until }, etag, cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    record = null; // changed under us (a signal): read it again and decide afresh
                    break;
            }
        }

        throw new InvalidOperationException($"Journey {instanceId} did not settle after {MaxIterations} decisions.");
    }
}
