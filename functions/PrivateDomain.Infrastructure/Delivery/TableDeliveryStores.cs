using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PrivateDomain.Content;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Delivery.Storage;

/// <summary>
/// The senders' outboxes in table <c>DeliveryQueue</c>: PK <c>{tenant}|{sender}</c>, RK the touch id (escaped); the
/// touch as JSON and <c>NotBefore</c>. One partition per account manager holds everything that may travel together.
/// A row whose touch cannot be read is left out of the outbox's due list (logged), so it never stops the others.
/// </summary>
public sealed class TableDeliveryQueue(StorageClients clients, ILogger<TableDeliveryQueue>? log = null) : IDeliveryQueue
{
    /// <summary>The table name.</summary>
    public const string TableName = "DeliveryQueue";

    /// <inheritdoc />
    public async Task AddAsync(string tenant, Touch touch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touch);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(Entity(tenant, touch, touch.SlotAt), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already queued (a retried recording).
        }
    }

    /// <inheritdoc />
    public async Task AddManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in touches.DistinctBy(t => t.Id).GroupBy(t => t.SenderId, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(t => new TableTransactionAction(TableTransactionActionType.Add, Entity(tenant, t, t.SlotAt))), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Queued before, in part (a retried batch): one by one, keeping what is there.
                foreach (var touch in chunk)
                {
                    await AddAsync(tenant, touch, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Touch>> DueAsync(string tenant, string senderId, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, senderId);
        var list = new List<Touch>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and NotBefore le {now}"), maxPerPage: Math.Min(max, 1000),
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            Touch? touch;
            try
            {
                touch = JsonSerializer.Deserialize<Touch>(e.GetString("Touch") ?? "null", TableJourneyStore.Json);
            }
            catch (JsonException x)
            {
                touch = null;
                log?.LogError(x, "Outbox row {RowKey} of {Partition} cannot be read; left out of the run", e.RowKey, pk);
            }

            if (touch is null)
            {
                continue;
            }

            list.Add(touch);
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    /// <inheritdoc />
    public async Task PostponeAsync(string tenant, Touch touch, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touch);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(Entity(tenant, touch, notBefore), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string tenant, string senderId, IReadOnlyCollection<TouchId> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, senderId);
        foreach (var chunk in ids.Select(i => TableKeys.Escape(i.ToString())).Distinct(StringComparer.Ordinal).Chunk(100))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(rk => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, rk), ETag.All)),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                // One of them was gone already (an overlapping run); delete the rest one by one.
                foreach (var rk in chunk)
                {
                    await TableWrites.DeleteIfExistsAsync(table, pk, rk, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    internal static string Partition(string tenant, string senderId) => $"{tenant}|{TableKeys.Escape(senderId)}";

    private static TableEntity Entity(string tenant, Touch touch, DateTimeOffset notBefore) =>
        new(Partition(tenant, touch.SenderId), TableKeys.Escape(touch.Id.ToString()))
        {
            ["Touch"] = JsonSerializer.Serialize(touch, TableJourneyStore.Json),
            ["NotBefore"] = notBefore,
        };
}

/// <summary>
/// Dispatches in table <c>DeliveryDispatches</c> (PK <c>{tenant}|{sender}</c>, RK the time-ordered dispatch id) and the
/// touches each carries in <c>DeliveryDispatchMembers</c> (PK <c>{tenant}|{dispatch id}</c>, RK the touch id, written in
/// batches of 100).
/// </summary>
public sealed class TableDispatchStore(StorageClients clients) : IDispatchStore
{
    /// <summary>The dispatch table.</summary>
    public const string TableName = "DeliveryDispatches";

    /// <summary>The member table.</summary>
    public const string MembersTable = "DeliveryDispatchMembers";

    /// <inheritdoc />
    public async Task CreateAsync(Dispatch dispatch, IReadOnlyList<DispatchMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(members);
        var memberTable = await clients.TableAsync(MembersTable, cancellationToken).ConfigureAwait(false);
        var pk = $"{dispatch.Tenant}|{dispatch.Id}";
        foreach (var chunk in members.Chunk(100))
        {
            await memberTable.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(pk, TableKeys.Escape(m.Touch.ToString()))
                {
                    ["Recipient"] = m.Recipient,
                    ["CustomerId"] = m.CustomerId,
                    ["InstanceId"] = m.Touch.InstanceId,
                    ["Round"] = m.Touch.Round,
                    ["StepId"] = m.Touch.StepId,
                    ["Campaign"] = m.Campaign,
                })), cancellationToken).ConfigureAwait(false);
        }

        // Members first: a dispatch row always finds its members.
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(ToEntity(dispatch), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Dispatch?> GetAsync(string tenant, string senderId, string dispatchId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, senderId), dispatchId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? FromEntity(tenant, senderId, e) : null;
    }

    /// <inheritdoc />
    public async Task UpdateAsync(Dispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(ToEntity(dispatch), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DispatchMember> MembersAsync(string tenant, string dispatchId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(MembersTable, cancellationToken).ConfigureAwait(false);
        var pk = $"{tenant}|{dispatchId}";
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new DispatchMember(e.GetString("Recipient"), new TouchId(e.GetString("InstanceId"), e.GetInt32("Round") ?? 0, e.GetString("StepId")),
                e.GetString("CustomerId"), e.GetString("Campaign"));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Dispatch> ListAsync(string tenant, string senderId, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, senderId);
        var from = since.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            yield return FromEntity(tenant, senderId, e);
        }
    }

    internal static string Partition(string tenant, string senderId) => $"{tenant}|{TableKeys.Escape(senderId)}";

    private static TableEntity ToEntity(Dispatch d) => new(Partition(d.Tenant, d.SenderId), d.Id)
    {
        ["Channel"] = d.Channel.ToString(),
        ["TemplateId"] = d.TemplateId,
        ["TemplateVersion"] = d.TemplateVersion,
        ["Text"] = d.Text,
        ["Attachments"] = JsonSerializer.Serialize(d.Attachments, TableJourneyStore.Json),
        ["Recipients"] = d.Recipients,
        ["CreatedAt"] = d.CreatedAt,
        ["Status"] = d.Status.ToString(),
        ["WeComId"] = d.WeComId,
        ["Error"] = d.Error,
        ["Reminders"] = JsonSerializer.Serialize(d.Reminders, TableJourneyStore.Json),
        ["ConfirmedAt"] = d.ConfirmedAt,
        ["MomentId"] = d.MomentId,
    };

    private static Dispatch FromEntity(string tenant, string senderId, TableEntity e) => new(
        tenant,
        senderId,
        e.RowKey,
        Enum.Parse<Channel>(e.GetString("Channel")),
        e.GetString("TemplateId"),
        e.GetInt32("TemplateVersion") ?? 0,
        e.GetString("Text"),
        JsonSerializer.Deserialize<List<TemplateAttachment>>(e.GetString("Attachments") ?? "[]", TableJourneyStore.Json) ?? [],
        e.GetInt32("Recipients") ?? 0,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        Enum.Parse<DispatchStatus>(e.GetString("Status")),
        e.GetString("WeComId"),
        e.GetString("Error"),
        JsonSerializer.Deserialize<List<DateTimeOffset>>(e.GetString("Reminders") ?? "[]", TableJourneyStore.Json) ?? [],
        e.GetDateTimeOffset("ConfirmedAt"),
        e.GetString("MomentId"));
}

/// <summary>
/// Delivery history in table <c>DeliveryHistory</c>: the sender's send book of 1:1 sends (PK <c>{tenant}|m|{sender}</c>,
/// RK <c>{UTC yyyyMMdd}|{customer}|{ticks:D19}|{touch}</c>, so a day range reads every customer's recent sends at once
/// and a dispatch writes its sends in transactions of 100), a sender's posts (PK <c>{tenant}|s|{sender}</c>, RK
/// <c>{ticks:D19}|{dispatch}</c>), and a marker per counted deletion (PK <c>{tenant}|c|{customer}</c>, RK
/// <c>x|{sender}|{ticks}</c>) so a reprocessed event counts once; and deletion tallies in
/// <c>DeliveryTallies</c> (PK <c>{tenant}|t|{template}</c> or <c>{tenant}|s|{sender}</c>, RK the UTC day) incremented
/// with ETag retries.
/// </summary>
public sealed class TableDeliveryHistory(StorageClients clients) : IDeliveryHistoryStore
{
    /// <summary>The history table.</summary>
    public const string TableName = "DeliveryHistory";

    /// <summary>The tally table.</summary>
    public const string TalliesTable = "DeliveryTallies";

    /// <inheritdoc />
    public async Task<ImmutableArray<PastSend>> CustomerSendsAsync(string tenant, string senderId, string customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var sends = ImmutableArray.CreateBuilder<PastSend>();
        await foreach (var e in BookAsync(tenant, senderId, since, DateTimeOffset.MaxValue, customerId, cancellationToken).ConfigureAwait(false))
        {
            sends.Add(new PastSend(Enum.Parse<Channel>(e.GetString("Channel")), e.GetDateTimeOffset("At") ?? default));
        }

        return sends.ToImmutable();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, ImmutableArray<PastSend>>> SenderBookAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var book = new Dictionary<string, ImmutableArray<PastSend>.Builder>(StringComparer.Ordinal);
        await foreach (var e in BookAsync(tenant, senderId, since, DateTimeOffset.MaxValue, null, cancellationToken).ConfigureAwait(false))
        {
            var customer = e.GetString("CustomerId");
            if (!book.TryGetValue(customer, out var sends))
            {
                book[customer] = sends = ImmutableArray.CreateBuilder<PastSend>();
            }

            sends.Add(new PastSend(Enum.Parse<Channel>(e.GetString("Channel")), e.GetDateTimeOffset("At") ?? default));
        }

        return book.ToDictionary(kv => kv.Key, kv => kv.Value.ToImmutable(), StringComparer.Ordinal);
    }

    // The sender's book rows from the UTC day of since (whole days: a row's own At decides), optionally of one customer
    // (a filter inside the day range, which the service applies).
    private async IAsyncEnumerable<TableEntity> BookAsync(string tenant, string senderId, DateTimeOffset since, DateTimeOffset until, string? customerId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = BookPartition(tenant, senderId);
        var from = Day(since);
        var to = until == DateTimeOffset.MaxValue ? "~" : Day(until) + "~";
        var filter = customerId is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {from} and RowKey lt {to} and CustomerId eq {customerId}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (e.GetDateTimeOffset("At") is { } at && at >= since && at <= until)
            {
                yield return e;
            }
        }
    }

    /// <inheritdoc />
    public Task<ImmutableArray<PastSend>> SenderPostsAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken) =>
        SendsAsync($"{tenant}|s|{TableKeys.Escape(senderId)}", since, cancellationToken);

    /// <inheritdoc />
    public async Task<DeletionTally> TallyAsync(string tenant, TallySubject subject, string id, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TalliesTable, cancellationToken).ConfigureAwait(false);
        var pk = TallyPartition(tenant, subject, id);
        var from = Day(since);
        int sends = 0, deletions = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0, cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            sends += e.GetInt32("Sends") ?? 0;
            deletions += e.GetInt32("Deletions") ?? 0;
        }

        return new DeletionTally(sends, deletions);
    }

    /// <inheritdoc />
    /// <remarks>Send-book rows are written for 1:1 sends only, in transactions of 100 upserts (safe to repeat).</remarks>
    public async Task RecordSendsAsync(string tenant, Dispatch dispatch, IReadOnlyList<Touch> touches, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        ArgumentNullException.ThrowIfNull(touches);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var rk = at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        // The book serves the customers' 1:1 caps and deletion attribution; a post is not a message to one customer.
        var pk = BookPartition(tenant, dispatch.SenderId);
        foreach (var chunk in (dispatch.Channel == Channel.OneToOne ? touches : []).DistinctBy(t => t.Id).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(pk, $"{Day(at)}|{TableKeys.Escape(t.CustomerId)}|{rk}|{TableKeys.Escape(t.Id.ToString())}")
                {
                    ["CustomerId"] = t.CustomerId,
                    ["Channel"] = t.Channel.ToString(),
                    ["TemplateId"] = t.Content,
                    ["At"] = at,
                })), cancellationToken).ConfigureAwait(false);
        }

        if (touches.Count == 0)
        {
            return;
        }

        await table.UpsertEntityAsync(new TableEntity($"{tenant}|s|{TableKeys.Escape(dispatch.SenderId)}", $"{rk}|{dispatch.Id}")
        {
            ["Channel"] = dispatch.Channel.ToString(),
            ["TemplateId"] = dispatch.TemplateId,
            ["Recipients"] = touches.Count,
            ["Personal"] = touches.Any(t => t.Personal),
            ["At"] = at,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task CountSendsAsync(string tenant, TallySubject subject, string id, int sends, DateTimeOffset at, CancellationToken cancellationToken) =>
        AddAsync(tenant, subject, id, at, sends, 0, cancellationToken);

    /// <inheritdoc />
    public async Task<string?> RecordDeletionAsync(string tenant, string customerId, string senderId, DateTimeOffset at, TimeSpan attribution, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = CustomerPartition(tenant, customerId);
        TableEntity? last = null;
        await foreach (var e in BookAsync(tenant, senderId, at - attribution, at, customerId, cancellationToken).ConfigureAwait(false))
        {
            if (last is null || e.GetDateTimeOffset("At") >= last.GetDateTimeOffset("At"))
            {
                last = e;
            }
        }

        if (last?.GetString("TemplateId") is not { } template)
        {
            return null;
        }

        // Once per deletion: a reprocessed event finds its marker (keys after ':' sort above every send row's ticks).
        try
        {
            await table.AddEntityAsync(new TableEntity(pk, $"x|{TableKeys.Escape(senderId)}|{at.UtcTicks:D19}") { ["TemplateId"] = template }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return template;
        }

        await AddAsync(tenant, TallySubject.Template, template, at, 0, 1, cancellationToken).ConfigureAwait(false);
        await AddAsync(tenant, TallySubject.Sender, senderId, at, 0, 1, cancellationToken).ConfigureAwait(false);
        return template;
    }

    private async Task<ImmutableArray<PastSend>> SendsAsync(string pk, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var from = since.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var sends = ImmutableArray.CreateBuilder<PastSend>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(from) >= 0 && x.RowKey.CompareTo(":") < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            sends.Add(new PastSend(Enum.Parse<Channel>(e.GetString("Channel")), e.GetDateTimeOffset("At") ?? default, e.GetBoolean("Personal") ?? false));
        }

        return sends.ToImmutable();
    }

    private async Task AddAsync(string tenant, TallySubject subject, string id, DateTimeOffset at, int sends, int deletions, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TalliesTable, cancellationToken).ConfigureAwait(false);
        var pk = TallyPartition(tenant, subject, id);
        var rk = Day(at);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!row.HasValue || row.Value is not { } e)
                {
                    await table.AddEntityAsync(new TableEntity(pk, rk) { ["Sends"] = sends, ["Deletions"] = deletions }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    e["Sends"] = (e.GetInt32("Sends") ?? 0) + sends;
                    e["Deletions"] = (e.GetInt32("Deletions") ?? 0) + deletions;
                    await table.UpdateEntityAsync(e, e.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another dispatch counted meanwhile; read again.
            }
        }

        throw new InvalidOperationException($"The tally {pk}/{rk} kept changing under us.");
    }

    /// <summary>The partition of a customer's deletion markers.</summary>
    internal static string CustomerPartition(string tenant, string customerId) => $"{tenant}|c|{TableKeys.Escape(customerId)}";

    /// <summary>The partition of a sender's send book.</summary>
    internal static string BookPartition(string tenant, string senderId) => $"{tenant}|m|{TableKeys.Escape(senderId)}";


    private static string TallyPartition(string tenant, TallySubject subject, string id) =>
        $"{tenant}|{(subject == TallySubject.Template ? "t" : "s")}|{TableKeys.Escape(id)}";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
