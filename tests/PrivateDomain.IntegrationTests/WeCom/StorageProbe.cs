using Azure.Data.Tables;
using Azure.Storage.Queues;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.WeCom;

/// <summary>Looks at what the intake left in storage, directly (not through the code under test).</summary>
public sealed class StorageProbe(string connectionString)
{
    private readonly TableClient _events = new TableServiceClient(connectionString).GetTableClient(TableCallbackEventStore.TableName);
    private readonly QueueClient _queue = new(connectionString, StorageCallbackEventQueue.QueueName,
        new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>The stored events of a tenant (rows with RowKey e|…).</summary>
    public async Task<List<TableEntity>> StoredEventsAsync(string tenant)
    {
        await _events.CreateIfNotExistsAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant + "|"} and PartitionKey lt {tenant + "}"}");
        var rows = new List<TableEntity>();
        await foreach (var row in _events.QueryAsync<TableEntity>(filter))
        {
            if (row.RowKey.StartsWith("e|", StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>The pending-enqueue markers of a tenant.</summary>
    public async Task<int> PendingCountAsync(string tenant)
    {
        await _events.CreateIfNotExistsAsync();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant + "|"} and PartitionKey lt {tenant + "}"}");
        var count = 0;
        await foreach (var row in _events.QueryAsync<TableEntity>(filter))
        {
            count += row.RowKey.StartsWith("p|", StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Takes every message off the queue (tests in the collection run one at a time) and returns those of a tenant.</summary>
    public async Task<List<CallbackEventMessage>> DrainQueueAsync(string tenant)
    {
        await _queue.CreateIfNotExistsAsync();
        var mine = new List<CallbackEventMessage>();
        while (true)
        {
            var batch = (await _queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0)
            {
                return mine;
            }

            foreach (var m in batch)
            {
                var message = StorageCallbackEventQueue.Deserialize(m.Body.ToString());
                if (message.Tenant == tenant)
                {
                    mine.Add(message);
                }

                await _queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }
}
