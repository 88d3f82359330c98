using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>Progress of a bulk import.</summary>
/// <param name="Customers">Customers written so far.</param>
/// <param name="Rows">Table rows written so far (profiles and index rows).</param>
/// <param name="Elapsed">Time since the import started.</param>
public sealed record BulkImportProgress(long Customers, long Rows, TimeSpan Elapsed);

/// <summary>
/// The initial load: writes profiles and their index rows with entity-group transactions (up to 100 rows of one
/// partition per call), several calls in flight. It upserts, so re-running an import is harmless, but it replaces
/// profiles wholesale — use it on an empty pool; day-to-day changes go through <c>CrmIntake</c>, which honours versions.
/// </summary>
public sealed class CustomerBulkImport(StorageClients clients)
{
    /// <summary>Customers buffered before their rows are grouped by partition and written.</summary>
    public int BufferSize { get; init; } = 50_000;

    /// <summary>Transactions in flight at once.</summary>
    public int Parallelism { get; init; } = 16;

    /// <summary>Imports the customers, reporting progress after each buffer.</summary>
    public async Task<BulkImportProgress> ImportAsync(
        IAsyncEnumerable<Customer> customers, IProgress<BulkImportProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var profiles = await clients.TableAsync(TableCustomerStore.CustomersTable, cancellationToken).ConfigureAwait(false);
        var index = await clients.TableAsync(TableCustomerStore.IndexTable, cancellationToken).ConfigureAwait(false);
        var relationships = await clients.TableAsync(TableRelationshipStore.TableName, cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        long written = 0, rows = 0;
        var buffer = new List<Customer>(BufferSize);
        await foreach (var c in customers.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            buffer.Add(c);
            if (buffer.Count == BufferSize)
            {
                rows += await FlushAsync(profiles, index, relationships, buffer, cancellationToken).ConfigureAwait(false);
                written += buffer.Count;
                buffer.Clear();
                progress?.Report(new BulkImportProgress(written, rows, clock.Elapsed));
            }
        }

        rows += await FlushAsync(profiles, index, relationships, buffer, cancellationToken).ConfigureAwait(false);
        written += buffer.Count;
        var done = new BulkImportProgress(written, rows, clock.Elapsed);
        progress?.Report(done);
        return done;
    }

    /// <summary>Every row an import of these customers writes, by table (for the benchmark's raw baseline).</summary>
    public static IEnumerable<(string Table, TableEntity Row)> RowsOf(IEnumerable<Customer> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        foreach (var c in customers)
        {
            yield return (TableCustomerStore.CustomersTable, TableCustomerStore.ToEntity(c));
            // The payroll employer beside the customer's active-manager row (merged: a manager already there stays).
            yield return (TableRelationshipStore.TableName, TableRelationshipStore.PayrollEmployerRow(c.Tenant, c.Id, c.Payroll?.EmployerId, known: true));
            foreach (var row in TableCustomerStore.IndexRows(c, IdentityKinds.Of(c), TableCustomerStore.TagNames(c)))
            {
                if (c.Payroll is { } payroll && row.PartitionKey == TableCustomerStore.TagPartition(c.Tenant, TableCustomerStore.PayrollTag(payroll.EmployerId), c.Id))
                {
                    // The payroll cohort row is replaced not confirmed and not knowing the manager: confirmed once the
                    // profiles are written (ConfirmPayrollRowsAsync), the manager merged by the next relationship write.
                    row[PayrollCohortRow.EmployerConfirmed] = false;
                    row[PayrollCohortRow.ManagerKnown] = false;
                    row[PayrollCohortRow.ActiveManager] = "";
                    row[PayrollCohortRow.AddedBy] = "";
                }

                yield return (TableCustomerStore.IndexTable, row);
            }
        }
    }

    /// <summary>Writes rows grouped into single-partition transactions of at most 100, with bounded parallelism. Returns the row count.</summary>
    public static async Task<long> WriteBatchesAsync(IEnumerable<(TableClient Table, TableEntity Row)> rows, int parallelism, CancellationToken cancellationToken)
    {
        var batches = rows
            .GroupBy(r => (r.Table.Name, r.Row.PartitionKey))
            .SelectMany(g => g.DistinctBy(r => r.Row.RowKey, StringComparer.Ordinal).Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (batch, ct) => await SubmitWithRetriesAsync(batch[0].Table,
                batch.Select(r => new TableTransactionAction(
                    r.Table.Name == TableRelationshipStore.TableName ? TableTransactionActionType.UpsertMerge : TableTransactionActionType.UpsertReplace, r.Row)).ToList(), ct)
                .ConfigureAwait(false))
            .ConfigureAwait(false);
        return batches.Sum(b => (long)b.Length);
    }

    /// <summary>
    /// A batch of upserts is idempotent, so a batch that times out or fails transiently is sent again (the storage
    /// clients' short timeouts suit the callback path; a long import must ride out a slow or busy table service).
    /// </summary>
    private static async Task SubmitWithRetriesAsync(TableClient table, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (attempt < MaxBatchAttempts && !cancellationToken.IsCancellationRequested
                                      && e is RequestFailedException { Status: 0 or 408 or 429 or >= 500 } or AggregateException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private const int MaxBatchAttempts = 6;

    private async Task<long> FlushAsync(TableClient profiles, TableClient index, TableClient relationships, List<Customer> buffer, CancellationToken ct)
    {
        // A customer imported with a tag that refuses delivery (opted out, deleted us) may already be in a manager's book
        // (a re-import): the tag goes beside their relationship rows before the profile, as a profile write does.
        await Parallel.ForEachAsync(buffer.Where(c => DeliveryPolicy.PolicyTags(c).Count > 0), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (c, t) => await TableRelationshipStore.SetPolicyTagsAsync(clients, c.Tenant, c.Id, TableCustomerStore.PolicyTagsColumn(DeliveryPolicy.PolicyTags(c)), t)
                .ConfigureAwait(false)).ConfigureAwait(false);
        // A re-import that moves a customer to another employer: the old employer's cohort row stops vouching before the
        // profile is replaced, and goes after it, as a profile write does.
        var leaving = await LeavingPayrollRowsAsync(profiles, buffer, ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(leaving, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (l, t) =>
            await PayrollCohortRow.MarkLeavingAsync(index, l.Tenant, l.EmployerId, l.CustomerId, t).ConfigureAwait(false)).ConfigureAwait(false);
        var rows = await WriteBatchesAsync(RowsOf(buffer).Select(r => (
                r.Table == TableCustomerStore.CustomersTable ? profiles : r.Table == TableRelationshipStore.TableName ? relationships : index, r.Row)), Parallelism, ct)
            .ConfigureAwait(false);
        await ConfirmPayrollRowsAsync(index, buffer, ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(leaving, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (l, t) =>
            await TableWrites.DeleteIfExistsAsync(index, TableCustomerStore.TagPartition(l.Tenant, TableCustomerStore.PayrollTag(l.EmployerId), l.CustomerId), l.CustomerId, t)
                .ConfigureAwait(false)).ConfigureAwait(false);
        return rows;
    }

    // The stored profiles among the buffer's customers whose payroll enrolment names another employer than the import
    // does: one range query per profile partition the buffer touches (empty on the initial load), only the Payroll column.
    private async Task<List<(string Tenant, string EmployerId, string CustomerId)>> LeavingPayrollRowsAsync(TableClient profiles, List<Customer> buffer, CancellationToken ct)
    {
        var leaving = new System.Collections.Concurrent.ConcurrentBag<(string, string, string)>();
        var partitions = buffer.GroupBy(c => TableCustomerStore.ProfilePartition(c.Tenant, c.Id), StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (partition, t) =>
        {
            var imported = partition.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Payroll?.EmployerId, StringComparer.Ordinal);
            var (from, to) = (imported.Keys.Min(StringComparer.Ordinal)!, imported.Keys.Max(StringComparer.Ordinal)!);
            var pk = partition.Key;
            await foreach (var stored in profiles.QueryAsync<TableEntity>(e => e.PartitionKey == pk && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) <= 0,
                               select: ["RowKey", "Payroll"], cancellationToken: t).ConfigureAwait(false))
            {
                if (imported.TryGetValue(stored.RowKey, out var employer) && TableCustomerStore.PayrollEmployerOf(stored) is { } old && old != employer)
                {
                    leaving.Add((partition.First().Tenant, old, stored.RowKey));
                }
            }
        }).ConfigureAwait(false);
        return [.. leaving];
    }

    // Only once every profile of the buffer is written are their payroll cohort rows confirmed (a crash before leaves
    // them not confirmed: enrolment reads the profile), in one transaction per index partition. The merges are
    // update-only: a row erased meanwhile fails its transaction, which is then done row by row, leaving it missing.
    private async Task ConfirmPayrollRowsAsync(TableClient index, List<Customer> buffer, CancellationToken ct)
    {
        var batches = buffer.Where(c => c.Payroll is not null)
            .Select(c => new TableEntity(TableCustomerStore.TagPartition(c.Tenant, TableCustomerStore.PayrollTag(c.Payroll!.EmployerId), c.Id), c.Id)
            {
                [PayrollCohortRow.EmployerConfirmed] = true,
            })
            .GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.DistinctBy(r => r.RowKey, StringComparer.Ordinal).Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (batch, t) =>
        {
            try
            {
                await SubmitWithRetriesAsync(index, [.. batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge, r))], t).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                foreach (var row in batch)
                {
                    try
                    {
                        await index.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, t).ConfigureAwait(false);
                    }
                    catch (RequestFailedException gone) when (gone.Status == 404)
                    {
                    }
                }
            }
        }).ConfigureAwait(false);
    }
}
