using System.Globalization;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// A payroll campaign's enrolment, sorted by account manager, in table <c>PayrollEnrolment</c>: PK
/// <c>{tenant}|{escaped campaign id}|{slice 0-f}</c>, RK <c>{escaped manager}|{escaped customer}</c> (escaped parts have
/// no <c>|</c>, so each manager's rows are one contiguous range), columns <c>ManagerId</c> and <c>CustomerId</c>. Rows
/// live only while the campaign enrols: each slice is cleared once its members are enrolled.
/// </summary>
public sealed class TablePayrollEnrolmentStaging(StorageClients clients) : IPayrollEnrolmentStaging
{
    /// <summary>The table name.</summary>
    public const string TableName = "PayrollEnrolment";

    private const int Parallelism = 8;

    /// <inheritdoc />
    public async Task StageAsync(string tenant, string campaignId, IReadOnlyCollection<StagedMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var transactions = members
            .GroupBy(m => IPayrollEnrolmentStaging.SliceOf(m.ManagerId))
            .SelectMany(slice => slice.DistinctBy(Row, StringComparer.Ordinal).Chunk(100).Select(chunk => chunk.Select(m => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new TableEntity(Partition(tenant, campaignId, slice.Key), Row(m)) { ["ManagerId"] = m.ManagerId, ["CustomerId"] = m.CustomerId }))));
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (actions, ct) => await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StagedPage> ReadAsync(string tenant, string campaignId, int slice, string? after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, campaignId, slice);
        var members = new List<StagedMember>(Math.Min(max, 1000));
        var query = after is null
            ? table.QueryAsync<TableEntity>(e => e.PartitionKey == pk, maxPerPage: Math.Min(1000, max), select: ["RowKey", "ManagerId", "CustomerId"],
                cancellationToken: cancellationToken)
            : table.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo(after) > 0, maxPerPage: Math.Min(1000, max),
                select: ["RowKey", "ManagerId", "CustomerId"], cancellationToken: cancellationToken);
        await foreach (var row in query.ConfigureAwait(false))
        {
            members.Add(new StagedMember(row.GetString("ManagerId"), row.GetString("CustomerId")));
            if (members.Count == max)
            {
                return new StagedPage(members, row.RowKey);
            }
        }

        return new StagedPage(members, null);
    }

    /// <inheritdoc />
    public async Task ClearAsync(string tenant, string campaignId, int slice, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, campaignId, slice);
        var keys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == pk, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(row.RowKey);
        }

        await Parallel.ForEachAsync(keys.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk))), ct)
                        .ConfigureAwait(false);
                }
                catch (TableTransactionFailedException e) when (e.Status == 404)
                {
                    // A row of the chunk went meanwhile (a repeated clear): delete the rest one by one.
                    foreach (var rk in chunk)
                    {
                        _ = await TableWrites.DeleteIfExistsAsync(table, pk, rk, ct).ConfigureAwait(false);
                    }
                }
            }).ConfigureAwait(false);
    }

    private static string Row(StagedMember member) => $"{TableKeys.Escape(member.ManagerId)}|{TableKeys.Escape(member.CustomerId)}";

    private static string Partition(string tenant, string campaignId, int slice)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slice);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slice, IPayrollEnrolmentStaging.Slices);
        return string.Create(CultureInfo.InvariantCulture, $"{tenant}|{TableKeys.Escape(campaignId)}|{slice:x}");
    }
}
