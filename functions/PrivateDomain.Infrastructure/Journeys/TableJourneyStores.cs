using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// Journey instances in table <c>JourneyInstances</c>: PK <c>{tenant}|{bucket of the instance id}</c> (4,096 per
/// tenant), RK the instance id (escaped); the engine state as JSON plus status, end reason and the scheduled wake-up.
/// </summary>
public sealed class TableJourneyStore(StorageClients clients) : IJourneyStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "JourneyInstances";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <inheritdoc />
    public async Task<(JourneyRecord Record, string ETag)?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, instanceId), TableKeys.Escape(instanceId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        return (FromEntity(tenant, e), e.ETag.ToString());
    }

    /// <inheritdoc />
    /// <remarks>Status is not in the key, so this reads the whole table.</remarks>
    public async IAsyncEnumerable<JourneyRecord> ListRunningAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"Status eq {nameof(JourneyStatus.Running)}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(e.PartitionKey[..e.PartitionKey.LastIndexOf('|')], e);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryInsertAsync(JourneyRecord record, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryReplaceAsync(JourneyRecord record, string etag, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(ToEntity(record), new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    internal static string Partition(string tenant, string instanceId) => $"{tenant}|{CustomerIds.Bucket(instanceId)}";

    private static JourneyRecord FromEntity(string tenant, TableEntity e) => new(
        tenant,
        JsonSerializer.Deserialize<JourneyState>(e.GetString("State"), Json)!,
        Enum.Parse<JourneyStatus>(e.GetString("Status")),
        e.GetString("EndReason") is { } r ? Enum.Parse<JourneyEnd>(r) : null,
        e.GetDateTimeOffset("NextWakeAt"));

    private static TableEntity ToEntity(JourneyRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new TableEntity(Partition(r.Tenant, r.State.InstanceId), TableKeys.Escape(r.State.InstanceId))
        {
            ["State"] = JsonSerializer.Serialize(r.State, Json),
            ["Status"] = r.Status.ToString(),
            ["EndReason"] = r.EndReason?.ToString(),
            ["NextWakeAt"] = r.NextWakeAt,
            ["JourneyId"] = r.State.JourneyId,
            ["CustomerId"] = r.State.CustomerId,
            ["Round"] = r.State.Round,
        };
    }
}

/// <summary>
/// The touch ledger in table <c>TouchLedger</c>. An ordinary journey's touch: PK <c>{tenant}|{instance id}</c>, RK
/// <c>r{round:D2}|{step id}</c>. A campaign's touch (<see cref="Touch.Campaign"/>): PK
/// <c>{tenant}|k|{campaign}|{sender}</c>, RK <c>r{round:D2}|{step id}|{instance id}</c> — the campaign's touches of one
/// account manager in one partition, a step's in one key range, so a cohort batch records a hundred in one transaction
/// and a dispatch reads them with one range query, claims them with one transaction (an ETag per row) and closes them
/// with another. Rows are inserted with Add so a touch id is recorded once. <c>Status</c> starts as <c>Due</c>;
/// delivery claims the row with its ETag and writes the outcome (<see cref="TouchStatus"/>), the reason and WeCom's
/// msgid/jobid. Recording also puts the touch in its sender's outbox (<see cref="IDeliveryQueue"/>) and nudges delivery
/// for its slot plus the aggregation delay — also when a retried recording finds the row still Due, so a crash between
/// the two writes loses nothing.
/// </summary>
public sealed class TableTouchLedger(StorageClients clients, IDeliveryQueue queue, IDeliveryNudges nudges, DispatchOptions delivery, TimeProvider? time = null)
    : ITouchLedger, IDeliveryLedger
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The table name.</summary>
    public const string TableName = "TouchLedger";

    /// <summary>The most rows in one entity-group transaction.</summary>
    private const int TransactionSize = 100;

    /// <inheritdoc />
    public async Task<bool> RecordAsync(string tenant, Touch touch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touch);
        var (recorded, due) = await InsertAsync(tenant, touch, cancellationToken).ConfigureAwait(false);
        if (!due)
        {
            return false; // delivery has it already
        }

        await queue.AddAsync(tenant, touch, cancellationToken).ConfigureAwait(false);
        await nudges.NudgeAsync(tenant, touch.SenderId, touch.SlotAt + delivery.AggregationDelay, cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <inheritdoc />
    /// <remarks>The ledger rows first (a campaign's in transactions of 100 per partition, others one by one), then the
    /// outbox rows of the touches still Due in transactions per sender, then one nudge per sender and slot — the order
    /// <see cref="RecordAsync"/> keeps, so a crash in between leaves Due rows whose repeat queues them. A transaction
    /// that finds a row already there (a repeat, or a lost answer retried) falls back to row by row.</remarks>
    public async Task<int> RecordManyAsync(string tenant, IReadOnlyList<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var due = new System.Collections.Concurrent.ConcurrentBag<Touch>();
        var recorded = 0;
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var distinct = touches.DistinctBy(t => t.Id).ToList();
        var singles = new System.Collections.Concurrent.ConcurrentBag<Touch>(distinct.Where(t => t.Campaign is null));
        foreach (var chunk in distinct.Where(t => t.Campaign is not null).GroupBy(t => Key(tenant, t.Ref).Pk, StringComparer.Ordinal).SelectMany(g => g.Chunk(TransactionSize)))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(t => new TableTransactionAction(TableTransactionActionType.Add, NewRow(tenant, t))), cancellationToken)
                    .ConfigureAwait(false);
                recorded += chunk.Length;
                foreach (var t in chunk)
                {
                    due.Add(t);
                }
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                foreach (var t in chunk)
                {
                    singles.Add(t);
                }
            }
        }

        await Parallel.ForEachAsync(singles, new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (touch, ct) =>
            {
                var (fresh, isDue) = await InsertAsync(tenant, touch, ct).ConfigureAwait(false);
                if (fresh)
                {
                    Interlocked.Increment(ref recorded);
                }

                if (isDue)
                {
                    due.Add(touch);
                }
            }).ConfigureAwait(false);
        if (due.IsEmpty)
        {
            return recorded;
        }

        await queue.AddManyAsync(tenant, [.. due], cancellationToken).ConfigureAwait(false);
        foreach (var (sender, at) in due.Select(t => (t.SenderId, t.SlotAt + delivery.AggregationDelay)).Distinct())
        {
            await nudges.NudgeAsync(tenant, sender, at, cancellationToken).ConfigureAwait(false);
        }

        return recorded;
    }

    // Inserts the ledger row: (true, true) when new; (false, true) when it was there and is still Due (a retried
    // recording that must still reach the outbox); (false, false) when delivery has it already.
    private async Task<(bool Recorded, bool Due)> InsertAsync(string tenant, Touch touch, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(NewRow(tenant, touch), cancellationToken).ConfigureAwait(false);
            return (true, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (false, (await GetAsync(tenant, touch.Ref, cancellationToken).ConfigureAwait(false))?.Status == TouchStatus.Due);
        }
    }

    private TableEntity NewRow(string tenant, Touch touch)
    {
        var (pk, rk) = Key(tenant, touch.Ref);
        return new TableEntity(pk, rk)
        {
            ["TouchId"] = touch.Id.ToString(),
            ["InstanceId"] = touch.Id.InstanceId,
            ["Touch"] = JsonSerializer.Serialize(touch, TableJourneyStore.Json),
            ["CustomerId"] = touch.CustomerId,
            ["SenderId"] = touch.SenderId,
            ["Channel"] = touch.Channel.ToString(),
            ["Stage"] = touch.Stage,
            ["Kind"] = touch.Kind,
            ["Content"] = touch.Content,
            ["ThreeW"] = touch.ThreeW,
            ["SlotAt"] = touch.SlotAt,
            ["Status"] = nameof(TouchStatus.Due),
            ["RecordedAt"] = _time.GetUtcNow(),
        };
    }

    /// <inheritdoc />
    /// <remarks>An instance with no rows of its own (a campaign journey's touches are kept with the campaign) is looked
    /// for across the tenant's campaign partitions: a scan, for tools and tests; code that has the journey's state uses
    /// the overload that names its sender and campaign.</remarks>
    public IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken) =>
        ListEntriesAsync(tenant, instanceId, null, null, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, string senderId, string? campaign, CancellationToken cancellationToken) =>
        ListEntriesAsync(tenant, instanceId, senderId, campaign, cancellationToken);

    private async IAsyncEnumerable<LedgerEntry> ListEntriesAsync(string tenant, string instanceId, string? senderId, string? campaign,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var rows = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenant, instanceId)}"), cancellationToken: cancellationToken)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (campaign is not null && senderId is not null)
        {
            // The campaign's partition of the sender holds every customer's touches: this instance's by its column.
            rows.AddRange(await table.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {CampaignPartition(tenant, campaign, senderId)} and InstanceId eq {instanceId}"), cancellationToken: cancellationToken)
                .ToListAsync(cancellationToken).ConfigureAwait(false));
        }
        else if (rows.Count == 0)
        {
            var low = $"{tenant}|k|";
            var high = $"{tenant}|k}}";
            rows.AddRange(await table.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and InstanceId eq {instanceId}"), cancellationToken: cancellationToken)
                .ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        foreach (var e in rows.OrderBy(e => e.RowKey, StringComparer.Ordinal))
        {
            yield return new LedgerEntry(e.GetString("TouchId"), Enum.Parse<Channel>(e.GetString("Channel")), e.GetString("Content"),
                e.GetString("SenderId"), e.GetDateTimeOffset("SlotAt") ?? default, e.GetDateTimeOffset("RecordedAt") ?? default)
            {
                Status = Enum.TryParse<TouchStatus>(e.GetString("Status"), out var status) ? status : TouchStatus.Due,
                Reason = e.GetString("Reason"),
                ReasonText = e.GetString("ReasonText"),
                WeComId = e.GetString("WeComId"),
            };
        }
    }

    /// <inheritdoc />
    public async Task<LedgerTouch?> GetAsync(string tenant, TouchRef touch, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = Key(tenant, touch);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? ToLedgerTouch(e) : null;
    }

    /// <inheritdoc />
    /// <remarks>A campaign's touches: one range query per partition, round and step (the step's rows of every customer of
    /// the sender, a page per 1,000); other touches: a point read each.</remarks>
    public async Task<IReadOnlyDictionary<TouchId, LedgerTouch>> GetManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<TouchId, LedgerTouch>();
        var ranges = touches.Where(t => t.Campaign is not null).GroupBy(t => (Key(tenant, t.Ref).Pk, t.Id.Round, t.Id.StepId)).ToList();
        await Parallel.ForEachAsync(ranges, new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (range, ct) =>
            {
                var wanted = range.ToDictionary(t => Key(tenant, t.Ref).Rk, t => t.Id, StringComparer.Ordinal);
                var from = StepPrefix(range.Key.Round, range.Key.StepId);
                var to = from[..^1] + (char)(from[^1] + 1);
                await foreach (var e in table.QueryAsync<TableEntity>(
                                   TableClient.CreateQueryFilter($"PartitionKey eq {range.Key.Pk} and RowKey ge {from} and RowKey lt {to}"), maxPerPage: 1000, cancellationToken: ct)
                                   .ConfigureAwait(false))
                {
                    if (wanted.TryGetValue(e.RowKey, out var id) && ToLedgerTouch(e) is { } row)
                    {
                        found[id] = row;
                    }
                }
            }).ConfigureAwait(false);
        await Parallel.ForEachAsync(touches.Where(t => t.Campaign is null), new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (touch, ct) =>
            {
                if (await GetAsync(tenant, touch.Ref, ct).ConfigureAwait(false) is { } row)
                {
                    found[touch.Id] = row;
                }
            }).ConfigureAwait(false);
        return found;
    }

    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(ClaimRow(tenant, row, dispatchId, at), new ETag(row.ETag), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Someone else changed the row — or we did: a claim whose response was lost is retried by the storage
            // client with the old ETag. The row says which.
            return await GetAsync(tenant, row.Touch.Ref, cancellationToken).ConfigureAwait(false) is { Status: TouchStatus.Pending } now
                && string.Equals(now.DispatchId, dispatchId, StringComparison.Ordinal);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    /// <remarks>A campaign's rows in transactions of 100 per partition, each merge conditional on its row's ETag: all of
    /// a transaction's rows are claimed or none. A transaction refused because a row changed (another run claimed it,
    /// the customer was erased) — or retried by the storage client after its answer was lost, which finds its own
    /// claims — is claimed again row by row, where each row says whether it is ours.</remarks>
    public async Task<bool[]> TryClaimManyAsync(string tenant, IReadOnlyList<LedgerTouch> rows, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var won = new bool[rows.Count];
        var one = new System.Collections.Concurrent.ConcurrentBag<int>(Enumerable.Range(0, rows.Count).Where(i => rows[i].Touch.Campaign is null));
        var chunks = Enumerable.Range(0, rows.Count).Where(i => rows[i].Touch.Campaign is not null)
            .GroupBy(i => Key(tenant, rows[i].Touch.Ref).Pk, StringComparer.Ordinal).SelectMany(g => g.Chunk(TransactionSize)).ToList();
        foreach (var chunk in chunks)
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(i => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    ClaimRow(tenant, rows[i], dispatchId, at), new ETag(rows[i].ETag))), cancellationToken).ConfigureAwait(false);
                foreach (var i in chunk)
                {
                    won[i] = true;
                }
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
            {
                foreach (var i in chunk)
                {
                    one.Add(i);
                }
            }
        }

        await Parallel.ForEachAsync(one, new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => won[i] = await TryClaimAsync(tenant, rows[i], dispatchId, at, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return won;
    }

    private static TableEntity ClaimRow(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at)
    {
        var (pk, rk) = Key(tenant, row.Touch.Ref);
        return new TableEntity(pk, rk)
        {
            ["Status"] = nameof(TouchStatus.Pending),
            ["DispatchId"] = dispatchId,
            ["ClaimedAt"] = at,
        };
    }

    /// <inheritdoc />
    public async Task SetOutcomeAsync(string tenant, TouchRef touch, TouchOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(OutcomeRow(tenant, touch, outcome), ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>A campaign's outcomes in transactions of 100 per partition (unconditional merges: repeating one writes the
    /// same); if a transaction is refused (a row erased meanwhile), its rows one by one.</remarks>
    public async Task SetOutcomesAsync(string tenant, IReadOnlyList<(TouchRef Touch, TouchOutcome Outcome)> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var one = new System.Collections.Concurrent.ConcurrentBag<(TouchRef Touch, TouchOutcome Outcome)>(outcomes.Where(o => o.Touch.Campaign is null));
        foreach (var chunk in outcomes.Where(o => o.Touch.Campaign is not null).DistinctBy(o => o.Touch.Id)
                     .GroupBy(o => Key(tenant, o.Touch).Pk, StringComparer.Ordinal).SelectMany(g => g.Chunk(TransactionSize)))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpdateMerge, OutcomeRow(tenant, o.Touch, o.Outcome), ETag.All)),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException)
            {
                foreach (var o in chunk)
                {
                    one.Add(o);
                }
            }
        }

        await Parallel.ForEachAsync(one, new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (o, ct) => await SetOutcomeAsync(tenant, o.Touch, o.Outcome, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static TableEntity OutcomeRow(string tenant, TouchRef touch, TouchOutcome outcome)
    {
        var (pk, rk) = Key(tenant, touch);
        var entity = new TableEntity(pk, rk)
        {
            ["Status"] = outcome.Status.ToString(),
            ["Reason"] = outcome.Reason,
            ["ReasonText"] = outcome.Message,
            ["OutcomeAt"] = outcome.At,
        };
        if (outcome.WeComId is not null)
        {
            entity["WeComId"] = outcome.WeComId;
        }

        return entity;
    }

    /// <inheritdoc />
    public Task SetDispatchOutcomesAsync(string tenant, string dispatchId, IReadOnlyList<TouchResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        return SetOutcomesAsync(tenant, [.. results.Select(r => (r.Touch.Ref, r.Outcome))], cancellationToken);
    }

    /// <inheritdoc />
    public async Task NoteDeferralAsync(string tenant, TouchRef touch, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = Key(tenant, touch);
        await table.UpdateEntityAsync(new TableEntity(pk, rk)
        {
            ["Reason"] = reason,
            ["ReasonText"] = message,
            ["DeferredUntil"] = retryAt,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private static LedgerTouch? ToLedgerTouch(TableEntity e) =>
        e.GetString("Touch") is not { } json
            ? null
            : new LedgerTouch(JsonSerializer.Deserialize<Touch>(json, TableJourneyStore.Json)!,
                Enum.TryParse<TouchStatus>(e.GetString("Status"), out var status) ? status : TouchStatus.Due,
                e.GetString("DispatchId"), e.GetDateTimeOffset("ClaimedAt"), e.ETag.ToString());

    /// <summary>An ordinary journey's ledger partition.</summary>
    internal static string Partition(string tenant, string instanceId) => $"{tenant}|{TableKeys.Escape(instanceId)}";

    /// <summary>The ledger partition of a campaign's touches sent by one account manager.</summary>
    internal static string CampaignPartition(string tenant, string campaign, string senderId) => $"{tenant}|k|{Part(campaign)}|{Part(senderId)}";

    /// <summary>A touch's ledger row key.</summary>
    internal static (string Pk, string Rk) Key(string tenant, TouchRef touch) => touch.Campaign is { } campaign
        ? (CampaignPartition(tenant, campaign, touch.SenderId), StepPrefix(touch.Id.Round, touch.Id.StepId) + Part(touch.Id.InstanceId))
        : (Partition(tenant, touch.Id.InstanceId), $"r{touch.Id.Round:D2}|{TableKeys.Escape(touch.Id.StepId)}");

    // r{round}|{step}| — the key range of one step's touches in a campaign partition.
    private static string StepPrefix(int round, string stepId) => $"r{round:D2}|{Part(stepId)}|";

    // A key part that cannot contain the separator either.
    private static string Part(string value) => TableKeys.Escape(value).Replace("|", "%7C", StringComparison.Ordinal);
}
