using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Relationships in table <c>Relationships</c>: the row of record is under the employee
/// (PK <c>{tenant}|emp|{userid}</c>, RK external_userid), which serves hand-over and opportunity lists; a key row
/// under the customer (PK <c>{tenant}|cust|{bucket}</c>, RK <c>{customerId}|{userid}|{external_userid}</c>, with the
/// relationship's status) serves "this customer's account managers", and beside them the customer's active-manager row
/// (RK <c>{customerId}</c>) serves enrolment with one point read. Relationships are never deleted (status changes), so
/// the key row cannot go stale; status and active manager are written after the row of record, each write repairing them.
/// </summary>
public sealed class TableRelationshipStore(StorageClients clients) : IRelationshipStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "Relationships";

    /// <summary>The column beside each row of record holding the customer's policy tags as a JSON array (empty or
    /// missing: not known, read the profile).</summary>
    public const string PolicyTagsColumn = "PolicyTags";

    /// <inheritdoc />
    public async Task<Stored<Relationship>?> GetAsync(string tenant, string userId, string externalUserId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(EmployeePartition(tenant, userId), TableKeys.Escape(externalUserId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? new Stored<Relationship>(FromEntity(tenant, e), e.ETag.ToString()) : null;
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteAsync(Relationship relationship, string? etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var r = relationship;
        var (keyPk, keyRk) = CustomerKey(r);
        if (etag is null)
        {
            // The key row first (merged: an existing one keeps its status), so the relationship is always findable.
            await table.UpsertEntityAsync(new TableEntity(keyPk, keyRk), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }

        // The customer's policy tags beside the row (the manager's book), read from the profile before the write and
        // again after it: a profile write racing this one either lands before the second read or finds this row when it
        // brings the customer's rows up to date itself.
        var policyTags = await TableCustomerStore.PolicyTagsColumnAsync(clients, r.Tenant, r.CustomerId, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(EmployeePartition(r.Tenant, r.UserId), TableKeys.Escape(r.ExternalUserId))
        {
            [PolicyTagsColumn] = policyTags,
            ["UserId"] = r.UserId,
            ["ExternalUserId"] = r.ExternalUserId,
            ["CustomerId"] = r.CustomerId,
            ["AddedAt"] = r.AddedAt,
            ["State"] = r.State,
            ["Channel"] = r.Channel,
            ["Partner"] = r.Partner,
            ["Status"] = r.Status.ToString(),
            ["StatusAt"] = r.StatusAt,
            ["StatusDetail"] = r.StatusDetail,
        };
        try
        {
            if (etag is null)
            {
                await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            // Then the status on the key row, and the customer's active manager worked out again from the key rows. A crash
            // in between leaves them older than the row (repaired by the event's retry); what is sent is decided on the row
            // itself, in the manager's book.
            await table.UpsertEntityAsync(new TableEntity(keyPk, keyRk) { ["Status"] = r.Status.ToString(), ["StatusAt"] = r.StatusAt },
                TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            await RefreshActiveManagerAsync(table, r, cancellationToken).ConfigureAwait(false);
            var policyTagsAfter = await TableCustomerStore.PolicyTagsColumnAsync(clients, r.Tenant, r.CustomerId, cancellationToken).ConfigureAwait(false);
            if (policyTagsAfter != policyTags)
            {
                await MergePolicyTagsAsync(table, entity.PartitionKey, entity.RowKey, policyTagsAfter, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Relationship> ListByEmployeeAsync(string tenant, string userId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = EmployeePartition(tenant, userId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(tenant, e);
        }
    }

    /// <inheritdoc />
    /// <remarks>One partition query (a page per 1,000 rows), policy tags included.</remarks>
    public async IAsyncEnumerable<BookEntry> ListBookAsync(string tenant, string userId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = EmployeePartition(tenant, userId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new BookEntry(FromEntity(tenant, e), e.GetString(PolicyTagsColumn) is { Length: > 0 } tags ? JsonSerializer.Deserialize<string[]>(tags) : null);
        }
    }

    /// <summary>
    /// Writes the customer's policy tags (a <see cref="PolicyTagsColumn"/> value) beside each of their relationship rows:
    /// the customer's key rows are read (one range query) and each row of record merged; a key row whose row of record
    /// is not written yet is skipped (its writer reads the profile after writing it).
    /// </summary>
    internal static async Task SetPolicyTagsAsync(StorageClients clients, string tenant, string customerId, string? policyTags, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = CustomerPartition(tenant, customerId);
        var (from, to) = (customerId + "|", customerId + "}");
        await foreach (var key in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var parts = key.RowKey.Split('|');
            await MergePolicyTagsAsync(table, EmployeePartition(tenant, TableKeys.Unescape(parts[1])), parts[2], policyTags, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task MergePolicyTagsAsync(TableClient table, string pk, string rk, string? policyTags, CancellationToken cancellationToken)
    {
        try
        {
            // Null is written as "not known" (an empty string), never left out: a merge without the property keeps the old value.
            await table.UpdateEntityAsync(new TableEntity(pk, rk) { [PolicyTagsColumn] = policyTags ?? "" }, ETag.All, TableUpdateMode.Merge, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The row of record is not written yet (or was erased): its writer reads the profile after writing it.
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Relationship> ListByCustomerAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = CustomerPartition(tenant, customerId);
        var from = customerId + "|";
        var to = customerId + "}";
        await foreach (var key in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var parts = key.RowKey.Split('|');
            var r = await GetAsync(tenant, TableKeys.Unescape(parts[1]), TableKeys.Unescape(parts[2]), cancellationToken).ConfigureAwait(false);
            if (r is not null)
            {
                yield return r.Value;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A point read of the customer's active-manager row (<c>{tenant}|cust|{bucket}</c>, RK the customer id),
    /// which every relationship write keeps; without one (a customer whose relationships were written before it existed)
    /// the customer's key rows are read.</remarks>
    public async Task<string?> ActiveManagerAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(CustomerPartition(tenant, customerId), customerId, ["UserId"], cancellationToken).ConfigureAwait(false);
        if (row.HasValue && row.Value?.GetString("UserId") is { } userId)
        {
            return userId.Length > 0 ? userId : null;
        }

        return (await WorkOutActiveManagerAsync(table, tenant, customerId, cancellationToken).ConfigureAwait(false))?.UserId;
    }

    /// <inheritdoc />
    /// <remarks>One point read of the active-manager row, which also carries the customer's payroll employer
    /// (<see cref="SetPayrollEmployerAsync"/>); the key rows only for a row that has no manager worked out yet.</remarks>
    public async Task<EnrolmentFacts> EnrolmentFactsAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var read = await table.GetEntityIfExistsAsync<TableEntity>(CustomerPartition(tenant, customerId), customerId, ["UserId", "Employer", "EmployerKnown"], cancellationToken)
            .ConfigureAwait(false);
        var row = read.HasValue ? read.Value : null;
        var manager = row?.GetString("UserId") is { } userId
            ? userId.Length > 0 ? userId : null
            : (await WorkOutActiveManagerAsync(table, tenant, customerId, cancellationToken).ConfigureAwait(false))?.UserId;
        return row?.GetBoolean("EmployerKnown") == true
            ? new EnrolmentFacts(manager, row.GetString("Employer") is { Length: > 0 } employer ? employer : null, true)
            : new EnrolmentFacts(manager, null, false);
    }

    /// <summary>The active-manager row's manager as the relationship writes keep it (empty: none); null when there is no
    /// row or it has no manager worked out yet (a row the profile writer created holds only the employer).</summary>
    internal static async Task<string?> ActiveManagerColumnAsync(StorageClients clients, string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(CustomerPartition(tenant, customerId), customerId, ["UserId"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value?.GetString("UserId") : null;
    }

    /// <summary>
    /// Writes the employer a customer's payroll enrolment names (null: none) on their active-manager row, or marks it
    /// not known (<paramref name="known"/> false). The profile writer marks it not known before a change of employer and
    /// writes it after, so a crash in between sends enrolment to the profile, never to a stale employer.
    /// </summary>
    internal static async Task SetPayrollEmployerAsync(StorageClients clients, string tenant, string customerId, string? employer, bool known, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = PayrollEmployerRow(tenant, customerId, employer, known);
        if (known)
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            // No row is as good as "not known", and creating one here could recreate a row an erasure just removed.
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The merge that <see cref="SetPayrollEmployerAsync"/> writes (the bulk importer puts it in its transactions).</summary>
    internal static TableEntity PayrollEmployerRow(string tenant, string customerId, string? employer, bool known) =>
        new(CustomerPartition(tenant, customerId), customerId) { ["Employer"] = known ? employer ?? "" : "", ["EmployerKnown"] = known };

    // The most recently active relationship among the customer's key rows (their status; the row itself for a key row
    // written before key rows kept it).
    private async Task<(string UserId, DateTimeOffset At)?> WorkOutActiveManagerAsync(TableClient table, string tenant, string customerId, CancellationToken cancellationToken)
    {
        var from = customerId + "|";
        var to = customerId + "}";
        var pk = CustomerPartition(tenant, customerId);
        (string UserId, DateTimeOffset At)? best = null;
        await foreach (var key in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey", "Status", "StatusAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var parts = key.RowKey.Split('|');
            var (userId, externalUserId) = (TableKeys.Unescape(parts[1]), TableKeys.Unescape(parts[2]));
            var (status, at) = key.GetString("Status") is { } known && key.GetDateTimeOffset("StatusAt") is { } knownAt
                ? (Enum.Parse<RelationshipStatus>(known), knownAt)
                : (await GetAsync(tenant, userId, externalUserId, cancellationToken).ConfigureAwait(false))?.Value is { } relationship
                    ? (relationship.Status, relationship.StatusAt)
                    : (RelationshipStatus.DeletedByEmployee, DateTimeOffset.MinValue);
            if (status == RelationshipStatus.Active && (best is null || at > best.Value.At))
            {
                best = (userId, at);
            }
        }

        return best;
    }

    // Keeps the active-manager row after relationship r was written, with the row's ETag (two writers racing each redo
    // it until one stores what it read after the other's status landed). An active relationship at least as recent as
    // the row's takes it over without reading anything else; the active manager's relationship ending (or a row missing
    // while r is not active) works it out from the key rows.
    private async Task RefreshActiveManagerAsync(TableClient table, Relationship r, CancellationToken cancellationToken)
    {
        var pk = CustomerPartition(r.Tenant, r.CustomerId);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<TableEntity>(pk, r.CustomerId, ["UserId", "StatusAt", "Employer", "EmployerKnown"], cancellationToken)
                .ConfigureAwait(false);
            var row = current.HasValue ? current.Value : null;
            var workedOut = row?.GetString("UserId") is not null; // a row the profile writer created holds only the employer
            var (userId, at) = (row?.GetString("UserId") ?? "", row?.GetDateTimeOffset("StatusAt") ?? DateTimeOffset.MinValue);
            (string UserId, DateTimeOffset At)? next;
            if (r.Status == RelationshipStatus.Active && (userId.Length == 0 || r.StatusAt >= at || userId == r.UserId))
            {
                next = (r.UserId, r.StatusAt);
            }
            else if (!workedOut || (r.Status != RelationshipStatus.Active && userId == r.UserId))
            {
                next = await WorkOutActiveManagerAsync(table, r.Tenant, r.CustomerId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return; // another manager stays the active one
            }

            var entity = new TableEntity(pk, r.CustomerId) { ["UserId"] = next?.UserId ?? "", ["StatusAt"] = next?.At };
            (bool Known, string? Id) employer;
            try
            {
                if (row is not null)
                {
                    // Merged: the employer beside it is the profile writer's. The ETag makes the employer read with the
                    // row current at this write: a profile writer changing it marks it not known first (a 412 here).
                    await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                    employer = row.GetBoolean("EmployerKnown") == true ? (true, row.GetString("Employer") is { Length: > 0 } id ? id : null) : (false, null);
                }
                else
                {
                    // A new row gets the employer from the profile; a profile write racing this one merges its own after
                    // its profile write (and before it, marking it unknown), which this Add then finds (409) and keeps.
                    employer = await TableCustomerStore.PayrollEmployerAsync(clients, r.Tenant, r.CustomerId, cancellationToken).ConfigureAwait(false);
                    if (employer is var (known, id))
                    {
                        entity["Employer"] = id ?? "";
                        entity["EmployerKnown"] = known;
                    }

                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                continue; // another relationship of the customer was written meanwhile: again
            }

            // The new active manager onto the employer's cohort index row, after the active-manager row (update-only: a
            // row an erasure or a change of employer removed stays removed), then re-read until stable
            // (PayrollCohortRow.MergeManagerAsync). The employer is the one beside the row as this write found it; not
            // known there (a profile write in flight, or a row from before the employer was kept), it is read from the
            // profile now — after our write, so a profile write that lands later re-reads the active-manager row after
            // its own profile write and sees our manager when it confirms its row.
            if (!employer.Known && row is not null)
            {
                employer = await TableCustomerStore.PayrollEmployerAsync(clients, r.Tenant, r.CustomerId, cancellationToken).ConfigureAwait(false);
            }

            if (employer is (true, { } employerId))
            {
                await PayrollCohortRow.MergeManagerAsync(clients, r.Tenant, employerId, r.CustomerId, next?.UserId ?? "", cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        throw new InvalidOperationException($"The active manager of customer {r.CustomerId} kept changing under us.");
    }

    /// <summary>The customer-side partition: key rows <c>{customer}|{user}|{external}</c> and the active-manager row <c>{customer}</c>.</summary>
    internal static string CustomerPartition(string tenant, string customerId) => $"{tenant}|cust|{CustomerIds.Bucket(customerId)}";

    /// <summary>The key of the customer-side key row.</summary>
    internal static (string PartitionKey, string RowKey) CustomerKey(Relationship r) =>
        (CustomerPartition(r.Tenant, r.CustomerId), $"{r.CustomerId}|{TableKeys.Escape(r.UserId)}|{TableKeys.Escape(r.ExternalUserId)}");

    internal static string EmployeePartition(string tenant, string userId) => $"{tenant}|emp|{TableKeys.Escape(userId)}";

    private static Relationship FromEntity(string tenant, TableEntity e) => new(
        tenant,
        e.GetString("UserId"),
        e.GetString("ExternalUserId"),
        e.GetString("CustomerId"),
        e.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetString("State"),
        e.GetString("Channel"),
        e.GetString("Partner"),
        Enum.Parse<RelationshipStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("StatusAt") ?? DateTimeOffset.UnixEpoch,
        e.GetString("StatusDetail"));
}
