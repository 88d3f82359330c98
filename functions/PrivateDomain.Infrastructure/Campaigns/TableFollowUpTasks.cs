using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Account managers' follow-up tasks in table <c>FollowUpTasks</c>: PK <c>{tenant}|{escaped manager userid}</c>, RK
/// <c>{escaped campaign id}|{customer id}</c>, inserted with Add, so a customer who engages twice with the same campaign
/// gives their manager one task. A manager's list is one partition; campaign ids sort by pay month within an employer.
/// <c>DoneAt</c>/<c>DoneVia</c> are set once, ETag-guarded, when the manager marks the task done.
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
            await table.AddEntityAsync(new TableEntity(Partition(task.Tenant, task.ManagerId), Row(task.CampaignId, task.CustomerId))
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
            list.Add(FromEntity(tenant, e));
        }

        return [.. list.OrderByDescending(t => t.CampaignId, StringComparer.Ordinal).ThenByDescending(t => t.At).Take(max)];
    }

    /// <inheritdoc />
    public async Task<FollowUpTask?> GetAsync(string tenant, string managerId, string campaignId, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, managerId), Row(campaignId, customerId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? FromEntity(tenant, e) : null;
    }

    /// <inheritdoc />
    public async Task<bool> MarkDoneAsync(
        string tenant, string managerId, string campaignId, string customerId, DateTimeOffset at, string via, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, managerId), Row(campaignId, customerId), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } e || e.GetDateTimeOffset("DoneAt") is not null)
            {
                return false;
            }

            e["DoneAt"] = at;
            e["DoneVia"] = via;
            try
            {
                await table.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException x) when (x.Status == 412)
            {
                // Someone else changed it (perhaps closed it): read again.
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ManagersAsync(string tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (from, to) = ($"{tenant}|", $"{tenant}}}");
        string? last = null;
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0,
            select: ["PartitionKey", "ManagerId"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.PartitionKey != last)
            {
                last = e.PartitionKey;
                yield return e.GetString("ManagerId");
            }
        }
    }

    private static string Row(string campaignId, string customerId) => $"{TableKeys.Escape(campaignId)}|{TableKeys.Escape(customerId)}";

    private static FollowUpTask FromEntity(string tenant, TableEntity e) =>
        new(tenant, e.GetString("ManagerId"), e.GetString("CustomerId"), e.GetString("CampaignId"), e.GetString("Activity"), e.GetDateTimeOffset("At") ?? default)
        {
            DoneAt = e.GetDateTimeOffset("DoneAt"),
            DoneVia = e.GetString("DoneVia"),
        };

    internal static string Partition(string tenant, string managerId) => $"{tenant}|{TableKeys.Escape(managerId)}";
}
