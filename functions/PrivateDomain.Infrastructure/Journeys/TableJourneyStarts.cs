using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// Journey start rows in table <c>JourneyStarts</c>: PK <c>{tenant}|{customer}</c> (so a customer's journeys are one
/// partition query), RK the instance id (escaped). Claims are an insert (409 = somebody else has it) or, for an expired
/// <see cref="JourneyStartStatus.Starting"/> claim, a replace with the row's ETag (412 = somebody else took it over).
/// </summary>
public sealed class TableJourneyStarts(StorageClients clients) : IJourneyStarts
{
    /// <summary>The table name.</summary>
    public const string TableName = "JourneyStarts";

    private const int MaxAttempts = 10;

    /// <inheritdoc />
    public async Task<JourneyStartClaim> ClaimAsync(
        string tenant, string customerId, string instanceId, string journeyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var claim = new JourneyStartRow(tenant, customerId, instanceId, journeyId, JourneyStartStatus.Starting, now);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            try
            {
                await table.AddEntityAsync(ToEntity(claim), cancellationToken).ConfigureAwait(false);
                return new JourneyStartClaim(true, claim);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Somebody has it; see below whether their claim still holds.
            }

            if (await GetAsync(table, tenant, customerId, instanceId, cancellationToken).ConfigureAwait(false) is not var (row, etag))
            {
                continue; // deleted in between (erasure): try the insert again
            }

            if (row.Status != JourneyStartStatus.Starting || now - row.ClaimedAt < JourneyStartRow.ClaimLease)
            {
                return new JourneyStartClaim(false, row);
            }

            try
            {
                // The previous starter did not confirm within the lease: take its claim over, at most one of us wins.
                await table.UpdateEntityAsync(ToEntity(claim with { JourneyId = row.JourneyId }), new ETag(etag), TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                return new JourneyStartClaim(true, claim with { JourneyId = row.JourneyId });
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Somebody else took it over or it moved on; read it again.
            }
        }

        throw new InvalidOperationException($"The start row of {instanceId} kept changing; retry the start.");
    }

    /// <inheritdoc />
    public Task ConfirmAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken) =>
        MoveAsync(tenant, customerId, instanceId, JourneyStartStatus.Running, null, cancellationToken);

    /// <inheritdoc />
    public Task<bool> EndAsync(string tenant, string customerId, string instanceId, JourneyEnd reason, CancellationToken cancellationToken) =>
        MoveAsync(tenant, customerId, instanceId, JourneyStartStatus.Ended, reason, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<JourneyStartRow> ListAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, customerId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(tenant, customerId, e);
        }
    }

    /// <summary>Moves a row forward (never back from Ended); false if there is no row or it had ended already.</summary>
    private async Task<bool> MoveAsync(
        string tenant, string customerId, string instanceId, JourneyStartStatus status, JourneyEnd? reason, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await GetAsync(table, tenant, customerId, instanceId, cancellationToken).ConfigureAwait(false) is not var (row, etag)
                || row.Status == JourneyStartStatus.Ended)
            {
                return false;
            }

            if (row.Status == status)
            {
                return true;
            }

            try
            {
                await table.UpdateEntityAsync(ToEntity(row with { Status = status, EndReason = reason }), new ETag(etag), TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Changed under us; read it again.
            }
        }

        throw new InvalidOperationException($"The start row of {instanceId} kept changing; retry.");
    }

    private static async Task<(JourneyStartRow Row, string ETag)?> GetAsync(
        TableClient table, string tenant, string customerId, string instanceId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition(tenant, customerId), TableKeys.Escape(instanceId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? (FromEntity(tenant, customerId, e), e.ETag.ToString()) : null;
    }

    internal static string Partition(string tenant, string customerId) => $"{tenant}|{TableKeys.Escape(customerId)}";

    private static TableEntity ToEntity(JourneyStartRow r) => new(Partition(r.Tenant, r.CustomerId), TableKeys.Escape(r.InstanceId))
    {
        ["InstanceId"] = r.InstanceId,
        ["JourneyId"] = r.JourneyId,
        ["Status"] = r.Status.ToString(),
        ["ClaimedAt"] = r.ClaimedAt,
        ["EndReason"] = r.EndReason?.ToString(),
    };

    private static JourneyStartRow FromEntity(string tenant, string customerId, TableEntity e) => new(
        tenant, customerId, e.GetString("InstanceId"), e.GetString("JourneyId"), Enum.Parse<JourneyStartStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("ClaimedAt") ?? default, e.GetString("EndReason") is { } reason ? Enum.Parse<JourneyEnd>(reason) : null);
}
