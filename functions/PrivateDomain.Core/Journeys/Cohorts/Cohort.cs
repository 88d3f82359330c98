using System.Collections.Immutable;
using System.Globalization;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Journeys.Cohorts;

/// <summary>
/// A cohort: the customers of one account manager who start one journey on one day. In cohort mode one orchestration
/// drives a whole cohort (the 40-million-customer case), applying the same engine to each member in batches.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="JourneyId">The journey (its latest version is pinned at enrolment).</param>
/// <param name="StartDay">The local day the members were enrolled.</param>
/// <param name="SenderId">The account manager (WeCom userid) who sends the touches.</param>
/// <param name="Occurrence">For a recurring journey run for a dated occasion (a payroll campaign: its campaign id), the
/// occurrence its members' instance ids carry — the same ids, touch ids and ledger rows the per-customer driver gives
/// them; null for an ordinary journey.</param>
public sealed record CohortKey(string Tenant, string JourneyId, DateOnly StartDay, string SenderId, string? Occurrence = null)
{
    /// <summary>The cohort's key inside the tenant: <c>{journey}|{yyyyMMdd}|{sender}[|{occurrence}]</c>.</summary>
    public string Id => Occurrence is null
        ? string.Create(CultureInfo.InvariantCulture, $"{JourneyId}|{StartDay:yyyyMMdd}|{SenderId}")
        : string.Create(CultureInfo.InvariantCulture, $"{JourneyId}|{StartDay:yyyyMMdd}|{SenderId}|{Occurrence}");

    /// <summary>The cohort orchestration's instance id.</summary>
    public string InstanceId => JourneyInstanceId.ForCohort(Tenant, JourneyId, StartDay, SenderId, Occurrence);

    /// <summary>The instance id of <paramref name="customerId"/>'s journey in this cohort (as the per-customer driver names it).</summary>
    public string MemberInstanceId(string customerId) => JourneyInstanceId.For(Tenant, JourneyId, customerId, Occurrence);
}

/// <summary>One customer of a cohort: the same engine state a per-customer journey has (and the same instance id, so
/// touch ids and ledger rows are the same whichever mode drives the customer), plus what the batch needs.</summary>
/// <param name="Index">The member's position in the cohort (0-based): batches are ranges of it.</param>
/// <param name="State">The engine state.</param>
/// <param name="Status">Running or completed.</param>
/// <param name="EndReason">Why it ended.</param>
/// <param name="NextWakeAt">When the member next has something due; null before its first decision.</param>
/// <param name="AppliedSignals">Inbox signal ids already applied (see <see cref="JourneyInbox"/>).</param>
/// <param name="InboxCheckedAt">The mark: when the last batch that decided the member began reading the signal journal
/// (the host's clock, as the journal's rows are); null before the first, when the journey's start is the mark. A batch reads
/// the manager's signal journal once (<see cref="ISignalJournal"/>) and the inbox only of members with a signal raised
/// since their mark.</param>
public sealed record CohortMember(
    int Index, JourneyState State, JourneyStatus Status, JourneyEnd? EndReason, DateTimeOffset? NextWakeAt, ImmutableArray<string> AppliedSignals,
    DateTimeOffset? InboxCheckedAt = null);

/// <summary>A member as read, with the ETag its save must match.</summary>
public sealed record StoredCohortMember(CohortMember Member, string ETag);

/// <summary>One batch of a cohort at one wake-up: members <c>[From, From + Count)</c>, decided at <paramref name="Now"/>
/// (the orchestration's time, so a replayed or retried batch decides exactly as the first run did).</summary>
public sealed record CohortBatch(CohortKey Cohort, int From, int Count, DateTimeOffset Now);

/// <summary>What a batch did.</summary>
/// <param name="Members">Members in the range.</param>
/// <param name="Running">Members still running after it.</param>
/// <param name="Decided">Members that were due and decided.</param>
/// <param name="TouchesRecorded">Touches newly recorded in the ledger (a rerun records none again).</param>
/// <param name="NextWakeAt">The earliest wake-up of the range's running members; null when all ended.</param>
public sealed record CohortBatchResult(int Members, int Running, int Decided, int TouchesRecorded, DateTimeOffset? NextWakeAt);

/// <summary>Cohort member states, keyed so that a batch is one partition range (one query to read, one transaction to save).</summary>
public interface ICohortStates
{
    /// <summary>Adds members that are not stored yet (by index); returns how many were added.</summary>
    Task<int> AddAsync(CohortKey cohort, IReadOnlyList<CohortMember> members, CancellationToken cancellationToken);

    /// <summary>Members <c>[from, from + count)</c> in index order.</summary>
    Task<IReadOnlyList<StoredCohortMember>> ReadAsync(CohortKey cohort, int from, int count, CancellationToken cancellationToken);

    /// <summary>Replaces the given members in one transaction if every ETag still matches; false (nothing saved) otherwise.
    /// At most <see cref="CohortRunner.MaxBatchSize"/> members.</summary>
    Task<bool> TrySaveAsync(CohortKey cohort, IReadOnlyList<StoredCohortMember> members, CancellationToken cancellationToken);

    /// <summary>The customer's member row whose journey is <paramref name="instanceId"/>, in whichever cohort holds it
    /// (found through the references kept under each of the customer's account managers, never a scan); null if none does.</summary>
    Task<CohortMember?> FindAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken);
}

/// <summary>
/// Which customers of an account manager had a signal raised for them, and when: what a cohort batch reads (one query
/// for the batch) to know whose inbox to read. A signal is journalled under each of the customer's account managers
/// after it is stored in the inbox, at the raiser's clock (the host's <see cref="TimeProvider"/>, which the batches'
/// marks are read from too).
/// </summary>
public interface ISignalJournal
{
    /// <summary>How long a raise may take between reading its clock and writing its journal rows: a batch looks this far
    /// before each member's mark, so a signal journalled just after a batch read the journal is found by the next one.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    /// <summary>The manager's customers with a signal journalled at or after <paramref name="since"/>, each with the
    /// latest such time.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> RaisedSinceAsync(string tenant, string managerId, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>How a cohort of a given size splits into batches.</summary>
public static class CohortPlan
{
    /// <summary>The ranges <c>(From, Count)</c> covering <paramref name="size"/> members in batches of <paramref name="batchSize"/>.</summary>
    public static IReadOnlyList<(int From, int Count)> Batches(int size, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, CohortRunner.MaxBatchSize);
        return [.. Enumerable.Range(0, (size + batchSize - 1) / batchSize).Select(i => (i * batchSize, Math.Min(batchSize, size - (i * batchSize))))];
    }
}
