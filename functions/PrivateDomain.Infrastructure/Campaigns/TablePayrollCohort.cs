using System.Globalization;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// An employer's payroll cohort read from the tag index in <c>CustomerIndex</c>: rows of the index "tag"
/// <c>payroll:{employer}</c>, 16 partitions (<c>{tenant}|tag|payroll:{employer}|{0-f}</c>) read in order, each by
/// RowKey (the customer id). The cursor is <c>{partition hex}|{last customer id}</c>, so a page resumes with a
/// single-partition range query. Each row brings what it knows of the customer (<see cref="PayrollCohortRow"/>), so a page
/// whose rows know it is the whole of enrolment's reading.
/// </summary>
public sealed class TablePayrollCohort(StorageClients clients) : IPayrollCohort
{
    /// <inheritdoc />
    public async Task<CohortPage> PageAsync(string tenant, string employerId, string? after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var index = await clients.TableAsync(TableCustomerStore.IndexTable, cancellationToken).ConfigureAwait(false);
        var (bucket, last) = Parse(after);
        var tag = TableKeys.Escape(TableCustomerStore.PayrollTag(employerId));
        var ids = new List<CohortEntry>(max);
        string[] select = ["RowKey", .. PayrollCohortRow.Columns];
        for (; bucket < TableCustomerStore.TagBuckets; bucket++, last = null)
        {
            var pk = $"{tenant}|tag|{tag}|{bucket:x}";
            var query = last is null
                ? index.QueryAsync<TableEntity>(e => e.PartitionKey == pk, maxPerPage: Math.Min(1000, max - ids.Count), select: select, cancellationToken: cancellationToken)
                : index.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo(last) > 0, maxPerPage: Math.Min(1000, max - ids.Count), select: select,
                    cancellationToken: cancellationToken);
            await foreach (var row in query.ConfigureAwait(false))
            {
                ids.Add(new CohortEntry(
                    row.RowKey,
                    row.GetBoolean(PayrollCohortRow.EmployerConfirmed) == true,
                    row.GetBoolean(PayrollCohortRow.ManagerKnown) == true,
                    row.GetString(PayrollCohortRow.ActiveManager) is { Length: > 0 } manager ? manager : null));
                if (ids.Count == max)
                {
                    return new CohortPage(ids, $"{bucket:x}|{row.RowKey}");
                }
            }
        }

        return new CohortPage(ids, null);
    }

    private static (int Bucket, string? Last) Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (0, null);
        }

        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        return bar == 1 && int.TryParse(cursor.AsSpan(0, 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b)
            ? (b, cursor[(bar + 1)..])
            : throw new FormatException($"\"{cursor}\" is not a payroll cohort cursor.");
    }
}
