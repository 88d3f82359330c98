using System.Globalization;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Campaign counters in table <c>PayrollCampaignCounts</c>, sharded 64 ways by the customer's bucket (so concurrent
/// writers rarely meet on a counter's ETag): PK <c>{tenant}|{escaped campaign id}|{00-3f}</c>, RK <c>c|{metric}</c> (the shard's counter, <c>Count</c>) and
/// <c>m|{metric}|{customer id}</c> (the marker that it was counted). Marker and counter share a partition and are
/// written in one transaction — the marker inserted, the counter updated with its ETag — so a count happens exactly
/// once per customer and metric whatever is retried. Reading is 64 small range queries, whatever the cohort size.
/// </summary>
public sealed class TablePayrollCounts(StorageClients clients) : IPayrollCounts
{
    /// <summary>The table name.</summary>
    public const string TableName = "PayrollCampaignCounts";

    private const int Shards = 64;

    /// <inheritdoc />
    public async Task<bool> CountAsync(string tenant, string campaignId, string metric, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, campaignId, int.Parse(CustomerIds.Bucket(customerId).AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % Shards);
        var marker = new TableEntity(pk, $"m|{metric}|{TableKeys.Escape(customerId)}");
        for (var attempt = 0; ; attempt++)
        {
            var counter = await table.GetEntityIfExistsAsync<TableEntity>(pk, "c|" + metric, cancellationToken: cancellationToken).ConfigureAwait(false);
            TableTransactionAction write = counter.HasValue && counter.Value is { } c
                ? new(TableTransactionActionType.UpdateReplace, new TableEntity(pk, c.RowKey) { ["Count"] = (c.GetInt64("Count") ?? 0) + 1 }, c.ETag)
                : new(TableTransactionActionType.Add, new TableEntity(pk, "c|" + metric) { ["Count"] = 1L });
            try
            {
                await table.SubmitTransactionAsync([new(TableTransactionActionType.Add, marker), write], cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 && attempt < 1_000)
            {
                // The marker exists (counted before), or the counter moved or was created meanwhile. Not every service
                // version says which action failed, so the marker decides.
                if (await table.GetEntityIfExistsAsync<TableEntity>(pk, marker.RowKey, ["RowKey"], cancellationToken).ConfigureAwait(false) is { HasValue: true })
                {
                    return false;
                }

                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 50)), cancellationToken).ConfigureAwait(false); // the counter moved: read it again
            }
        }
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

    private static string Partition(string tenant, string campaignId, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{tenant}|{TableKeys.Escape(campaignId)}|{shard:x2}");
}
