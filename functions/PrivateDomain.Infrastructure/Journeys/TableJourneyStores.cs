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
/// The touch ledger in table <c>TouchLedger</c>: PK <c>{tenant}|{instance id}</c>, RK <c>r{round:D2}|{step id}</c>,
/// inserted with Add so a touch id is recorded once. <c>Status</c> starts as <c>Due</c>; delivery claims the row with
/// its ETag and writes the outcome (<see cref="TouchStatus"/>), the reason and WeCom's msgid/jobid. Recording also puts
/// the touch in its sender's outbox (<see cref="IDeliveryQueue"/>) and nudges delivery for its slot plus the aggregation
/// delay — also when a retried recording finds the row still Due, so a crash between the two writes loses nothing.
/// </summary>
public sealed class TableTouchLedger(StorageClients clients, IDeliveryQueue queue, IDeliveryNudges nudges, DispatchOptions delivery, TimeProvider? time = null)
    : ITouchLedger, IDeliveryLedger
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The table name.</summary>
    public const string TableName = "TouchLedger";

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
    /// <remarks>The ledger rows first (each its own, keyed by instance), then the outbox rows of the touches still Due
    /// in transactions per sender, then one nudge per sender and slot — the order <see cref="RecordAsync"/> keeps, so a
    /// crash in between leaves Due rows whose repeat queues them.</remarks>
    public async Task<int> RecordManyAsync(string tenant, IReadOnlyList<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var due = new System.Collections.Concurrent.ConcurrentBag<Touch>();
        var recorded = 0;
        await Parallel.ForEachAsync(touches.DistinctBy(t => t.Id), new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
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
            await table.AddEntityAsync(new TableEntity(Partition(tenant, touch.Id.InstanceId), Row(touch.Id))
            {
                ["TouchId"] = touch.Id.ToString(),
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
            }, cancellationToken).ConfigureAwait(false);
            return (true, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return (false, (await GetAsync(tenant, touch.Id, cancellationToken).ConfigureAwait(false))?.Status == TouchStatus.Due);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, instanceId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
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
    public async Task<LedgerTouch?> GetAsync(string tenant, TouchId id, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, id.InstanceId), Row(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e || e.GetString("Touch") is not { } json)
        {
            return null;
        }

        return new LedgerTouch(JsonSerializer.Deserialize<Touch>(json, TableJourneyStore.Json)!,
            Enum.TryParse<TouchStatus>(e.GetString("Status"), out var status) ? status : TouchStatus.Due,
            e.GetString("DispatchId"), e.GetDateTimeOffset("ClaimedAt"), e.ETag.ToString());
    }

    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(Partition(tenant, row.Touch.Id.InstanceId), Row(row.Touch.Id))
            {
                ["Status"] = nameof(TouchStatus.Pending),
                ["DispatchId"] = dispatchId,
                ["ClaimedAt"] = at,
            }, new ETag(row.ETag), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Someone else changed the row — or we did: a claim whose response was lost is retried by the storage
            // client with the old ETag. The row says which.
            return await GetAsync(tenant, row.Touch.Id, cancellationToken).ConfigureAwait(false) is { Status: TouchStatus.Pending } now
                && string.Equals(now.DispatchId, dispatchId, StringComparison.Ordinal);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task SetOutcomeAsync(string tenant, TouchId id, TouchOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition(tenant, id.InstanceId), Row(id))
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

        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetDispatchOutcomesAsync(string tenant, string dispatchId, IReadOnlyList<TouchResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        await Parallel.ForEachAsync(results, new ParallelOptions { MaxDegreeOfParallelism = delivery.Parallelism, CancellationToken = cancellationToken },
            async (r, ct) => await SetOutcomeAsync(tenant, r.Touch.Id, r.Outcome, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task NoteDeferralAsync(string tenant, TouchId id, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(Partition(tenant, id.InstanceId), Row(id))
        {
            ["Reason"] = reason,
            ["ReasonText"] = message,
            ["DeferredUntil"] = retryAt,
        }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    internal static string Partition(string tenant, string instanceId) => $"{tenant}|{TableKeys.Escape(instanceId)}";

    private static string Row(TouchId id) => $"r{id.Round:D2}|{TableKeys.Escape(id.StepId)}";
}
