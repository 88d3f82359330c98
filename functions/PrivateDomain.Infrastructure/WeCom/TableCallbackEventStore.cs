using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.WeCom;

/// <summary>
/// <see cref="ICallbackEventStore"/> on Table Storage (table <c>WeComEvents</c>).
/// </summary>
/// <remarks>
/// Keys: PartitionKey <c>{tenant}|{yyyyMMdd of CreateTime}|{first hex digit of the event key}</c> spreads a day's
/// events over 16 partitions; RowKey <c>e|{key}</c> is the event, <c>p|{key}</c> its pending-enqueue marker. Both are
/// inserted in one entity-group transaction, so an event is never stored without its marker. The partition derives from
/// the decrypted content only, so every retry of an event lands on the same row and the insert conflicts.
/// </remarks>
public sealed class TableCallbackEventStore(StorageClients clients) : ICallbackEventStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "WeComEvents";


    /// <inheritdoc />
    public async Task<AddOutcome> AddAsync(
        StoredCallbackEvent callbackEvent, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbackEvent);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = PartitionKey(callbackEvent.Tenant, callbackEvent.CreatedAt, callbackEvent.EventKey);
        var eventRow = new TableEntity(pk, "e|" + callbackEvent.EventKey)
        {
            ["Kind"] = callbackEvent.Kind,
            ["CreatedAt"] = callbackEvent.CreatedAt,
            ["ReceivedAt"] = callbackEvent.ReceivedAt,
            ["Xml"] = Encoding.UTF8.GetBytes(callbackEvent.PlaintextXml),
        };
        var pendingRow = new TableEntity(pk, "p|" + callbackEvent.EventKey)
        {
            ["Kind"] = callbackEvent.Kind,
            ["CreatedAt"] = callbackEvent.CreatedAt,
            ["ClaimedUntil"] = claimUntil,
        };

        try
        {
            await table.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, eventRow),
                 new TableTransactionAction(TableTransactionActionType.Add, pendingRow)],
                cancellationToken).ConfigureAwait(false);
            return AddOutcome.Added;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return await ClaimExistingAsync(table, pk, callbackEvent.EventKey, now, claimUntil, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task MarkEnqueuedAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventKey);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        // Not there means a concurrent enqueue already cleared it: the event is enqueued either way.
        await TableWrites.DeleteIfExistsAsync(table, PartitionKey(tenant, createdAt, eventKey), "p|" + eventKey, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseClaimAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventKey);
        var release = new TableEntity(PartitionKey(tenant, createdAt, eventKey), "p|" + eventKey)
        {
            ["ClaimedUntil"] = DateTimeOffset.UnixEpoch,
        };
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(release, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing pending any more.
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CallbackEventMessage> ClaimStalePendingAsync(
        string tenant,
        DateTimeOffset createdFrom,
        DateTimeOffset createdBefore,
        DateTimeOffset now,
        DateTimeOffset claimUntil,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        for (var day = createdFrom.UtcDateTime.Date; day < createdBefore.UtcDateTime; day = day.AddDays(1))
        {
            foreach (var bucket in "0123456789abcdef")
            {
                var pk = $"{tenant}|{day:yyyyMMdd}|{bucket}";
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge 'p|' and RowKey lt 'p}}'");
                await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (row.GetDateTimeOffset("ClaimedUntil") > now)
                    {
                        continue;
                    }

                    row["ClaimedUntil"] = claimUntil;
                    try
                    {
                        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                    }
                    catch (RequestFailedException e) when (e.Status is 404 or 412)
                    {
                        continue; // Enqueued or claimed by someone else meanwhile.
                    }

                    yield return new CallbackEventMessage(
                        tenant, row.RowKey[2..], row.GetString("Kind"), row.GetDateTimeOffset("CreatedAt")!.Value);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<StoredCallbackEvent?> GetAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventKey);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(
            PartitionKey(tenant, createdAt, eventKey), "e|" + eventKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        return new StoredCallbackEvent(tenant, eventKey, e.GetString("Kind"), e.GetDateTimeOffset("CreatedAt")!.Value,
            e.GetDateTimeOffset("ReceivedAt")!.Value, Encoding.UTF8.GetString(e.GetBinary("Xml")));
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(string tenant, DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        // Partitions sort by day, so "every day before the cut-off" is one key range; whole days only.
        var from = tenant + "|";
        var to = string.Create(CultureInfo.InvariantCulture, $"{tenant}|{createdBefore.UtcDateTime:yyyyMMdd}");
        var rows = new List<(string Pk, string Rk)>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) > 0 && x.PartitionKey.CompareTo(to) < 0,
                           select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add((e.PartitionKey, e.RowKey));
        }

        foreach (var batch in rows.GroupBy(r => r.Pk).SelectMany(g => g.Chunk(100)))
        {
            await table.SubmitTransactionAsync(batch.Select(r =>
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.Pk, r.Rk), ETag.All)), cancellationToken).ConfigureAwait(false);
        }

        return rows.Count(r => r.Rk.StartsWith("e|", StringComparison.Ordinal));
    }

    /// <summary>The partition of an event: tenant, UTC day of WeCom's CreateTime, and a 16-way bucket.</summary>
    public static string PartitionKey(string tenant, DateTimeOffset createdAt, string eventKey)
    {
        ArgumentNullException.ThrowIfNull(eventKey);
        return string.Create(CultureInfo.InvariantCulture, $"{tenant}|{createdAt.UtcDateTime:yyyyMMdd}|{eventKey[0]}");
    }

    private static async Task<AddOutcome> ClaimExistingAsync(
        TableClient table,
        string pk, string eventKey, DateTimeOffset now, DateTimeOffset claimUntil, CancellationToken cancellationToken)
    {
        var pending = await table.GetEntityIfExistsAsync<TableEntity>(pk, "p|" + eventKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!pending.HasValue || pending.Value is not { } row)
        {
            return AddOutcome.AlreadyEnqueued;
        }

        if (row.GetDateTimeOffset("ClaimedUntil") > now)
        {
            return AddOutcome.EnqueueInFlight;
        }

        row["ClaimedUntil"] = claimUntil;
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return AddOutcome.ClaimedPending;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return AddOutcome.AlreadyEnqueued;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return AddOutcome.EnqueueInFlight;
        }
    }
}
