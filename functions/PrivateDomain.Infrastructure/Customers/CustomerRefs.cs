using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Per-customer references (table <c>CustomerRefs</c>: PK <c>{tenant}|{escaped customer id}</c>, RK
/// <c>{kind}|{key}</c>) to rows keyed by something else — a cohort member, an opportunity-list entry — so erasure finds
/// them with one partition query instead of a table scan. Written before the row they point to, so a crash in between
/// leaves a reference to nothing (harmless), never a row nobody can find.
/// </summary>
/// <remarks>
/// References written in bulk for many customers of one account manager (cohort members: a campaign enrols a manager's
/// customers a batch at a time) live under the manager instead, PK <c>{tenant}|m|{escaped userid}</c>, RK
/// <c>{escaped customer id}|{kind}|{key}</c>: one transaction per 100, and erasure finds them from the customer's
/// managers with one range query each. The two partition shapes cannot meet: an escaped customer id has no <c>|</c>.
/// </remarks>
internal static class CustomerRefs
{
    /// <summary>The table name.</summary>
    public const string TableName = "CustomerRefs";

    /// <summary>Cohort memberships: RK <c>cohort|{cohort partition}|{member row}</c>.</summary>
    public const string Cohort = "cohort";

    /// <summary>Opportunity-list entries: RK <c>opp|{list partition}</c>.</summary>
    public const string Opportunity = "opp";

    /// <summary>Channel-code tallies (adds, deletions, conversions): RK <c>code|{tallies partition}|{tally row}</c>.</summary>
    public const string ChannelCodeTally = "code";

    /// <summary>Joins through group codes: RK <c>gjoin|{joins partition}|{join row}</c>.</summary>
    public const string GroupCodeJoin = "gjoin";

    /// <summary>Records references (upserts: writing one again is harmless), a few at a time.</summary>
    public static async Task AddAsync(StorageClients clients, string tenant, IEnumerable<(string CustomerId, string Kind, string PartitionKey, string RowKey)> refs,
        CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(refs, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (r, ct) =>
            await table.UpsertEntityAsync(new TableEntity(Partition(tenant, r.CustomerId), $"{r.Kind}|{TableKeys.Escape(r.PartitionKey)}|{TableKeys.Escape(r.RowKey)}")
            {
                ["TargetPartition"] = r.PartitionKey,
                ["TargetRow"] = r.RowKey,
            }, TableUpdateMode.Replace, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>Records references of customers of one account manager in that manager's partition, in transactions of
    /// 100 (upserts: writing one again is harmless).</summary>
    public static async Task AddUnderManagerAsync(StorageClients clients, string tenant, string managerId,
        IEnumerable<(string CustomerId, string Kind, string PartitionKey, string RowKey)> refs, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = ManagerPartition(tenant, managerId);
        foreach (var chunk in refs.DistinctBy(r => ManagerRow(r.CustomerId, r.Kind, r.PartitionKey, r.RowKey), StringComparer.Ordinal).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(pk, ManagerRow(r.CustomerId, r.Kind, r.PartitionKey, r.RowKey))
                {
                    ["CustomerId"] = r.CustomerId,
                    ["TargetPartition"] = r.PartitionKey,
                    ["TargetRow"] = r.RowKey,
                })), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The customer's references of one kind under <paramref name="managerId"/>: the target row's keys, and the
    /// reference's own row key.</summary>
    public static async IAsyncEnumerable<(string PartitionKey, string RowKey, string RefRowKey)> ListUnderManagerAsync(
        StorageClients clients, string tenant, string managerId, string customerId, string kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = ManagerPartition(tenant, managerId);
        var prefix = $"{TableKeys.Escape(customerId)}|{kind}";
        var (from, to) = (prefix + "|", prefix + "}");
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (e.GetString("TargetPartition"), e.GetString("TargetRow"), e.RowKey);
        }
    }

    /// <summary>Deletes one reference kept under a manager.</summary>
    public static async Task DeleteUnderManagerAsync(StorageClients clients, string tenant, string managerId, string refRowKey, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await TableWrites.DeleteIfExistsAsync(table, ManagerPartition(tenant, managerId), refRowKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The customer's references of one kind: the target row's keys, and the reference's own row key.</summary>
    public static async IAsyncEnumerable<(string PartitionKey, string RowKey, string RefRowKey)> ListAsync(
        StorageClients clients, string tenant, string customerId, string kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, customerId);
        var (from, to) = (kind + "|", kind + "}");
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (e.GetString("TargetPartition"), e.GetString("TargetRow"), e.RowKey);
        }
    }

    /// <summary>Deletes one reference.</summary>
    public static async Task DeleteAsync(StorageClients clients, string tenant, string customerId, string refRowKey, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await TableWrites.DeleteIfExistsAsync(table, Partition(tenant, customerId), refRowKey, cancellationToken).ConfigureAwait(false);
    }

    private static string Partition(string tenant, string customerId) => $"{tenant}|{TableKeys.Escape(customerId)}";

    private static string ManagerPartition(string tenant, string managerId) => $"{tenant}|m|{TableKeys.Escape(managerId)}";

    private static string ManagerRow(string customerId, string kind, string partitionKey, string rowKey) =>
        $"{TableKeys.Escape(customerId)}|{kind}|{TableKeys.Escape(partitionKey)}|{TableKeys.Escape(rowKey)}";
}
