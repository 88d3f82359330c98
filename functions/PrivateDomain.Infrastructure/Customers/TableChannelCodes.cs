using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>Channel codes in table <c>ChannelCodes</c>: PK tenant, RK the code (the QR's State).</summary>
public sealed class TableChannelCodes(StorageClients clients) : IChannelCodes
{
    /// <summary>The table name.</summary>
    public const string TableName = "ChannelCodes";

    /// <inheritdoc />
    public async Task<ChannelCode?> FindAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(code), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e
            ? new ChannelCode(code, e.GetString("Channel"), e.GetString("Partner"), e.GetString("PartnerKind"), e.GetString("EmployeeUserId"))
            : null;
    }

    /// <inheritdoc />
    public async Task SaveAsync(string tenant, ChannelCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(tenant), TableKeys.Escape(code.Code))
        {
            ["Channel"] = code.Channel,
            ["Partner"] = code.Partner,
            ["PartnerKind"] = code.PartnerKind,
            ["EmployeeUserId"] = code.EmployeeUserId,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
