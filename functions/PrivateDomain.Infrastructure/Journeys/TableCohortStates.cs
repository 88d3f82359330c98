using System.Collections.Immutable;
using System.Globalization;
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
/// end reason, next wake-up and the applied inbox signal ids. Enrolment also writes a reference per member in
/// <c>CustomerRefs</c>, so erasure finds a customer's memberships — and so does a signal: raising one for the customer
/// leaves a flag row <c>{member row}|s|{escaped signal id}</c> beside each of their member rows, inside the batch's key
/// range, so the batch's one range query tells which members have something in their inbox.
/// </summary>
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
        // Each member's reference first, so erasure can find the member row (keyed by cohort and index) from the customer.
        await CustomerRefs.AddAsync(clients, cohort.Tenant,
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
        var flags = new Dictionary<int, List<string>>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(lo) >= 0 && x.RowKey.CompareTo(hi) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.Length > MemberRowLength)
            {
                var index = int.Parse(e.RowKey.AsSpan(0, MemberRowLength), NumberStyles.None, CultureInfo.InvariantCulture);
                (flags.TryGetValue(index, out var list) ? list : flags[index] = []).Add(e.RowKey);
                continue;
            }

            members.Add(new StoredCohortMember(ToMember(e), e.ETag.ToString()));
        }

        return flags.Count == 0
            ? members
            : [.. members.Select(m => flags.TryGetValue(m.Member.Index, out var f) ? m with { SignalFlags = [.. f] } : m)];
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

    /// <inheritdoc />
    public async Task DeleteSignalFlagsAsync(CohortKey cohort, IReadOnlyCollection<string> rowKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(rowKeys);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(cohort);
        foreach (var chunk in rowKeys.Distinct(StringComparer.Ordinal).Chunk(100))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), ETag.All)),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                foreach (var rk in chunk)
                {
                    await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false); // another run removed some
                }
            }
        }
    }

    /// <summary>Leaves a flag for <paramref name="signalId"/> beside each cohort member row of the customer (found through
    /// their references; none for a customer in no cohort). Written before the signal itself, so a member never misses
    /// a stored signal; a flag whose signal is not stored yet only costs that member an inbox read.</summary>
    internal static async Task FlagSignalAsync(StorageClients clients, string tenant, string customerId, string signalId, CancellationToken cancellationToken)
    {
        TableClient? table = null;
        await foreach (var (pk, rk, _) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
        {
            table ??= await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
            await table.UpsertEntityAsync(new TableEntity(pk, $"{rk}|s|{TableKeys.Escape(signalId)}") { ["SignalId"] = signalId }, TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the signal flags beside a member row (erasure).</summary>
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
        await foreach (var (pk, rk, _) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value is { } e && ToMember(e) is var member && member.State.InstanceId == instanceId)
            {
                return member;
            }
        }

        return null;
    }

    private static string Partition(CohortKey cohort) => $"{cohort.Tenant}|{TableKeys.Escape(cohort.Id)}";

    private static CohortMember ToMember(TableEntity e) => new(
        int.Parse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonSerializer.Deserialize<JourneyState>(e.GetString("State"), TableJourneyStore.Json)!,
        Enum.Parse<JourneyStatus>(e.GetString("Status")),
        e.GetString("EndReason") is { } r ? Enum.Parse<JourneyEnd>(r) : null,
        e.GetDateTimeOffset("NextWakeAt"),
        JsonSerializer.Deserialize<ImmutableArray<string>>(e.GetString("AppliedSignals") ?? "[]", TableJourneyStore.Json),
        e.GetBoolean("InboxFlagged") ?? false);

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
        ["InboxFlagged"] = m.InboxFlagged,
    };
}
