using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// Cohort member states in table <c>CohortStates</c>: PK <c>{tenant}|{journey}|{yyyyMMdd}|{sender}</c> (one partition
/// per cohort, escaped), RK the member index as seven digits, so a batch is one range query and saves in one transaction
/// (at most 100 rows, all in one partition). Columns: the engine state as JSON (as in <c>JourneyInstances</c>), status,
/// end reason, next wake-up and the applied inbox signal ids. Enrolment also writes a reference per member in
/// <c>CustomerRefs</c>, so erasure finds a customer's memberships.
/// </summary>
public sealed class TableCohortStates(StorageClients clients) : ICohortStates
{
    /// <summary>The table name.</summary>
    public const string TableName = "CohortStates";

    /// <inheritdoc />
    public async Task<int> AddAsync(CohortKey cohort, IReadOnlyList<CohortMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(members);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        // Each member's reference first, so erasure can find the member row (keyed by cohort and index) from the customer.
        await CustomerRefs.AddAsync(clients, cohort.Tenant,
            members.Select(m => (m.State.CustomerId, CustomerRefs.Cohort, Partition(cohort), Row(m.Index))), cancellationToken).ConfigureAwait(false);
        var added = 0;
        foreach (var chunk in members.Chunk(CohortRunner.MaxBatchSize))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(m => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(cohort, m))), cancellationToken)
                    .ConfigureAwait(false);
                added += chunk.Length;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Enrolled before (in part): add row by row, keeping what is there.
                foreach (var m in chunk)
                {
                    try
                    {
                        await table.AddEntityAsync(ToEntity(cohort, m), cancellationToken).ConfigureAwait(false);
                        added++;
                    }
                    catch (RequestFailedException r) when (r.Status == 409)
                    {
                    }
                }
            }
        }

        return added;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredCohortMember>> ReadAsync(CohortKey cohort, int from, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(cohort);
        var (lo, hi) = (Row(from), Row(from + count));
        var members = new List<StoredCohortMember>(count);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk && x.RowKey.CompareTo(lo) >= 0 && x.RowKey.CompareTo(hi) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            members.Add(new StoredCohortMember(ToMember(e), e.ETag.ToString()));
        }

        return members;
    }

    /// <inheritdoc />
    public async Task<bool> TrySaveAsync(CohortKey cohort, IReadOnlyList<StoredCohortMember> members, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(members.Count, CohortRunner.MaxBatchSize);
        if (members.Count == 0)
        {
            return true;
        }

        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.SubmitTransactionAsync(
                members.Select(m => new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(cohort, m.Member), new ETag(m.ETag))),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<CohortMember?> FindAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await foreach (var (pk, rk, _) in CustomerRefs.ListAsync(clients, tenant, customerId, CustomerRefs.Cohort, cancellationToken).ConfigureAwait(false))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (row.HasValue && row.Value is { } e && ToMember(e) is var member && member.State.InstanceId == instanceId)
            {
                return member;
            }
        }

        return null;
    }

    private static string Partition(CohortKey cohort) => $"{cohort.Tenant}|{TableKeys.Escape(cohort.Id)}";

    private static CohortMember ToMember(TableEntity e) => new(
        int.Parse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture),
        JsonSerializer.Deserialize<JourneyState>(e.GetString("State"), TableJourneyStore.Json)!,
        Enum.Parse<JourneyStatus>(e.GetString("Status")),
        e.GetString("EndReason") is { } r ? Enum.Parse<JourneyEnd>(r) : null,
        e.GetDateTimeOffset("NextWakeAt"),
        JsonSerializer.Deserialize<ImmutableArray<string>>(e.GetString("AppliedSignals") ?? "[]", TableJourneyStore.Json));

    private static string Row(int index) => index.ToString("D7", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(CohortKey cohort, CohortMember m) => new(Partition(cohort), Row(m.Index))
    {
        ["State"] = JsonSerializer.Serialize(m.State, TableJourneyStore.Json),
        ["Status"] = m.Status.ToString(),
        ["EndReason"] = m.EndReason?.ToString(),
        ["NextWakeAt"] = m.NextWakeAt,
        ["AppliedSignals"] = JsonSerializer.Serialize(m.AppliedSignals.IsDefault ? [] : m.AppliedSignals, TableJourneyStore.Json),
        ["CustomerId"] = m.State.CustomerId,
    };
}
