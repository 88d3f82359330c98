using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Campaigns;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

namespace PrivateDomain.Customers;

/// <summary>
/// Event refs (table <c>CustomerEventRefs</c>: PK <c>{tenant}|{customerId}</c>, RK event key) and the deletes an
/// erasure needs across the tenant's tables, each found through a per-customer partition or reference (docs/STORAGE.md,
/// "Erasure"); erasure records go to <c>Erasures</c> (PK tenant, RK <c>{customerId}|{ticks}</c>), which hold no
/// personal data.
/// </summary>
public sealed class TableCustomerErasureStore(StorageClients clients) : ICustomerEventRefs, ICustomerErasureStore, IErasureTombstones
{
    /// <summary>Event refs.</summary>
    public const string RefsTable = "CustomerEventRefs";

    /// <summary>Erasure records.</summary>
    public const string ErasuresTable = "Erasures";

    /// <summary>Tombstones of erased contacts: PK <c>{tenant}|{bucket of the key}</c>, RK the key: SHA-256 of tenant and
    /// external_userid, so the tombstone does not keep the identifier it exists to forget (a lookup hashes the same way).</summary>
    public const string TombstonesTable = "ErasureTombstones";

    /// <inheritdoc />
    public async Task AddAsync(string tenant, string externalUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TombstonesTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TombstonePartition(tenant, externalUserId), TombstoneKey(tenant, externalUserId)) { ["ErasedAt"] = at },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> ErasedAtAsync(string tenant, string externalUserId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TombstonesTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TombstonePartition(tenant, externalUserId), TombstoneKey(tenant, externalUserId),
            ["ErasedAt"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value?.GetDateTimeOffset("ErasedAt") : null;
    }

    private static string TombstonePartition(string tenant, string externalUserId) => $"{tenant}|{TombstoneKey(tenant, externalUserId)[..3]}";

    private static string TombstoneKey(string tenant, string externalUserId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\n{externalUserId}")));

    /// <inheritdoc />
    public async Task AddAsync(string tenant, string customerId, CustomerEventRef eventRef, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventRef);
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(RefsPartition(tenant, customerId), eventRef.EventKey)
        {
            ["CreatedAt"] = eventRef.CreatedAt,
            ["ChatId"] = eventRef.ChatId,
            ["WelcomeCode"] = eventRef.WelcomeCode,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerEventRef> ListAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        var pk = RefsPartition(tenant, customerId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new CustomerEventRef(e.RowKey, e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch, e.GetString("ChatId"), e.GetString("WelcomeCode"));
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(RefsTable, cancellationToken).ConfigureAwait(false);
        await DeletePartitionAsync(table, RefsPartition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRawEventAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableCallbackEventStore.TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableCallbackEventStore.PartitionKey(tenant, createdAt, eventKey);
        var deleted = await TableWrites.DeleteIfExistsAsync(table, pk, "e|" + eventKey, cancellationToken).ConfigureAwait(false);
        await TableWrites.DeleteIfExistsAsync(table, pk, "p|" + eventKey, cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteChatMembershipAsync(string tenant, string chatId, IReadOnlyList<string> memberIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var table = await clients.TableAsync(TableGroupChatStore.TableName, cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var member in memberIds)
        {
            count += await TableWrites.DeleteIfExistsAsync(table, TableGroupChatStore.Partition(tenant, chatId), "m|" + TableKeys.Escape(member), cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return count;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteRelationshipAsync(string tenant, Relationship relationship, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        var table = await clients.TableAsync(TableRelationshipStore.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = await TableWrites.DeleteIfExistsAsync(table, TableRelationshipStore.EmployeePartition(tenant, relationship.UserId),
            TableKeys.Escape(relationship.ExternalUserId), cancellationToken).ConfigureAwait(false);
        var (pk, rk) = TableRelationshipStore.CustomerKey(relationship);
        await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false);
        await TableWrites.DeleteIfExistsAsync(table, pk, relationship.CustomerId, cancellationToken).ConfigureAwait(false); // the active-manager row
        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteSignalsAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableSignalInbox.TableName, cancellationToken).ConfigureAwait(false);
        return await DeletePartitionAsync(table, TableSignalInbox.Partition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteProfileAsync(Customer customer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var index = await clients.TableAsync(TableCustomerStore.IndexTable, cancellationToken).ConfigureAwait(false);
        foreach (var row in TableCustomerStore.IndexRows(customer, IdentityKinds.Of(customer), TableCustomerStore.TagNames(customer)))
        {
            await TableWrites.DeleteIfExistsAsync(index, row.PartitionKey, row.RowKey, cancellationToken).ConfigureAwait(false);
        }

        var profiles = await clients.TableAsync(TableCustomerStore.CustomersTable, cancellationToken).ConfigureAwait(false);
        return await TableWrites.DeleteIfExistsAsync(profiles, TableCustomerStore.ProfilePartition(customer.Tenant, customer.Id), customer.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JourneyErasure> DeleteJourneyAsync(string tenant, string instanceId, string? senderId, string? campaign, string? name, CancellationToken cancellationToken)
    {
        var ledger = await clients.TableAsync(TableTouchLedger.TableName, cancellationToken).ConfigureAwait(false);
        var outbox = await clients.TableAsync(TableDeliveryQueue.TableName, cancellationToken).ConfigureAwait(false);
        var members = await clients.TableAsync(TableDispatchStore.MembersTable, cancellationToken).ConfigureAwait(false);
        var ledgerPk = TableTouchLedger.Partition(tenant, instanceId);
        string[] columns = ["PartitionKey", "RowKey", "TouchId", "SenderId", "DispatchId"];
        var touches = await ledger.QueryAsync<TableEntity>(x => x.PartitionKey == ledgerPk, select: columns,
            cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var campaignRows = campaign is null || senderId is null
            ? []
            : await ledger.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {TableTouchLedger.CampaignPartition(tenant, campaign, senderId)} and InstanceId eq {instanceId}"),
                    select: columns, cancellationToken: cancellationToken)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        touches.AddRange(campaignRows);

        // The outbox first (nothing more is sent), then the customer's place in the tasks that carried the touches.
        var outboxRows = 0;
        var memberRows = 0;
        var dispatches = new HashSet<(string Sender, string DispatchId)>();
        foreach (var t in touches)
        {
            if (t.GetString("TouchId") is not { } touchId || t.GetString("SenderId") is not { } sender)
            {
                continue;
            }

            outboxRows += await TableWrites.DeleteIfExistsAsync(outbox, TableDeliveryQueue.Partition(tenant, sender), TableKeys.Escape(touchId), cancellationToken)
                .ConfigureAwait(false) ? 1 : 0;
            if (t.GetString("DispatchId") is { } dispatchId)
            {
                memberRows += await TableWrites.DeleteIfExistsAsync(members, $"{tenant}|{dispatchId}", TableKeys.Escape(touchId), cancellationToken)
                    .ConfigureAwait(false) ? 1 : 0;
                dispatches.Add((sender, dispatchId));
            }
        }

        var texts = 0;
        foreach (var (sender, dispatchId) in dispatches)
        {
            texts += await PseudonymiseDispatchAsync(tenant, sender, dispatchId, name, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        await DeletePartitionAsync(ledger, ledgerPk, cancellationToken).ConfigureAwait(false);
        foreach (var row in campaignRows)
        {
            await TableWrites.DeleteIfExistsAsync(ledger, row.PartitionKey, row.RowKey, cancellationToken).ConfigureAwait(false);
        }

        var instances = await clients.TableAsync(TableJourneyStore.TableName, cancellationToken).ConfigureAwait(false);
        var removed = await TableWrites.DeleteIfExistsAsync(instances, TableJourneyStore.Partition(tenant, instanceId), TableKeys.Escape(instanceId), cancellationToken)
            .ConfigureAwait(false);
        return new JourneyErasure(removed, touches.Count, outboxRows, memberRows, texts);
    }

    /// <inheritdoc />
    public async Task<int> DeleteJourneyStartsAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableJourneyStarts.TableName, cancellationToken).ConfigureAwait(false);
        return await DeletePartitionAsync(table, TableJourneyStarts.Partition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(int Members, JourneyErasure Journeys)> DeleteCohortMembershipsAsync(
        string tenant, string customerId, IReadOnlyCollection<string> managerIds, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(managerIds);
        var table = await clients.TableAsync(TableCohortStates.TableName, cancellationToken).ConfigureAwait(false);
        var members = 0;
        var parts = new JourneyErasure(false, 0, 0, 0, 0);
        // Every manager the caller knows, and every one the customer's relationship key rows name (a key row can outlive
        // its row of record): a cohort holds a customer under one of them.
        var managers = new SortedSet<string>(managerIds, StringComparer.Ordinal);
        managers.UnionWith(await TableSignalJournal.ManagersOfAsync(clients, tenant, customerId, cancellationToken).ConfigureAwait(false));
        foreach (var manager in managers)
        {
            await foreach (var (pk, rk, refRow) in CustomerRefs.ListUnderManagerAsync(clients, tenant, manager, customerId, CustomerRefs.Cohort, cancellationToken)
                               .ConfigureAwait(false))
            {
                members += await DeleteMemberAsync(pk, rk).ConfigureAwait(false);
                await CustomerRefs.DeleteUnderManagerAsync(clients, tenant, manager, refRow, cancellationToken).ConfigureAwait(false);
            }
        }

        // Memberships from before the references moved under the manager.
        await foreach (var (pk, rk, refRow) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
        {
            members += await DeleteMemberAsync(pk, rk).ConfigureAwait(false);
            await TableCohortStates.DeleteSignalFlagsOfAsync(table, pk, rk, cancellationToken).ConfigureAwait(false); // signal ids may name the customer
            await CustomerRefs.DeleteAsync(clients, tenant, customerId, refRow, cancellationToken).ConfigureAwait(false);
        }

        await TableSignalJournal.DeleteCustomerAsync(clients, tenant, customerId, managers, cancellationToken).ConfigureAwait(false);
        return (members, parts);

        async Task<int> DeleteMemberAsync(string pk, string rk)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, ["State"], cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value?.GetString("State") is not { } json
                || JsonSerializer.Deserialize<JourneyState>(json, TableJourneyStore.Json) is not { } state || state.CustomerId != customerId)
            {
                return 0;
            }

            // A member's touches have the same instance id (and ledger rows) as a per-customer journey's.
            var erased = await DeleteJourneyAsync(tenant, state.InstanceId, state.SenderId, state.Campaign, name, cancellationToken).ConfigureAwait(false);
            parts = new JourneyErasure(parts.InstanceRemoved || erased.InstanceRemoved, parts.Touches + erased.Touches, parts.OutboxTouches + erased.OutboxTouches,
                parts.DispatchMembers + erased.DispatchMembers, parts.DispatchTexts + erased.DispatchTexts);
            return await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }
    }

    /// <inheritdoc />
    public async Task<int> DeleteDeliveryHistoryAsync(string tenant, string customerId, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(managerIds);
        var table = await clients.TableAsync(TableDeliveryHistory.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var manager in managerIds)
        {
            // The customer's sends in the manager's book (keys start with the day, so the customer is a filter).
            var pk = TableDeliveryHistory.BookPartition(tenant, manager);
            await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and CustomerId eq {customerId}"),
                               select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, pk, e.RowKey, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return deleted + await DeletePartitionAsync(table, TableDeliveryHistory.CustomerPartition(tenant, customerId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListCampaignIdsAsync(string tenant, string employerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TablePayrollStore.CampaignsTable, cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(tenant);
        // Campaign ids are payroll:{employer}:{yyyy-MM}: one key range per employer. (An employer id too long or odd for
        // a Durable id gets a hashed id per month, outside this range; its customers' campaigns come from their journeys.)
        var from = TableKeys.Escape($"payroll:{employerId}:");
        var to = from + "~";
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(to) < 0,
                           select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return TableKeys.Unescape(e.RowKey);
        }
    }

    /// <inheritdoc />
    public async Task<int> DeletePayrollMarkersAsync(
        string tenant, string customerId, IReadOnlyCollection<string> campaignIds, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignIds);
        ArgumentNullException.ThrowIfNull(managerIds);
        var table = await clients.TableAsync(TablePayrollCounts.TableName, cancellationToken).ConfigureAwait(false);
        // Point deletes of every per-customer metric (the markers sit in the customer's shard); the counters stay.
        string[] metrics =
        [
            PayrollMetrics.Enrolled, PayrollMetrics.NoManager, PayrollMetrics.Reached, PayrollMetrics.Engaged, PayrollMetrics.Converted, PayrollMetrics.Refused,
            .. PayrollCampaignJourney.Steps.Select(PayrollMetrics.RefusedStep),
        ];
        var deleted = 0;
        foreach (var campaignId in campaignIds)
        {
            var pk = TablePayrollCounts.Partition(tenant, campaignId, TablePayrollCounts.Shard(customerId));
            foreach (var metric in metrics)
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, pk, $"m|{metric}|{TableKeys.Escape(customerId)}", cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }

            // Reached markers sit under the account manager who reached them.
            foreach (var manager in managerIds)
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, TablePayrollCounts.ReachedPartition(tenant, campaignId, manager), TableKeys.Escape(customerId),
                    cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteFollowUpTasksAsync(
        string tenant, string customerId, IReadOnlyCollection<string> campaignIds, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaignIds);
        ArgumentNullException.ThrowIfNull(managerIds);
        var table = await clients.TableAsync(TableFollowUpTasks.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var manager in managerIds)
        {
            foreach (var campaignId in campaignIds)
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, TableFollowUpTasks.Partition(tenant, manager),
                    $"{TableKeys.Escape(campaignId)}|{TableKeys.Escape(customerId)}", cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    /// <remarks>Each manager's partition of <c>StaffMessages</c> and their supervisors' (recall offers): one partition query each, no scan.</remarks>
    public async Task<int> DeleteStaffMessagesAsync(string tenant, string customerId, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(managerIds);
        var employees = await clients.TableAsync(TableEmployeeDirectory.TableName, cancellationToken).ConfigureAwait(false);
        var owners = new HashSet<string>(managerIds, StringComparer.Ordinal);
        foreach (var manager in managerIds)
        {
            var row = await employees.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(manager), ["SupervisorId"], cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value?.GetString("SupervisorId") is { Length: > 0 } supervisor)
            {
                owners.Add(supervisor);
            }
        }

        var table = await clients.TableAsync(PrivateDomain.AccountManagers.TableStaffMessageLedger.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var owner in owners)
        {
            var pk = PrivateDomain.AccountManagers.TableStaffMessageLedger.Partition(tenant, owner);
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.GetString("CustomerId") == customerId, select: ["PartitionKey", "RowKey"],
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                deleted += await TableWrites.DeleteIfExistsAsync(table, e.PartitionKey, e.RowKey, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<bool> PseudonymiseWelcomeAsync(string tenant, string welcomeCode, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableWelcomeLedger.TableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = TableWelcomeLedger.Key(tenant, welcomeCode);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, ["ExternalUserId"], cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } e || string.IsNullOrEmpty(e.GetString("ExternalUserId")))
            {
                return false;
            }

            try
            {
                // Under the row's ETag: a send in flight replaces the row and would bring the contact back.
                await table.UpdateEntityAsync(new TableEntity(pk, rk) { ["ExternalUserId"] = "" }, e.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Changed under us; read it again.
            }
        }

        throw new InvalidOperationException($"The welcome row of a code of {tenant} kept changing; run the erasure again.");
    }

    /// <inheritdoc />
    public async Task<int> DeleteOpportunitiesAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableOpportunityListStore.TableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        await foreach (var (pk, rk, refRow) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Opportunity, cancellationToken).ConfigureAwait(false))
        {
            deleted += await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            await CustomerRefs.DeleteAsync(clients, tenant, customerId, refRow, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<int> DeleteChannelCodeTalliesAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableChannelCodes.TalliesTableName, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        await foreach (var (pk, rk, refRow) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.ChannelCodeTally, cancellationToken).ConfigureAwait(false))
        {
            deleted += await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            await CustomerRefs.DeleteAsync(clients, tenant, customerId, refRow, cancellationToken).ConfigureAwait(false);
        }

        // Joins through group codes are tallies of the same kind, in their own table.
        var joins = await clients.TableAsync(TableGroupCodes.JoinsTableName, cancellationToken).ConfigureAwait(false);
        await foreach (var (pk, rk, refRow) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.GroupCodeJoin, cancellationToken).ConfigureAwait(false))
        {
            deleted += await TableWrites.DeleteIfExistsAsync(joins, pk, rk, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            await CustomerRefs.DeleteAsync(clients, tenant, customerId, refRow, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task RecordAsync(ErasureRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await clients.TableAsync(ErasuresTable, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(TableKeys.Escape(record.Tenant),
            string.Create(CultureInfo.InvariantCulture, $"{record.CustomerId}|{record.ErasedAt.UtcTicks:D19}"))
        {
            ["RequestedBy"] = record.RequestedBy,
            ["Reason"] = record.Reason,
            ["ErasedAt"] = record.ErasedAt,
            ["ProfileRemoved"] = record.ProfileRemoved,
            ["Relationships"] = record.Relationships,
            ["RawEvents"] = record.RawEvents,
            ["Signals"] = record.Signals,
            ["ChatMemberships"] = record.ChatMemberships,
            ["Journeys"] = record.Journeys,
            ["Touches"] = record.Touches,
            ["OutboxTouches"] = record.OutboxTouches,
            ["DispatchMembers"] = record.DispatchMembers,
            ["DispatchTexts"] = record.DispatchTexts,
            ["DeliveryHistory"] = record.DeliveryHistory,
            ["PayrollMarkers"] = record.PayrollMarkers,
            ["FollowUpTasks"] = record.FollowUpTasks,
            ["StaffMessages"] = record.StaffMessages,
            ["Welcomes"] = record.Welcomes,
            ["Opportunities"] = record.Opportunities,
        }, cancellationToken).ConfigureAwait(false);
    }

    // A WeCom task whose text names the customer (a template with {customer.name} is one task per customer) keeps its
    // row, which delivery follow-ups need, with the name replaced; the other recipients are not touched.
    private async Task<bool> PseudonymiseDispatchAsync(string tenant, string sender, string dispatchId, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var table = await clients.TableAsync(TableDispatchStore.TableName, ct).ConfigureAwait(false);
        var pk = TableDispatchStore.Partition(tenant, sender);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, dispatchId, ["Text"], ct).ConfigureAwait(false);
            if (!row.HasValue || row.Value is not { } e || e.GetString("Text") is not { } text || !text.Contains(name, StringComparison.Ordinal))
            {
                return false;
            }

            try
            {
                await table.UpdateEntityAsync(new TableEntity(pk, dispatchId) { ["Text"] = text.Replace(name, ErasedName, StringComparison.Ordinal) }, e.ETag,
                    TableUpdateMode.Merge, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // A follow-up updated the dispatch meanwhile; read it again.
            }
        }

        throw new InvalidOperationException($"Dispatch {dispatchId} kept changing; run the erasure again.");
    }

    /// <summary>What an erased customer's name becomes in the texts of WeCom tasks that were sent to them.</summary>
    public const string ErasedName = "（已删除）";

    private static string RefsPartition(string tenant, string customerId) => $"{tenant}|{TableKeys.Escape(customerId)}";

    private static async Task<int> DeletePartitionAsync(TableClient table, string pk, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
        {
            keys.Add(e.RowKey);
        }

        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), ETag.All)), ct)
                .ConfigureAwait(false);
        }

        return keys.Count;
    }
}
