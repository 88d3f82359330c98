using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>
/// Event refs (table <c>CustomerEventRefs</c>: PK <c>{tenant}|{customerId}</c>, RK event key) and the deletes an
/// erasure needs across the pool's tables; erasure records go to <c>Erasures</c> (PK tenant, RK
/// <c>{customerId}|{ticks}</c>), which hold no personal data.
/// </summary>
public sealed class TableCustomerErasureStore(StorageClients clients) : ICustomerEventRefs, ICustomerErasureStore, IErasureTombstones
{
    /// <summary>Event refs.</summary>
    public const string RefsTable = "CustomerEventRefs";

    /// <summary>Erasure records.</summary>
    public const string ErasuresTable = "Erasures";

    /// <summary>Tombstones of erased contacts: PK <c>{tenant}|{bucket}</c>, RK the external_userid (escaped).</summary>
    public const string TombstonesTable = "ErasureTombstones";

    /// <inheritdoc />
    public async Task AddAsync(string tenant, string externalUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TombstonesTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TombstonePartition(tenant, externalUserId), TableKeys.Escape(externalUserId)) { ["ErasedAt"] = at },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> ErasedAtAsync(string tenant, string externalUserId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TombstonesTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TombstonePartition(tenant, externalUserId), TableKeys.Escape(externalUserId),
            ["ErasedAt"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value?.GetDateTimeOffset("ErasedAt") : null;
    }

    private static string TombstonePartition(string tenant, string externalUserId) => $"{tenant}|{CustomerIds.Bucket(externalUserId)}";

    /// <inheritdoc />
    public async Task AddAsync(string tenant, string customerId, CustomerEventRef eventRef, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventRef);
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(RefsPartition(tenant, customerId), eventRef.EventKey)
        {
            ["CreatedAt"] = eventRef.CreatedAt,
            ["ChatId"] = eventRef.ChatId,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerEventRef> ListAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        var pk = RefsPartition(tenant, customerId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new CustomerEventRef(e.RowKey, e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch, e.GetString("ChatId"));
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        await DeletePartitionAsync(table, RefsPartition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRawEventAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableCallbackEventStore.TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableCallbackEventStore.PartitionKey(tenant, createdAt, eventKey);
        var deleted = await TableWrites.DeleteIfExistsAsync(table, pk, "e|" + eventKey, cancellationToken).ConfigureAwait(false);
        await TableWrites.DeleteIfExistsAsync(table, pk, "p|" + eventKey, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteChatMembershipAsync(string tenant, string chatId, IReadOnlyList<string> memberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var table = await clients.TableAsync(TableGroupChatStore.TableName, cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var member in memberIds)
        {
            count += await TableWrites.DeleteIfExistsAsync(table, TableGroupChatStore.Partition(tenant, chatId), "m|" + TableKeys.Escape(member), cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return count;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRelationshipAsync(string tenant, Relationship relationship, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        var table = await clients.TableAsync(TableRelationshipStore.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = await TableWrites.DeleteIfExistsAsync(table, TableRelationshipStore.EmployeePartition(tenant, relationship.UserId),
            TableKeys.Escape(relationship.ExternalUserId), cancellationToken).ConfigureAwait(false);
        var (pk, rk) = TableRelationshipStore.CustomerKey(relationship);
        await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteSignalsAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableSignalInbox.TableName, cancellationToken).ConfigureAwait(false);
        return await DeletePartitionAsync(table, TableSignalInbox.Partition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteProfileAsync(Customer customer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var index = await clients.TableAsync(TableCustomerStore.IndexTable, cancellationToken).ConfigureAwait(false);
        foreach (var row in TableCustomerStore.IndexRows(customer, IdentityKinds.Of(customer), TableCustomerStore.TagNames(customer)))
        {
            await TableWrites.DeleteIfExistsAsync(index, row.PartitionKey, row.RowKey, cancellationToken).ConfigureAwait(false);
        }

        var profiles = await clients.TableAsync(TableCustomerStore.CustomersTable, cancellationToken).ConfigureAwait(false);
        return await TableWrites.DeleteIfExistsAsync(profiles, TableCustomerStore.ProfilePartition(customer.Tenant, customer.Id), customer.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RecordAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await clients.TableAsync(ErasuresTable, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(TableKeys.Escape(record.Tenant),
            string.Create(CultureInfo.InvariantCulture, $"{record.CustomerId}|{record.ErasedAt.UtcTicks:D19}"))
        {
            ["RequestedBy"] = record.RequestedBy,
            ["Reason"] = record.Reason,
            ["ErasedAt"] = record.ErasedAt,
            ["ProfileRemoved"] = record.ProfileRemoved,
            ["Relationships"] = record.Relationships,
            ["RawEvents"] = record.RawEvents,
            ["Signals"] = record.Signals,
            ["ChatMemberships"] = record.ChatMemberships,
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string RefsPartition(string tenant, string customerId) => $"{tenant}|{TableKeys.Escape(customerId)}";

    private static async Task<int> DeletePartitionAsync(TableClient table, string pk, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            keys.Add(e.RowKey);
        }

        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), ETag.All)), ct)
                .ConfigureAwait(false);
        }

        return keys.Count;
    }
}
