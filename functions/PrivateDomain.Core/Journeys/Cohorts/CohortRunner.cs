using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Journeys.Cohorts;

/// <summary>
/// The cohort-mode driver's work, without Durable: enrol a cohort, and run one batch at one wake-up — load the batch's
/// states (one partition range), read the manager's signal journal once and the inbox of each due member it names,
/// Decide/Apply until it waits or ends, record touches in
/// the ledger (insert-if-absent), save the states with their ETags in one transaction, and report the earliest next
/// wake-up. The orchestration only loops over batches and sleeps until the earliest wake-up.
/// </summary>
/// <remarks>
/// A batch is safe to run again at the same time (a replayed or retried activity): the ledger records each touch id
/// once, and a batch that died after recording but before saving decides the same touches again and finds them
/// recorded. Two runs of one batch at once cannot both save: the second's ETags no longer match, so it re-reads and
/// decides again.
/// </remarks>
public sealed class CohortRunner(
    JourneyCatalog catalog, JourneyEngine engine, ICohortStates states, ITouchLedger ledger, ISignalInbox inbox, ISignalJournal journal,
    TimeProvider time, ILogger<CohortRunner> log)
{
    /// <summary>The largest batch: one Table transaction.</summary>
    public const int MaxBatchSize = 100;

    private const int MaxDecisions = 200;
    private const int MaxAttempts = 5;
    private const int Parallelism = 8;

    /// <summary>
    /// Enrols <paramref name="customerIds"/> (in this order: a member's index is its position) at <paramref name="now"/>,
    /// pinned to the journey's latest version. Enrolling the same list again adds nothing; the cohort is sealed once its
    /// orchestration starts, so customers arriving later go to the next day's cohort.
    /// </summary>
    /// <returns>The cohort's size.</returns>
    public async Task<int> EnrolAsync(CohortKey cohort, IReadOnlyList<string> customerIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        await EnrolAsync(cohort, customerIds, 0, now, null, cancellationToken).ConfigureAwait(false);
        return customerIds.Count;
    }

    /// <summary>
    /// Enrols <paramref name="customerIds"/> as members <c>firstIndex, firstIndex + 1, …</c> of a cohort filled in
    /// several calls (a payroll campaign's cohort, read in pages), each journey started for <paramref name="occasion"/>
    /// when given (its days and campaign pinned in the state, as the per-customer driver pins them). The same call again
    /// adds nothing: the caller must give the same customers the same indexes (the order it reads them in).
    /// </summary>
    /// <returns>How many members this call added.</returns>
    public async Task<int> EnrolAsync(
        CohortKey cohort, IReadOnlyList<string> customerIds, int firstIndex, DateTimeOffset now, JourneyOccasion? occasion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(customerIds);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        var definition = catalog.Get(cohort.JourneyId);
        var members = customerIds
            .Select((customerId, i) => new CohortMember(
                firstIndex + i,
                engine.Start(definition, cohort.MemberInstanceId(customerId), customerId, cohort.SenderId, now, occasion),
                JourneyStatus.Running,
                null,
                null,
                []))
            .ToList();
        var added = await states.AddAsync(cohort, members, cancellationToken).ConfigureAwait(false);
        log.LogInformation("Cohort {Cohort} of {Tenant}: {Added} of {Count} members enrolled from index {First}", cohort.Id, cohort.Tenant, added, members.Count, firstIndex);
        return added;
    }

    /// <summary>Ends every running member of the batch's range with <paramref name="reason"/>, deciding nothing (an
    /// operator stopped the campaign the cohort belongs to). Safe to repeat.</summary>
    /// <returns>How many members this call ended.</returns>
    public async Task<int> EndBatchAsync(CohortBatch batch, JourneyEnd reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch.Count, MaxBatchSize);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var running = (await states.ReadAsync(batch.Cohort, batch.From, batch.Count, cancellationToken).ConfigureAwait(false))
                .Where(r => r.Member.Status == JourneyStatus.Running)
                .Select(r => r with { Member = r.Member with { Status = JourneyStatus.Completed, EndReason = reason, NextWakeAt = null } })
                .ToList();
            if (await states.TrySaveAsync(batch.Cohort, running, cancellationToken).ConfigureAwait(false))
            {
                return running.Count;
            }
        }

        throw new InvalidOperationException($"Cohort {batch.Cohort.Id} batch {batch.From}+{batch.Count} kept changing under us; it will be retried.");
    }

    /// <summary>Runs one batch at <see cref="CohortBatch.Now"/>. Safe to repeat.</summary>
    /// <exception cref="InvalidOperationException">The batch kept changing under us (the activity's retry runs it again).</exception>
    public async Task<CohortBatchResult> RunBatchAsync(CohortBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch.Count, MaxBatchSize);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var rows = await states.ReadAsync(batch.Cohort, batch.From, batch.Count, cancellationToken).ConfigureAwait(false);
            var changed = new ConcurrentBag<StoredCohortMember>();
            var touches = new ConcurrentBag<Touch>();
            var due = rows.Where(r => r.Member.Status == JourneyStatus.Running && !(r.Member.NextWakeAt > batch.Now)).ToList();
            // The journal's clock is the raisers' (the host's), not the orchestration's: the mark is when this read began.
            var readAt = time.GetUtcNow();
            var raised = due.Count == 0
                ? new Dictionary<string, DateTimeOffset>()
                : await journal.RaisedSinceAsync(batch.Cohort.Tenant, batch.Cohort.SenderId, due.Min(r => CheckedFrom(r.Member)), cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    // The inbox only when the journal names the customer since the member's mark: one query per batch and
                    // one per member with a signal, not one per member and wake-up.
                    var read = raised.TryGetValue(row.Member.State.CustomerId, out var at) && at >= CheckedFrom(row.Member);
                    var member = await AdvanceAsync(batch.Cohort.Tenant, row with { Member = row.Member with { InboxCheckedAt = readAt } }, batch.Now, read, touches, ct)
                        .ConfigureAwait(false);
                    if (member != row.Member)
                    {
                        changed.Add(row with { Member = member });
                    }
                }).ConfigureAwait(false);

            // The batch's touches in the ledger before the states that say they were sent: the sender's outbox rows in
            // transactions and one nudge per slot, not one of each per touch. A crash between the two decides the same
            // touches again on the retry and finds them recorded.
            var recorded = touches.IsEmpty ? 0 : await ledger.RecordManyAsync(batch.Cohort.Tenant, [.. touches], cancellationToken).ConfigureAwait(false);
            if (!changed.IsEmpty && !await states.TrySaveAsync(batch.Cohort, [.. changed], cancellationToken).ConfigureAwait(false))
            {
                log.LogWarning("Cohort {Cohort} batch {From}+{Count} changed under us; deciding again", batch.Cohort.Id, batch.From, batch.Count);
                continue;
            }

            var after = rows.Select(r => changed.FirstOrDefault(c => c.Member.Index == r.Member.Index)?.Member ?? r.Member).ToList();
            var running = after.Where(m => m.Status == JourneyStatus.Running).ToList();
            return new CohortBatchResult(rows.Count, running.Count, due.Count, recorded, running.Count == 0 ? null : running.Min(m => m.NextWakeAt ?? batch.Now));
        }

        throw new InvalidOperationException($"Cohort {batch.Cohort.Id} batch {batch.From}+{batch.Count} kept changing under us; it will be retried.");
    }

    /// <summary>From when the journal can name a signal the member has not looked for: its mark (when the last batch that
    /// decided it began reading the journal, or the journey's start) less the journal's margin. A signal raised before the journey started does not
    /// concern it (<see cref="JourneyInbox.Concerns"/>), so nothing older matters.</summary>
    private static DateTimeOffset CheckedFrom(CohortMember member) => (member.InboxCheckedAt ?? member.State.StartedAt) - ISignalJournal.Margin;

    /// <summary>One member: apply new inbox signals, then decide and act until it waits or ends (the local runner's loop).</summary>
    private async Task<CohortMember> AdvanceAsync(
        string tenant, StoredCohortMember row, DateTimeOffset now, bool readInbox, ConcurrentBag<Touch> touches, CancellationToken cancellationToken)
    {
        var member = row.Member;
        var definition = catalog.Get(member.State.JourneyId, member.State.Version);
        var applied = member.AppliedSignals.IsDefault ? [] : member.AppliedSignals;
        var pending = readInbox
            ? await JourneyInbox.PendingAsync(inbox, tenant, member.State, applied, cancellationToken).ConfigureAwait(false)
            : [];
        var (state, appliedNow) = JourneyInbox.Apply(member.State, applied, pending);
        for (var i = 0; i < MaxDecisions; i++)
        {
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    foreach (var touch in send.Touches)
                    {
                        touches.Add(touch); // recorded with the batch's others before the state is saved
                        state = JourneyEngine.Apply(state, new TouchSent(touch, now));
                    }

                    break;

                case StartNextRound round:
                    state = JourneyEngine.Apply(state, new RoundStarted(round.Round, now));
                    break;

                case CompleteJourney done:
                    return member with { State = state, Status = JourneyStatus.Completed, EndReason = done.Reason, NextWakeAt = null, AppliedSignals = appliedNow };

                case WaitUntil wait:
                    return member with { State = state, NextWakeAt = wait.Until, AppliedSignals = appliedNow };
            }
        }

        throw new InvalidOperationException($"Journey {member.State.InstanceId} did not settle after {MaxDecisions} decisions.");
    }
}
