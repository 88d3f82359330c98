using System.Globalization;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// The signal journal in table <c>SignalJournal</c>: PK <c>{tenant}|{escaped manager userid}</c>, RK
/// <c>{raised at, UTC ticks as 19 digits}|{escaped customer id}|{escaped signal id}</c>, columns <c>CustomerId</c> and
/// <c>SignalId</c>. Each signal stored in the inbox is journalled under every account manager the customer has a
/// relationship with (the cohorts that can hold the customer are those managers' cohorts: enrolment puts a customer in
/// their active manager's), so a cohort batch learns whose inbox to read with one range query of its manager's
/// partition, from its members' earliest mark.
/// </summary>
/// <remarks>
/// Order is what makes it safe: the raiser stores the signal in the inbox, then journals it with the time it read
/// before the inbox write; a batch reads the journal, then the inboxes it names. A batch that reads the journal before a
/// row lands marks its members with its own time, and the next batch looks <see cref="ISignalJournal.Margin"/> before
/// that mark, which the raise's row is not older than. The journal is kept like the inbox (never emptied by a reader);
/// erasure deletes the customer's rows under each of their managers.
/// </remarks>
public sealed class TableSignalJournal(StorageClients clients) : ISignalJournal
{
    /// <summary>The table name.</summary>
    public const string TableName = "SignalJournal";

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> RaisedSinceAsync(string tenant, string managerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, managerId);
        var from = Ticks(since);
        var raised = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0, select: ["RowKey", "CustomerId"],
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var at = new DateTimeOffset(long.Parse(e.RowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);
            var customerId = e.GetString("CustomerId");
            if (!raised.TryGetValue(customerId, out var known) || at > known)
            {
                raised[customerId] = at;
            }
        }

        return raised;
    }

    /// <summary>Journals a signal (already in the inbox) under each of the customer's account managers, at
    /// <paramref name="raisedAt"/>. Writing the same row again is harmless.</summary>
    internal static async Task RecordAsync(StorageClients clients, string tenant, string customerId, string signalId, DateTimeOffset raisedAt, CancellationToken cancellationToken)
    {
        var managers = await ManagersOfAsync(clients, tenant, customerId, cancellationToken).ConfigureAwait(false);
        if (managers.Count == 0)
        {
            return;
        }

        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = $"{Ticks(raisedAt)}|{TableKeys.Escape(customerId)}|{TableKeys.Escape(signalId)}";
        await Task.WhenAll(managers.Select(m => table.UpsertEntityAsync(
            new TableEntity(Partition(tenant, m), row) { ["CustomerId"] = customerId, ["SignalId"] = signalId }, TableUpdateMode.Replace, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Deletes the customer's rows under each of <paramref name="managers"/> (erasure).</summary>
    internal static async Task<int> DeleteCustomerAsync(StorageClients clients, string tenant, string customerId, IEnumerable<string> managers, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var manager in managers)
        {
            var pk = Partition(tenant, manager);
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and CustomerId eq {customerId}"), select: ["RowKey"],
                               cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, pk, e.RowKey, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return deleted;
    }

    /// <summary>Every account manager the customer has a relationship with, in any status: one range query of the
    /// customer's relationship key rows (RK <c>{customerId}|{userid}|{external_userid}</c>), no row of record read.</summary>
    internal static async Task<IReadOnlyList<string>> ManagersOfAsync(StorageClients clients, string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableRelationshipStore.TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableRelationshipStore.CustomerPartition(tenant, customerId);
        var (from, to) = (customerId + "|", customerId + "}");
        var managers = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var key in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var parts = key.RowKey[from.Length..].Split('|');
            if (parts.Length == 2)
            {
                managers.Add(TableKeys.Unescape(parts[0]));
            }
        }

        return [.. managers];
    }

    private static string Partition(string tenant, string managerId) => $"{tenant}|{TableKeys.Escape(managerId)}";

    private static string Ticks(DateTimeOffset at) => Math.Max(0, at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
}
