using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Channel codes in table <c>ChannelCodes</c> (PK tenant, RK the code, i.e. the QR's State) and their per-customer
/// tallies in <c>ChannelCodeTallies</c> (PK <c>{tenant}|{code}</c>, RK <c>{metric}|{customer id}</c>, inserted once). Rows
/// written before codes were created through WeCom (channel, partner, employee only) read as active single-member codes
/// without tags or welcome: the table is the same one, grown, not a second one.
/// </summary>
public sealed class TableChannelCodes(StorageClients clients) : IChannelCodes
{
    /// <summary>The table name.</summary>
    public const string TableName = "ChannelCodes";

    /// <summary>The tallies' table name.</summary>
    public const string TalliesTableName = "ChannelCodeTallies";

    /// <inheritdoc />
    public async Task<ChannelCode?> FindAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(code), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? Read(code, e) : null;
    }

    /// <inheritdoc />
    public async Task SaveAsync(string tenant, ChannelCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(Write(tenant, code), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryAddAsync(string tenant, ChannelCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(Write(tenant, code), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChannelCode> ListAsync(string tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(tenant);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Read(TableKeys.Unescape(e.RowKey), e);
        }
    }

    /// <inheritdoc />
    public async Task RecordAsync(string tenant, string code, string metric, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TalliesTableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = (TalliesPartition(tenant, code), metric + "|" + customerId);
        // The reference first, so erasure finds the row (PIPL) even if we crash between the two.
        await CustomerRefs.AddAsync(clients, tenant, [(customerId, CustomerRefs.ChannelCodeTally, pk, rk)], cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(pk, rk) { ["At"] = at }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Counted before: an event processed again.
        }
    }

    /// <inheritdoc />
    public async Task<ChannelCodeStats> StatsAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TalliesTableName, cancellationToken).ConfigureAwait(false);
        var pk = TalliesPartition(tenant, code);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        // One partition per code, keys only: a code's rows are its customers, read as a single-partition range.
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var metric = e.RowKey[..e.RowKey.IndexOf('|', StringComparison.Ordinal)];
            counts[metric] = counts.GetValueOrDefault(metric) + 1;
        }

        return new ChannelCodeStats(code, counts.GetValueOrDefault(ChannelCodeMetrics.Adds), counts.GetValueOrDefault(ChannelCodeMetrics.Deletions),
            counts.GetValueOrDefault(ChannelCodeMetrics.Conversions));
    }

    private static string TalliesPartition(string tenant, string code) => TableKeys.Escape(tenant) + "|" + TableKeys.Escape(code);

    private static ChannelCode Read(string code, TableEntity e)
    {
        var employee = e.GetString("EmployeeUserId");
        var members = Strings(e.GetString("Members"));
        return new ChannelCode(code, e.GetString("Channel") ?? "", e.GetString("Partner"), e.GetString("PartnerKind"), employee)
        {
            Name = e.GetString("Name"),
            Members = members.Count > 0 ? members : employee is null ? [] : [employee],
            Tags = Strings(e.GetString("Tags")),
            WelcomeTemplateId = e.GetString("WelcomeTemplateId"),
            ConfigId = e.GetString("ConfigId"),
            QrCode = e.GetString("QrCode"),
            Status = Enum.TryParse<ChannelCodeStatus>(e.GetString("Status"), out var s) ? s : ChannelCodeStatus.Active,
            CreatedAt = e.GetDateTimeOffset("CreatedAt"),
            CreatedBy = e.GetString("CreatedBy"),
        };
    }

    private static TableEntity Write(string tenant, ChannelCode code) => new(TableKeys.Escape(tenant), TableKeys.Escape(code.Code))
    {
        ["Channel"] = code.Channel,
        ["Partner"] = code.Partner,
        ["PartnerKind"] = code.PartnerKind,
        ["EmployeeUserId"] = code.EmployeeUserId,
        ["Name"] = code.Name,
        ["Members"] = JsonSerializer.Serialize(code.Members),
        ["Tags"] = JsonSerializer.Serialize(code.Tags),
        ["WelcomeTemplateId"] = code.WelcomeTemplateId,
        ["ConfigId"] = code.ConfigId,
        ["QrCode"] = code.QrCode,
        ["Status"] = code.Status.ToString(),
        ["CreatedAt"] = code.CreatedAt,
        ["CreatedBy"] = code.CreatedBy,
    };

    private static List<string> Strings(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
