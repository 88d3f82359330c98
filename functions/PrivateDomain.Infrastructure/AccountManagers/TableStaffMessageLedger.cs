using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// The staff message ledger in table <c>StaffMessages</c>: PK <c>{tenant}|{escaped manager userid}</c>, RK the message
/// key (also the card's task_id). A manager's messages are one partition, so the daily cap counts one small query.
/// </summary>
public sealed class TableStaffMessageLedger(StorageClients clients) : IStaffMessageLedger
{
    /// <summary>The table name.</summary>
    public const string TableName = "StaffMessages";

    /// <inheritdoc />
    public async Task<(StaffMessageRow Row, string ETag)?> GetAsync(string tenant, string managerId, string key, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, managerId), TableKeys.Escape(key), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? (FromEntity(tenant, e), e.ETag.ToString()) : null;
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteAsync(StaffMessageRow row, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition(row.Tenant, row.ManagerId), TableKeys.Escape(row.Key))
        {
            ["ManagerId"] = row.ManagerId,
            ["Kind"] = row.Kind.ToString(),
            ["Status"] = row.Status.ToString(),
            ["At"] = row.At,
            ["LocalDay"] = row.LocalDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["CustomerId"] = row.CustomerId,
            ["CampaignId"] = row.CampaignId,
            ["MsgId"] = row.MsgId,
            ["ResponseCode"] = row.ResponseCode,
            ["Reason"] = row.Reason,
            ["ButtonPressedAt"] = row.ButtonPressedAt,
            ["CardUpdated"] = row.CardUpdated,
            ["Detail"] = row.Detail,
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
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<int> CountSentAsync(string tenant, string managerId, DateOnly localDay, CancellationToken cancellationToken)
    {
        var count = 0;
        var day = localDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, managerId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.GetString("LocalDay") == day,
            select: ["Status"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("Status") is nameof(StaffMessageStatus.Sent) or nameof(StaffMessageStatus.Claimed))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StaffMessageRow> ListAsync(string tenant, string managerId, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, managerId);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and At ge {since}"), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            yield return FromEntity(tenant, e);
        }
    }

    internal static string Partition(string tenant, string managerId) => $"{tenant}|{TableKeys.Escape(managerId)}";

    private static StaffMessageRow FromEntity(string tenant, TableEntity e) => new(
        tenant, e.GetString("ManagerId"), TableKeys.Unescape(e.RowKey),
        Enum.Parse<StaffMessageKind>(e.GetString("Kind")), Enum.Parse<StaffMessageStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("At") ?? default,
        DateOnly.ParseExact(e.GetString("LocalDay"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        e.GetString("CustomerId"), e.GetString("CampaignId"), e.GetString("MsgId"), e.GetString("ResponseCode"), e.GetString("Reason"),
        e.GetDateTimeOffset("ButtonPressedAt"), e.GetBoolean("CardUpdated") ?? false, e.GetString("Detail"));
}
