using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Group chats in table <c>GroupChats</c>: PK <c>{tenant}|{chatId}</c>; RK <c>chat</c> holds the status, RK
/// <c>m|{member}</c> one member each. Every row carries the CreateTime of the event that set it and is only overwritten
/// by a newer one, so replays and out-of-order events converge.
/// </summary>
public sealed class TableGroupChatStore(StorageClients clients) : IGroupChatStore
{
    /// <summary>The group chat table.</summary>
    public const string TableName = "GroupChats";

    /// <inheritdoc />
    public async Task SetChatAsync(string tenant, string chatId, string status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await TableWrites.WriteIfNewerAsync(table, Partition(tenant, chatId), "chat", at, e => e["Status"] = status, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetMembersAsync(string tenant, string chatId, IReadOnlyList<string> members, bool joined, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        foreach (var member in members)
        {
            await TableWrites.WriteIfNewerAsync(table, Partition(tenant, chatId), "m|" + TableKeys.Escape(member), at, e =>
            {
                e["Member"] = member;
                e["Joined"] = joined;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> MembersAsync(string tenant, string chatId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, chatId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo("m|") >= 0 && x.RowKey.CompareTo("m}") < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetBoolean("Joined") == true)
            {
                yield return e.GetString("Member");
            }
        }
    }

    /// <inheritdoc />
    public async Task SetOwnerAsync(string tenant, string chatId, string owner, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        // A merge: the status row keeps its CreateTime guard; the owner is what WeCom answered last.
        await table.UpsertEntityAsync(new TableEntity(Partition(tenant, chatId), "chat") { ["Owner"] = owner }, TableUpdateMode.Merge, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> OwnersAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (from, to) = (tenant + "|", tenant + "}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // The tenant's chats are a partition-key range; only their status rows, only the owner.
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0 && x.RowKey == "chat",
                           select: ["Owner"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetString("Owner") is { Length: > 0 } owner && seen.Add(owner))
            {
                yield return owner;
            }
        }
    }

    internal static string Partition(string tenant, string chatId) => $"{tenant}|{TableKeys.Escape(chatId)}";
}
