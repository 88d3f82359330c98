using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// The facts an employer's payroll cohort index row (<c>CustomerIndex</c>, PK <c>{tenant}|tag|payroll:{employer}|{hex}</c>,
/// RK the customer id) carries so that a campaign's enrolment decides the customer from the page it read, without a
/// point read: whether the profile was confirmed to name the employer, and the customer's active account manager.
/// </summary>
/// <remarks>
/// <para>Who writes what. Only the profile writer (<see cref="TableCustomerStore"/>, the bulk importer) ever sets
/// <see cref="EmployerConfirmed"/>, and only after its profile write landed; only its own row (the <see cref="AddedBy"/>
/// token it wrote when it added the row, checked under the row's ETag) — so a slow writer never confirms a row a later
/// change of employer has marked for removal (the remover clears the token and the confirmation before its own profile
/// write, and deletes the row after it). The manager is merged by whoever last changed the active-manager row or
/// confirmed the index row: each writer merges, then re-reads the active-manager row and merges again until what it
/// read is what it merged (<see cref="KeepManagerAsync"/>). Every merge here is update-only (never an upsert), so nothing
/// recreates a row an erasure or a change of employer deleted.</para>
/// <para>Why the manager cannot go stale. Let W be the last writer to merge a manager onto the row. W re-read the
/// active-manager row after its merge and found what it merged. A relationship write that changes the active-manager row
/// after that re-read writes it under the row's ETag, reading the employer beside it: if the employer there is this one
/// (or, not known there, the profile names it) it merges onto this row afterwards — contradicting W being last. If the
/// employer there is another, the profile no longer names this one: the row is unconfirmed or gone (see above). If the
/// employer is marked not known, a profile write is in flight: the relationship writer reads the profile, and either
/// reads the new employer (and merges onto its row) or read it before that profile write — whose writer re-reads the
/// active-manager row only after its profile write, so it sees the new manager and merges it when confirming.</para>
/// </remarks>
internal static class PayrollCohortRow
{
    /// <summary>The customer's active account manager (empty: none), when <see cref="ManagerKnown"/>.</summary>
    public const string ActiveManager = "ActiveManager";

    /// <summary>True when <see cref="ActiveManager"/> is kept by the relationship writes (missing or false: not known).</summary>
    public const string ManagerKnown = "ManagerKnown";

    /// <summary>True once the profile write that added the row landed (missing or false: read the profile).</summary>
    public const string EmployerConfirmed = "EmployerConfirmed";

    /// <summary>A token of the profile write that added the row; cleared by a write removing it.</summary>
    public const string AddedBy = "AddedBy";

    /// <summary>Re-reads of the active-manager row before a writer gives up and marks the manager not known.</summary>
    private const int Rounds = 5;

    /// <summary>The columns the cohort page selects.</summary>
    public static readonly string[] Columns = [ActiveManager, ManagerKnown, EmployerConfirmed];

    /// <summary>A payroll cohort row of the customer (<see cref="TableCustomerStore.PayrollTag"/>).</summary>
    public static TableEntity Row(string tenant, string employerId, string customerId) =>
        new(TableCustomerStore.TagPartition(tenant, TableCustomerStore.PayrollTag(employerId), customerId), customerId);

    /// <summary>The row a profile write adds before its profile write: not confirmed, with the writer's token. Merged,
    /// so a manager another writer merged stays (the confirmation merges it again).</summary>
    public static TableEntity Added(string tenant, string employerId, string customerId, string token)
    {
        var row = Row(tenant, employerId, customerId);
        row[EmployerConfirmed] = false;
        row[AddedBy] = token;
        return row;
    }

    /// <summary>
    /// Before a profile write that no longer names the employer: the row stops vouching (update-only; the row is deleted
    /// after the profile write, as every index row a change removes).
    /// </summary>
    public static async Task MarkLeavingAsync(TableClient index, string tenant, string employerId, string customerId, CancellationToken cancellationToken)
    {
        var row = Row(tenant, employerId, customerId);
        row[EmployerConfirmed] = false;
        row[AddedBy] = "";
        await UpdateIfExistsAsync(index, row, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After the profile write that added the row landed (and after the employer was written beside the active-manager
    /// row): confirms the row with the active manager read now, if the row is still the one this write added
    /// (<paramref name="token"/>, checked under the row's ETag: <paramref name="etag"/> is the add's), then keeps the
    /// manager (<see cref="KeepManagerAsync"/>).
    /// </summary>
    public static async Task ConfirmAsync(
        StorageClients clients, TableClient index, string tenant, string employerId, string customerId, string token, ETag etag, CancellationToken cancellationToken)
    {
        var manager = await TableRelationshipStore.ActiveManagerColumnAsync(clients, tenant, customerId, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = Row(tenant, employerId, customerId);
            row[EmployerConfirmed] = true;
            row[ActiveManager] = manager ?? "";
            row[ManagerKnown] = manager is not null;
            try
            {
                await index.UpdateEntityAsync(row, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return; // erased, or removed by a later change of employer
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone wrote the row since: a relationship writer's manager (confirm again), or a later profile write
                // removing or re-adding it (not ours to confirm any more: that writer decides).
                var now = await index.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, [AddedBy], cancellationToken).ConfigureAwait(false);
                if (!now.HasValue || now.Value is not { } current || current.GetString(AddedBy) != token)
                {
                    return;
                }

                etag = current.ETag;
            }
        }

        await KeepManagerAsync(clients, index, tenant, employerId, customerId, manager, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A relationship write changed the active-manager row to <paramref name="manager"/> (empty: none): merges it onto the
    /// row (update-only: a missing row is left missing), then keeps it (<see cref="KeepManagerAsync"/>).
    /// </summary>
    public static async Task MergeManagerAsync(StorageClients clients, string tenant, string employerId, string customerId, string manager, CancellationToken cancellationToken)
    {
        var index = await clients.TableAsync(TableCustomerStore.IndexTable, cancellationToken).ConfigureAwait(false);
        if (await UpdateIfExistsAsync(index, ManagerRow(tenant, employerId, customerId, manager), ETag.All, cancellationToken).ConfigureAwait(false))
        {
            await KeepManagerAsync(clients, index, tenant, employerId, customerId, manager, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Re-reads the active-manager row after <paramref name="merged"/> (null: not known) was merged onto the index row, and
    /// merges what it finds until the two agree (a racing relationship writer may have changed it before our merge landed and merged its
    /// own before ours). A row without a worked-out manager, or one that keeps changing, leaves the manager not known.
    /// </summary>
    private static async Task KeepManagerAsync(
        StorageClients clients, TableClient index, string tenant, string employerId, string customerId, string? merged, CancellationToken cancellationToken)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var now = await TableRelationshipStore.ActiveManagerColumnAsync(clients, tenant, customerId, cancellationToken).ConfigureAwait(false);
            if (now == merged)
            {
                return;
            }

            var row = now is null ? Unknown(tenant, employerId, customerId) : ManagerRow(tenant, employerId, customerId, now);
            if (!await UpdateIfExistsAsync(index, row, ETag.All, cancellationToken).ConfigureAwait(false) || now is null)
            {
                return;
            }

            merged = now;
        }

        _ = await UpdateIfExistsAsync(index, Unknown(tenant, employerId, customerId), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private static TableEntity ManagerRow(string tenant, string employerId, string customerId, string manager)
    {
        var row = Row(tenant, employerId, customerId);
        row[ActiveManager] = manager;
        row[ManagerKnown] = true;
        return row;
    }

    private static TableEntity Unknown(string tenant, string employerId, string customerId)
    {
        var row = Row(tenant, employerId, customerId);
        row[ActiveManager] = "";
        row[ManagerKnown] = false;
        return row;
    }

    private static async Task<bool> UpdateIfExistsAsync(TableClient index, TableEntity row, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await index.UpdateEntityAsync(row, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false; // erased, or removed by a change of employer: never recreated here
        }
    }
}
