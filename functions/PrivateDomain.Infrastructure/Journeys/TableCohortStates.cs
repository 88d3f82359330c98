using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// Cohort member states in table <c>CohortStates</c>: PK <c>{tenant}|{journey}|{yyyyMMdd}|{sender}</c> (one partition
/// per cohort, escaped), RK the member index as seven digits, so a batch is one range query and saves in one transaction
/// (at most 100 rows, all in one partition). Columns: the engine state as JSON (as in <c>JourneyInstances</c>), status,
/// end reason, next wake-up, the applied inbox signal ids and the member's inbox mark. Enrolment first writes a
/// reference per member under the cohort's account manager (<see cref="CustomerRefs.AddUnderManagerAsync"/>: one
/// transaction per batch of members), so erasure finds a customer's memberships from their managers. Signals reach a
/// member through the manager's signal journal (<see cref="TableSignalJournal"/>), not through the member row.
/// </summary>
/// <remarks>Rows from before the journal (flag rows <c>{member row}|s|{signal}</c> beside a member, references in the
/// customer's own <c>CustomerRefs</c> partition) are still read past and erased, never written.</remarks>
public sealed class TableCohortStates(StorageClients clients) : ICohortStates
{
    /// <summary>The table name.</summary>
    public const string TableName = "CohortStates";

    /// <inheritdoc />
    public async Task<int> AddAsync(CohortKey cohort, IReadOnlyList<CohortMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(members);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        // The members' references first, under their manager (the cohort's sender: one partition, so a transaction per
        // 100), so erasure can find a member row (keyed by cohort and index) from the customer and their managers.
        await CustomerRefs.AddUnderManagerAsync(clients, cohort.Tenant, cohort.SenderId,
            members.Select(m => (m.State.CustomerId, CustomerRefs.Cohort, Partition(cohort), Row(m.Index))), cancellationToken).ConfigureAwait(false);
        var added = 0;
        foreach (var chunk in members.Chunk(CohortRunner.MaxBatchSize))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(cohort, m))), cancellationToken)
                    .ConfigureAwait(false);
                added += chunk.Length;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Enrolled before (in part): add row by row, keeping what is there.
                foreach (var m in chunk)
                {
                    try
                    {
                        await table.AddEntityAsync(ToEntity(cohort, m), cancellationToken).ConfigureAwait(false);
                        added++;
                    }
                    catch (RequestFailedException r) when (r.Status == 409)
                    {
                    }
                }
            }
        }

        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredCohortMember>> ReadAsync(CohortKey cohort, int from, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(cohort);
        var (lo, hi) = (Row(from), Row(from + count));
        var members = new List<StoredCohortMember>(count);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(lo) >= 0 && x.RowKey.CompareTo(hi) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.Length == MemberRowLength) // not a flag row left by the flags the journal replaced
            {
                members.Add(new StoredCohortMember(ToMember(e), e.ETag.ToString()));
            }
        }

        return members;
    }

    /// <inheritdoc />
    public async Task<bool> TrySaveAsync(CohortKey cohort, IReadOnlyList<StoredCohortMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(members.Count, CohortRunner.MaxBatchSize);
        if (members.Count == 0)
        {
            return true;
        }

        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.SubmitTransactionAsync(
                members.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(cohort, m.Member), new ETag(m.ETag))),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>Deletes the signal flags beside a member row (erasure of a membership from before the journal).</summary>
    internal static async Task<int> DeleteSignalFlagsOfAsync(TableClient table, string pk, string memberRow, CancellationToken cancellationToken)
    {
        var (from, to) = (memberRow + "|", memberRow + "}");
        var deleted = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            deleted += await TableWrites.DeleteIfExistsAsync(table, pk, e.RowKey, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<CohortMember?> FindAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await foreach (var (pk, rk) in MembershipsAsync(clients, tenant, customerId, null, cancellationToken).ConfigureAwait(false))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value is { } e && ToMember(e) is var member && member.State.InstanceId == instanceId)
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>The keys of the customer's member rows: through the references under each of their account managers
    /// (<paramref name="managers"/>, or every manager their relationships name), then any reference in the customer's
    /// own partition (memberships from before the references moved under the manager).</summary>
    internal static async IAsyncEnumerable<(string PartitionKey, string RowKey)> MembershipsAsync(
        StorageClients clients, string tenant, string customerId, IReadOnlyCollection<string>? managers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var manager in managers ?? await TableSignalJournal.ManagersOfAsync(clients, tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var (pk, rk, _) in CustomerRefs.ListUnderManagerAsync(clients, tenant, manager, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
            {
                yield return (pk, rk);
            }
        }

        await foreach (var (pk, rk, _) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
        {
            yield return (pk, rk);
        }
    }

    private static string Partition(CohortKey cohort) => $"{cohort.Tenant}|{TableKeys.Escape(cohort.Id)}";

    private static CohortMember ToMember(TableEntity e) => new(
        int.Parse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonSerializer.Deserialize<JourneyState>(e.GetString("State"), TableJourneyStore.Json)!,
        Enum.Parse<JourneyStatus>(e.GetString("Status")),
        e.GetString("EndReason") is { } r ? Enum.Parse<JourneyEnd>(r) : null,
        e.GetDateTimeOffset("NextWakeAt"),
        JsonSerializer.Deserialize<ImmutableArray<string>>(e.GetString("AppliedSignals") ?? "[]", TableJourneyStore.Json),
        e.GetDateTimeOffset("InboxCheckedAt"));

    private const int MemberRowLength = 7;

    private static string Row(int index) => index.ToString("D7", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(CohortKey cohort, CohortMember m) => new(Partition(cohort), Row(m.Index))
    {
        ["State"] = JsonSerializer.Serialize(m.State, TableJourneyStore.Json),
        ["Status"] = m.Status.ToString(),
        ["EndReason"] = m.EndReason?.ToString(),
        ["NextWakeAt"] = m.NextWakeAt,
        ["AppliedSignals"] = JsonSerializer.Serialize(m.AppliedSignals.IsDefault ? [] : m.AppliedSignals, TableJourneyStore.Json),
        ["CustomerId"] = m.State.CustomerId,
        ["InboxCheckedAt"] = m.InboxCheckedAt,
    };
}
