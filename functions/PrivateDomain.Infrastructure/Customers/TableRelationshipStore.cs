using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Relationships in table <c>Relationships</c>: the row of record is under the employee
/// (PK <c>{tenant}|emp|{userid}</c>, RK external_userid), which serves hand-over and opportunity lists; a key-only row
/// under the customer (PK <c>{tenant}|cust|{bucket}</c>, RK <c>{customerId}|{userid}|{external_userid}</c>) serves
/// "this customer's account managers". Relationships are never deleted (status changes), so the key row cannot go stale.
/// </summary>
public sealed class TableRelationshipStore(StorageClients clients) : IRelationshipStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "Relationships";

    /// <inheritdoc />
    public async Task<Stored<Relationship>?> GetAsync(string tenant, string userId, string externalUserId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(EmployeePartition(tenant, userId), TableKeys.Escape(externalUserId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? new Stored<Relationship>(FromEntity(tenant, e), e.ETag.ToString()) : null;
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteAsync(Relationship relationship, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var r = relationship;
        if (etag is null)
        {
            var (pk, rk) = CustomerKey(r);
            await table.UpsertEntityAsync(new TableEntity(pk, rk), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }

        var entity = new TableEntity(EmployeePartition(r.Tenant, r.UserId), TableKeys.Escape(r.ExternalUserId))
        {
            ["UserId"] = r.UserId,
            ["ExternalUserId"] = r.ExternalUserId,
            ["CustomerId"] = r.CustomerId,
            ["AddedAt"] = r.AddedAt,
            ["State"] = r.State,
            ["Channel"] = r.Channel,
            ["Partner"] = r.Partner,
            ["Status"] = r.Status.ToString(),
            ["StatusAt"] = r.StatusAt,
            ["StatusDetail"] = r.StatusDetail,
        };
        try
        {
            if (etag is null)
            {
                await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Relationship> ListByEmployeeAsync(string tenant, string userId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = EmployeePartition(tenant, userId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(tenant, e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Relationship> ListByCustomerAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = $"{tenant}|cust|{CustomerIds.Bucket(customerId)}";
        var from = customerId + "|";
        var to = customerId + "}";
        await foreach (var key in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var parts = key.RowKey.Split('|');
            var r = await GetAsync(tenant, TableKeys.Unescape(parts[1]), TableKeys.Unescape(parts[2]), cancellationToken).ConfigureAwait(false);
            if (r is not null)
            {
                yield return r.Value;
            }
        }
    }

    /// <summary>The key of the customer-side key row.</summary>
    internal static (string PartitionKey, string RowKey) CustomerKey(Relationship r) =>
        ($"{r.Tenant}|cust|{CustomerIds.Bucket(r.CustomerId)}", $"{r.CustomerId}|{TableKeys.Escape(r.UserId)}|{TableKeys.Escape(r.ExternalUserId)}");

    internal static string EmployeePartition(string tenant, string userId) => $"{tenant}|emp|{TableKeys.Escape(userId)}";

    private static Relationship FromEntity(string tenant, TableEntity e) => new(
        tenant,
        e.GetString("UserId"),
        e.GetString("ExternalUserId"),
        e.GetString("CustomerId"),
        e.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetString("State"),
        e.GetString("Channel"),
        e.GetString("Partner"),
        Enum.Parse<RelationshipStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("StatusAt") ?? DateTimeOffset.UnixEpoch,
        e.GetString("StatusDetail"));
}
