using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Group codes in table <c>GroupCodes</c> (PK tenant, RK the code, i.e. the join way's state) and the customers who joined
/// through them in <c>GroupCodeJoins</c> (PK <c>{tenant}|{code}</c>, RK <c>{chat id}|{customer id}</c>, inserted once, with a
/// customer reference first so erasure finds it).
/// </summary>
public sealed class TableGroupCodes(StorageClients clients) : IGroupCodes
{
    /// <summary>The codes' table.</summary>
    public const string TableName = "GroupCodes";

    /// <summary>The joins' table.</summary>
    public const string JoinsTableName = "GroupCodeJoins";

    /// <inheritdoc />
    public async Task<GroupCode?> FindAsync(string tenant, string code, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(code), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? Read(code, e) : null;
    }

    /// <inheritdoc />
    public async Task<bool> TryAddAsync(string tenant, GroupCode code, CancellationToken cancellationToken)
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
    public async Task SaveAsync(string tenant, GroupCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(Write(tenant, code), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GroupCode> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(tenant);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Read(TableKeys.Unescape(e.RowKey), e);
        }
    }

    /// <inheritdoc />
    public async Task RecordJoinAsync(string tenant, string code, GroupCodeJoin join, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(join);
        var table = await clients.TableAsync(JoinsTableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = (JoinsPartition(tenant, code), TableKeys.Escape(join.ChatId) + "|" + TableKeys.Escape(join.CustomerId));
        await CustomerRefs.AddAsync(clients, tenant, [(join.CustomerId, CustomerRefs.GroupCodeJoin, pk, rk)], cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(pk, rk) { ["ChatId"] = join.ChatId, ["CustomerId"] = join.CustomerId, ["At"] = join.At }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Counted before: the event processed again.
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GroupCodeJoin> JoinsAsync(string tenant, string code, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(JoinsTableName, cancellationToken).ConfigureAwait(false);
        var pk = JoinsPartition(tenant, code);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new GroupCodeJoin(e.GetString("ChatId"), e.GetString("CustomerId"), e.GetDateTimeOffset("At") ?? e.Timestamp ?? DateTimeOffset.MinValue);
        }
    }

    private static string JoinsPartition(string tenant, string code) => TableKeys.Escape(tenant) + "|" + TableKeys.Escape(code);

    private static GroupCode Read(string code, TableEntity e) => new(code)
    {
        Name = e.GetString("Name"),
        ChatIds = Strings(e.GetString("ChatIds")),
        AutoCreateRoom = e.GetBoolean("AutoCreateRoom") ?? true,
        RoomBaseName = e.GetString("RoomBaseName"),
        RoomBaseId = e.GetInt32("RoomBaseId"),
        WelcomeTemplateId = e.GetString("WelcomeTemplateId"),
        WelcomeTemplateVersion = e.GetInt32("WelcomeTemplateVersion"),
        WeComWelcomeTemplateId = e.GetString("WeComWelcomeTemplateId"),
        ConfigId = e.GetString("ConfigId"),
        QrCode = e.GetString("QrCode"),
        Status = Enum.TryParse<ChannelCodeStatus>(e.GetString("Status"), out var s) ? s : ChannelCodeStatus.Active,
        CreatedAt = e.GetDateTimeOffset("CreatedAt"),
        CreatedBy = e.GetString("CreatedBy"),
    };

    private static TableEntity Write(string tenant, GroupCode code) => new(TableKeys.Escape(tenant), TableKeys.Escape(code.Code))
    {
        ["Name"] = code.Name,
        ["ChatIds"] = JsonSerializer.Serialize(code.ChatIds),
        ["AutoCreateRoom"] = code.AutoCreateRoom,
        ["RoomBaseName"] = code.RoomBaseName,
        ["RoomBaseId"] = code.RoomBaseId,
        ["WelcomeTemplateId"] = code.WelcomeTemplateId,
        ["WelcomeTemplateVersion"] = code.WelcomeTemplateVersion,
        ["WeComWelcomeTemplateId"] = code.WeComWelcomeTemplateId,
        ["ConfigId"] = code.ConfigId,
        ["QrCode"] = code.QrCode,
        ["Status"] = code.Status.ToString(),
        ["CreatedAt"] = code.CreatedAt,
        ["CreatedBy"] = code.CreatedBy,
    };

    private static List<string> Strings(string? json) => string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
