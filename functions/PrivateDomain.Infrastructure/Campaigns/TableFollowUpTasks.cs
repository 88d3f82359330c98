using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Account managers' follow-up tasks in table <c>FollowUpTasks</c>: PK <c>{tenant}|{escaped manager userid}</c>, RK
/// <c>{escaped campaign id}|{customer id}</c>, inserted with Add, so a customer who engages twice with the same campaign
/// gives their manager one task. A manager's list is one partition; campaign ids sort by pay month within an employer.
/// </summary>
public sealed class TableFollowUpTasks(StorageClients clients) : IFollowUpTasks
{
    /// <summary>The table name.</summary>
    public const string TableName = "FollowUpTasks";

    /// <inheritdoc />
    public async Task<bool> AddIfAbsentAsync(FollowUpTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition(task.Tenant, task.ManagerId), $"{TableKeys.Escape(task.CampaignId)}|{TableKeys.Escape(task.CustomerId)}")
            {
                ["ManagerId"] = task.ManagerId,
                ["CustomerId"] = task.CustomerId,
                ["CampaignId"] = task.CampaignId,
                ["Activity"] = task.Activity,
                ["At"] = task.At,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FollowUpTask>> ListAsync(string tenant, string managerId, int max, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, managerId);
        var list = new List<FollowUpTask>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(new FollowUpTask(tenant, e.GetString("ManagerId"), e.GetString("CustomerId"), e.GetString("CampaignId"), e.GetString("Activity"),
                e.GetDateTimeOffset("At") ?? default));
        }

        return [.. list.OrderByDescending(t => t.CampaignId, StringComparer.Ordinal).ThenByDescending(t => t.At).Take(max)];
    }

    internal static string Partition(string tenant, string managerId) => $"{tenant}|{TableKeys.Escape(managerId)}";
}
