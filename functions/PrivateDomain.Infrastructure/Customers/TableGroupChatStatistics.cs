using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>Daily group figures per owner in table <c>GroupChatStatistics</c>: PK <c>{tenant}|{yyyyMMdd}</c>, RK the owner,
/// so a day is one partition and a range of days a partition-key range.</summary>
public sealed class TableGroupChatStatistics(StorageClients clients) : IGroupChatStatistics
{
    /// <summary>The table name.</summary>
    public const string TableName = "GroupChatStatistics";

    /// <inheritdoc />
    public async Task SaveAsync(string tenant, GroupChatDailyStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(Partition(tenant, stats.Day), TableKeys.Escape(stats.Owner))
        {
            ["Owner"] = stats.Owner,
            ["NewChats"] = stats.NewChats,
            ["Chats"] = stats.Chats,
            ["ChatsWithMessages"] = stats.ChatsWithMessages,
            ["NewMembers"] = stats.NewMembers,
            ["Members"] = stats.Members,
            ["MembersWhoSpoke"] = stats.MembersWhoSpoke,
            ["Messages"] = stats.Messages,
            ["ReadAt"] = stats.ReadAt,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GroupChatDailyStats> ListAsync(string tenant, DateOnly first, DateOnly last, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (low, high) = (Partition(tenant, first), Partition(tenant, last));
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(low) >= 0 && x.PartitionKey.CompareTo(high) <= 0, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            var day = DateOnly.ParseExact(e.PartitionKey[(e.PartitionKey.LastIndexOf('|') + 1)..], "yyyyMMdd", CultureInfo.InvariantCulture);
            yield return new GroupChatDailyStats(day, e.GetString("Owner"), e.GetInt32("NewChats") ?? 0, e.GetInt32("Chats") ?? 0, e.GetInt32("ChatsWithMessages") ?? 0,
                e.GetInt32("NewMembers") ?? 0, e.GetInt32("Members") ?? 0, e.GetInt32("MembersWhoSpoke") ?? 0, e.GetInt32("Messages") ?? 0,
                e.GetDateTimeOffset("ReadAt") ?? DateTimeOffset.MinValue);
        }
    }

    private static string Partition(string tenant, DateOnly day) => TableKeys.Escape(tenant) + "|" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
