using System.Globalization;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Campaign counters in table <c>PayrollCampaignCounts</c>, sharded 64 ways (so concurrent writers rarely meet on a
/// counter's ETag): PK <c>{tenant}|{escaped campaign id}|{00-3f}</c>, RK <c>c|{metric}</c> (the shard's counter,
/// <c>Count</c>) and markers that say something was counted. Reading is 64 small range queries, whatever the cohort size.
/// <list type="bullet">
/// <item>Per customer (<see cref="CountAsync"/>, <see cref="CountManyAsync"/>): the marker <c>m|{metric}|{customer id}</c>
/// in the customer's shard is inserted in one transaction with that shard's counter update (ETag), up to 98 customers
/// of a shard per transaction, so a customer is counted exactly once per metric whatever is retried.</item>
/// <item>Per unit of work that knows its totals (<see cref="CountOnceAsync"/>: a cohort enrolment): its marker
/// <c>d|{key}</c> in the key's shard, inserted in one transaction with the counters.</item>
/// <item>Per dispatch (<see cref="CountDispatchAsync"/>): the customers' reached markers are inserted first, each naming
/// the dispatch, in the account manager's partition <c>{tenant}|{campaign}|r|{sender}</c> (RK the customer id) — a
/// dispatch's customers are one manager's, so that is a transaction per 100 customers, and a later step's dispatch that
/// finds them there reads them back with one range query; then the dispatch's marker <c>d|{dispatch id}</c> is inserted
/// in the dispatch's shard in one transaction with the counters of every step it sent and of the customers whose reached
/// marker names it. A retried dispatch finds its own markers, counts them once, and finds its <c>d|</c> marker if it had
/// got that far.</item>
/// </list>
/// </summary>
public sealed class TablePayrollCounts(StorageClients clients) : IPayrollCounts
{
    /// <summary>The table name.</summary>
    public const string TableName = "PayrollCampaignCounts";

    private const int Shards = 64;
    private const int MarkersPerTransaction = 98; // a transaction holds 100 actions: the markers and the counter

    /// <inheritdoc />
    public async Task<bool> CountAsync(string tenant, string campaignId, string metric, string customerId, CancellationToken cancellationToken) =>
        await CountManyAsync(tenant, campaignId, metric, [customerId], cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<int> CountManyAsync(string tenant, string campaignId, string metric, IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerIds);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var counted = 0;
        var groups = customerIds.Distinct(StringComparer.Ordinal)
            .GroupBy(c => Shard(c))
            .SelectMany(g => g.Chunk(MarkersPerTransaction).Select(chunk => (Shard: g.Key, Customers: chunk)));
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            var pk = Partition(tenant, campaignId, group.Shard);
            var markers = group.Customers.Select(c => $"m|{metric}|{TableKeys.Escape(c)}").ToList();
            var n = await AddOnceAsync(table, pk, markers, new Dictionary<string, long>(StringComparer.Ordinal) { [metric] = 0 }, perMarker: metric, ct).ConfigureAwait(false);
            Interlocked.Add(ref counted, n);
        }).ConfigureAwait(false);
        return counted;
    }

    /// <inheritdoc />
    public async Task CountDispatchAsync(string tenant, string campaignId, string senderId, string dispatchId, IReadOnlyCollection<(string CustomerId, string StepId)> sent,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        if (sent.Count == 0)
        {
            return;
        }

        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var reached = await ReachedByAsync(table, ReachedPartition(tenant, campaignId, senderId), [.. sent.Select(s => s.CustomerId).Distinct(StringComparer.Ordinal)],
            dispatchId, cancellationToken).ConfigureAwait(false);

        var deltas = sent.GroupBy(s => PayrollMetrics.Sent(s.StepId), StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        if (reached > 0)
        {
            deltas[PayrollMetrics.Reached] = reached;
        }

        await AddOnceAsync(table, Partition(tenant, campaignId, Shard(dispatchId)), ["d|" + TableKeys.Escape(dispatchId)], deltas, perMarker: null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> CountOnceAsync(string tenant, string campaignId, string key, IReadOnlyDictionary<string, long> deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        return await AddOnceAsync(table, Partition(tenant, campaignId, Shard(key)), ["d|" + TableKeys.Escape(key)], deltas.ToDictionary(StringComparer.Ordinal), perMarker: null,
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> ReadAsync(string tenant, string campaignId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var s = 0; s < Shards; s++)
        {
            var pk = Partition(tenant, campaignId, s);
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("c|") >= 0 && x.RowKey.CompareTo("c}") < 0,
                               cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var metric = e.RowKey[2..];
                totals[metric] = totals.GetValueOrDefault(metric) + (e.GetInt64("Count") ?? 0);
            }
        }

        return totals;
    }

    // Each customer's reached marker names the dispatch that reached them first: counts those that name this one (also
    // when this dispatch wrote them before a crash), not those an earlier dispatch wrote. Markers are inserted a
    // transaction per 100; a transaction that meets an existing marker reads the chunk's range back and inserts only
    // the missing ones.
    private static async Task<int> ReachedByAsync(TableClient table, string pk, IReadOnlyList<string> customerIds, string dispatchId, CancellationToken ct)
    {
        var reached = 0;
        foreach (var chunk in customerIds.Select(TableKeys.Escape).Order(StringComparer.Ordinal).Chunk(100))
        {
            var pending = chunk.ToList();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                try
                {
                    await table.SubmitTransactionAsync(pending.Select(rk => new TableTransactionAction(TableTransactionActionType.Add,
                        new TableEntity(pk, rk) { ["DispatchId"] = dispatchId })), ct).ConfigureAwait(false);
                    reached += pending.Count;
                    break;
                }
                catch (TableTransactionFailedException e) when (e.Status == 409 && attempt < 5)
                {
                    // Some were reached before (or by this dispatch before a crash): whose markers are they?
                    var (lo, hi) = (pending[0], pending[^1]);
                    var wanted = pending.ToHashSet(StringComparer.Ordinal);
                    await foreach (var marker in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(lo) >= 0 && x.RowKey.CompareTo(hi) <= 0,
                                       select: ["RowKey", "DispatchId"], cancellationToken: ct).ConfigureAwait(false))
                    {
                        if (wanted.Remove(marker.RowKey) && string.Equals(marker.GetString("DispatchId"), dispatchId, StringComparison.Ordinal))
                        {
                            reached++;
                        }
                    }

                    pending = [.. pending.Where(wanted.Contains)];
                }
            }
        }

        return reached;
    }

    // Inserts the markers (those that do not exist yet) and adds to the shard's counters in one transaction per attempt.
    // With perMarker set, that counter grows by the number of markers inserted; every other delta is added as given,
    // once, if at least one marker was inserted. Returns the number of markers inserted.
    private static async Task<int> AddOnceAsync(TableClient table, string pk, IReadOnlyList<string> markers, Dictionary<string, long> deltas, string? perMarker,
        CancellationToken ct)
    {
        var pending = markers.ToList();
        for (var attempt = 0; ; attempt++)
        {
            var actions = new List<TableTransactionAction>(pending.Count + deltas.Count);
            actions.AddRange(pending.Select(rk => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, rk))));
            foreach (var (metric, delta) in deltas)
            {
                var add = metric == perMarker ? pending.Count : delta;
                var counter = await table.GetEntityIfExistsAsync<TableEntity>(pk, "c|" + metric, cancellationToken: ct).ConfigureAwait(false);
                actions.Add(counter.HasValue && counter.Value is { } c
                    ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, c.RowKey) { ["Count"] = (c.GetInt64("Count") ?? 0) + add }, c.ETag)
                    : new(TableTransactionActionType.Add, new TableEntity(pk, "c|" + metric) { ["Count"] = add }));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                return pending.Count;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 1_000)
            {
                // A marker exists (counted before), or a counter moved or was created meanwhile. Not every service
                // version says which action failed, so the markers decide.
                var existing = await ExistingAsync(table, pk, pending, ct).ConfigureAwait(false);
                if (existing.Count > 0)
                {
                    pending.RemoveAll(existing.Contains);
                    if (pending.Count == 0)
                    {
                        return 0; // all counted before
                    }

                    continue;
                }

                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 50)), ct).ConfigureAwait(false); // a counter moved: read it again
            }
        }
    }

    // The markers that exist: one range query over the sorted markers' span, not a read each.
    private static async Task<HashSet<string>> ExistingAsync(TableClient table, string pk, IReadOnlyList<string> rowKeys, CancellationToken ct)
    {
        var wanted = rowKeys.ToHashSet(StringComparer.Ordinal);
        var (lo, hi) = (rowKeys.Min(StringComparer.Ordinal)!, rowKeys.Max(StringComparer.Ordinal)!);
        var found = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var marker in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(lo) >= 0 && x.RowKey.CompareTo(hi) <= 0,
                           select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            if (wanted.Contains(marker.RowKey))
            {
                found.Add(marker.RowKey);
            }
        }

        return found;
    }

    // A customer's (or a dispatch's) shard: its bucket, mod 64.
    internal static int Shard(string key) =>
        int.Parse(CustomerIds.Bucket(key).AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % Shards;

    /// <summary>The partition of the customers a campaign reached through one account manager.</summary>
    internal static string ReachedPartition(string tenant, string campaignId, string senderId) =>
        $"{tenant}|{TableKeys.Escape(campaignId)}|r|{TableKeys.Escape(senderId)}";

    internal static string Partition(string tenant, string campaignId, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}|{TableKeys.Escape(campaignId)}|{shard:x2}");
}
