using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Pages;

/// <summary>
/// Welfare pools in table <c>WelfarePools</c>, one partition per tenant and pool: a row per code (RK <c>c|{code}</c>,
/// <c>Claimed</c>) and a row per claim (RK <c>k|{campaign}|{customer}</c>). A claim is one entity-group transaction that
/// flips an unclaimed code (If-Match its ETag) and adds the claim row: a code taken meanwhile fails it with 412 (try
/// another), a claim row already there fails it with 409 (the customer has theirs) — so under any concurrency a code goes
/// out once and a customer gets one per campaign, with nothing to repair after a crash.
/// </summary>
public sealed class TableWelfarePools(StorageClients clients) : IWelfarePools
{
    /// <summary>The table name.</summary>
    public const string TableName = "WelfarePools";

    private const int Candidates = 32;
    private const int MaxAttempts = 500;
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    /// <inheritdoc />
    public async Task<WelfareStock> LoadAsync(string tenant, string pool, IReadOnlyList<WelfareCode> codes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, pool);
        foreach (var chunk in codes.DistinctBy(c => c.Code, StringComparer.Ordinal).Chunk(100))
        {
            // Add, not upsert: reloading a file must not hand out a claimed code again.
            var actions = chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(pk, CodeKey(c.Code))
            {
                ["Code"] = c.Code,
                ["ValidUntil"] = c.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["Claimed"] = false,
            })).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                // Some codes are in the pool already: add the others one by one.
                foreach (var a in actions)
                {
                    try
                    {
                        await table.AddEntityAsync((TableEntity)a.Entity, cancellationToken).ConfigureAwait(false);
                    }
                    catch (RequestFailedException conflict) when (conflict.Status == 409)
                    {
                    }
                }
            }
        }

        return await StockAsync(tenant, pool, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WelfareStock> StockAsync(string tenant, string pool, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        int loaded = 0, claimed = 0, expired = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(CodesFilter(tenant, pool), select: ["Claimed", "Expired"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            loaded++;
            if (e.GetBoolean("Expired") == true)
            {
                expired++;
            }
            else if (e.GetBoolean("Claimed") == true)
            {
                claimed++;
            }
        }

        return new WelfareStock(pool, loaded, claimed, expired);
    }

    /// <inheritdoc />
    public async Task<WelfareClaim> ClaimAsync(string tenant, string pool, string campaign, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, pool);
        var claimKey = $"k|{TableKeys.Escape(campaign)}|{TableKeys.Escape(customerId)}";
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(pk, claimKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing.HasValue && existing.Value is { } previous)
            {
                return new WelfareClaim(ToCode(previous), AlreadyClaimed: true);
            }

            var free = new List<TableEntity>(Candidates);
            await foreach (var page in table.QueryAsync<TableEntity>($"{CodesFilter(tenant, pool)} and Claimed eq false", maxPerPage: Candidates, cancellationToken: cancellationToken)
                .AsPages().ConfigureAwait(false))
            {
                free.AddRange(page.Values);
                if (free.Count > 0)
                {
                    break;
                }
            }

            if (free.Count == 0)
            {
                return new WelfareClaim(null, AlreadyClaimed: false);
            }

            // Concurrent claimers see the same first free codes: each picks one at random so most transactions succeed.
            var code = free[RandomNumberGenerator.GetInt32(free.Count)];
            if (code.GetString("ValidUntil") is { Length: > 0 } until
                && string.CompareOrdinal(until, at.ToOffset(ChinaTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) < 0)
            {
                // Past its last day: set aside (Claimed, so no query offers it again; Expired, so the stock says why).
                code["Claimed"] = true;
                code["Expired"] = true;
                try
                {
                    await table.UpdateEntityAsync(code, code.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == 412)
                {
                    // Someone else set it aside or took it first.
                }

                continue;
            }

            code["Claimed"] = true;
            code["ClaimedBy"] = customerId;
            code["Campaign"] = campaign;
            code["ClaimedAt"] = at;
            var claim = new TableEntity(pk, claimKey)
            {
                ["Code"] = code.GetString("Code"),
                ["ValidUntil"] = code.GetString("ValidUntil"),
                ["CustomerId"] = customerId,
                ["Campaign"] = campaign,
                ["At"] = at,
            };
            try
            {
                await table.SubmitTransactionAsync(
                    [new(TableTransactionActionType.UpdateReplace, code, code.ETag), new(TableTransactionActionType.Add, claim)], cancellationToken).ConfigureAwait(false);
                return new WelfareClaim(ToCode(claim), AlreadyClaimed: false);
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // 412: another claim took the code first; 409: this customer's other click won. Look again.
            }
        }

        throw new InvalidOperationException($"Welfare pool {pool} of {tenant}: no claim succeeded after {MaxAttempts} attempts under contention.");
    }

    private static WelfareCode ToCode(TableEntity e) =>
        new(e.GetString("Code"), e.GetString("ValidUntil") is { Length: > 0 } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null);

    private static string Partition(string tenant, string pool) => $"{tenant}|{TableKeys.Escape(pool)}";

    private static string CodeKey(string code) => "c|" + TableKeys.Escape(code);

    private static string CodesFilter(string tenant, string pool) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenant, pool)} and RowKey ge {"c|"} and RowKey lt {"c}"}");
}
