using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;
using PrivateDomain.Storage;

namespace PrivateDomain.WeComApi;

/// <summary>A tenant's app as the token cache keys it: the corp, and a fingerprint of the secret (never the secret).</summary>
public sealed record WeComApp(string Tenant, string CorpId, string AppSecret)
{
    /// <summary>Distinguishes apps of one corp, and a rotated secret from the old one.</summary>
    public string Key { get; } = CorpId + "|" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(AppSecret)))[..16];

    /// <inheritdoc />
    public override string ToString() => $"{Tenant} ({CorpId})"; // keeps the secret out of any accidental log
}

/// <summary>An access token, or why none could be had.</summary>
public readonly record struct AccessTokenLookup(string? Token, WeComError? Error);

/// <summary>
/// The access token per corp app, cached in memory and shared across instances in a table
/// (<see cref="WeComApiOptions.TokenTable"/>): PartitionKey the corp id, RowKey <c>app|{secret fingerprint}</c>, with
/// Token, ExpiresAt, RefreshAt, and a refresh lease (LeaseUntil, LeaseOwner).
/// </summary>
/// <remarks>
/// WeCom blocks callers that call gettoken often [91039], so a refresh happens once: in-process a semaphore per app, across
/// instances the lease row taken with an ETag-conditional write; whoever loses waits for the winner's token. A token is
/// replaced <see cref="WeComApiOptions.TokenRefreshMargin"/> before it expires, or when a call reports it rejected
/// (40014/42001): the caller passes the rejected token and gets a different one.
/// </remarks>
public sealed class WeComAccessTokens(
    StorageClients clients,
    IHttpClientFactory httpClients,
    IOptions<WeComApiOptions> options,
    TimeProvider time,
    ILogger<WeComAccessTokens> logger)
{
    /// <summary>The named HttpClient both the token cache and the client use.</summary>
    public const string HttpClientName = "PrivateDomain.WeComApi";

    private readonly WeComApiOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RefreshAt)> _memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly string _instance = Environment.MachineName + ":" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A valid token for <paramref name="app"/>, other than <paramref name="rejected"/> if one was just refused.</summary>
    public async Task<AccessTokenLookup> GetAsync(WeComApp app, string? rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (FromMemory(app, rejected) is { } cached)
        {
            return new AccessTokenLookup(cached, null);
        }

        var gate = _gates.GetOrAdd(app.Key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return FromMemory(app, rejected) is { } again
                ? new AccessTokenLookup(again, null)
                : await FromTableOrRefreshAsync(app, rejected, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private string? FromMemory(WeComApp app, string? rejected) =>
        _memory.TryGetValue(app.Key, out var t) && t.Token != rejected && t.RefreshAt > time.GetUtcNow() ? t.Token : null;

    private async Task<AccessTokenLookup> FromTableOrRefreshAsync(WeComApp app, string? rejected, CancellationToken ct)
    {
        var table = await clients.TableAsync(_options.TokenTable, ct).ConfigureAwait(false);
        var pk = TableKeys.Escape(app.CorpId);
        var rk = "app|" + app.Key[(app.CorpId.Length + 1)..];
        var deadline = time.GetUtcNow() + (_options.TokenLeaseDuration * 2);
        var wait = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var row = (await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false)) is { HasValue: true } r
                ? r.Value
                : null;
            var now = time.GetUtcNow();
            var shared = row?.GetString("Token");
            if (shared is not null && shared != rejected && row!.GetDateTimeOffset("RefreshAt") is { } refreshAt && refreshAt > now)
            {
                _memory[app.Key] = (shared, refreshAt);
                return new AccessTokenLookup(shared, null);
            }

            if (row?.GetDateTimeOffset("LeaseUntil") is not { } leaseUntil || leaseUntil <= now)
            {
                var lease = new TableEntity(pk, rk)
                {
                    ["LeaseUntil"] = now + _options.TokenLeaseDuration,
                    ["LeaseOwner"] = _instance,
                };
                try
                {
                    var written = row is null
                        ? await table.AddEntityAsync(lease, ct).ConfigureAwait(false)
                        : await table.UpdateEntityAsync(lease, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    return await RefreshUnderLeaseAsync(app, table, lease, written.Headers.ETag ?? ETag.All, shared ?? rejected, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // Another instance took the lease first; wait for its token.
                }
            }

            if (time.GetUtcNow() > deadline)
            {
                return new AccessTokenLookup(null, new WeComError(WeComErrors.Transport,
                    "another instance holds the access-token refresh lease and did not finish; retry later", WeComErrorKind.Transient, "gettoken"));
            }

            await Task.Delay(wait, time, ct).ConfigureAwait(false);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 250));
        }
    }

    private async Task<AccessTokenLookup> RefreshUnderLeaseAsync(
        WeComApp app, TableClient table, TableEntity lease, ETag etag, string? previous, CancellationToken ct)
    {
        var fetched = await FetchAsync(app, ct).ConfigureAwait(false);
        if (fetched.Error is not null)
        {
            try
            {
                // Let the next caller (here or elsewhere) try at once rather than wait out the lease.
                lease["LeaseUntil"] = DateTimeOffset.UnixEpoch;
                await table.UpdateEntityAsync(lease, etag, TableUpdateMode.Replace, CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
            }

            return new AccessTokenLookup(null, fetched.Error);
        }

        var lifetime = TimeSpan.FromSeconds(fetched.ExpiresIn);
        var expiresAt = time.GetUtcNow() + lifetime;
        // WeCom may hand out the token it already issued, with its remaining lifetime: asking again before it expires
        // cannot get a newer one, so keep it to its end. A new token is replaced a margin early (at most half its life).
        var refreshAt = fetched.Token == previous
            ? expiresAt
            : expiresAt - TimeSpan.FromTicks(Math.Min(_options.TokenRefreshMargin.Ticks, lifetime.Ticks / 2));
        var row = new TableEntity(lease.PartitionKey, lease.RowKey)
        {
            ["Token"] = fetched.Token,
            ["ExpiresAt"] = expiresAt,
            ["RefreshAt"] = refreshAt,
            ["LeaseUntil"] = DateTimeOffset.UnixEpoch,
            ["LeaseOwner"] = _instance,
        };
        // Unconditional: the token is fresh even if our lease ran out meanwhile.
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        _memory[app.Key] = (fetched.Token!, refreshAt);
        logger.LogInformation("Fetched a new WeCom access token for {Tenant} corp {CorpId}, valid until {ExpiresAt:O}.", app.Tenant, app.CorpId, expiresAt);
        return new AccessTokenLookup(fetched.Token, null);
    }

    // gettoken [91039]: GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET → access_token, expires_in (usually 7200).
    private async Task<(string? Token, long ExpiresIn, WeComError? Error)> FetchAsync(WeComApp app, CancellationToken ct)
    {
        var url = new Uri(_options.BaseUrl, "/cgi-bin/gettoken?corpid=" + Uri.EscapeDataString(app.CorpId) + "&corpsecret=" + Uri.EscapeDataString(app.AppSecret));
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_options.Timeout);
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            using var response = await http.GetAsync(url, attempt.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("WeCom gettoken for {CorpId} answered HTTP {Status}.", app.CorpId, (int)response.StatusCode);
                return (null, 0, WeComErrors.Describe(WeComErrors.Transport, api: "gettoken"));
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(attempt.Token).ConfigureAwait(false));
            var root = doc.RootElement;
            var code = root.TryGetProperty("errcode", out var c) ? c.GetInt32() : 0;
            if (code != 0)
            {
                var error = WeComErrors.Describe(code, root.TryGetProperty("errmsg", out var m) ? WeComLogRedaction.Redact(m.GetString()) : null, "gettoken");
                logger.LogWarning("WeCom gettoken for {CorpId} failed with {ErrCode} ({Kind}).", app.CorpId, code, error.Kind);
                return (null, 0, error);
            }

            var token = root.GetProperty("access_token").GetString();
            var expiresIn = root.TryGetProperty("expires_in", out var e) ? e.GetInt64() : 7200;
            return string.IsNullOrEmpty(token) || expiresIn <= 0
                ? (null, 0, WeComErrors.Describe(WeComErrors.BadResponse, api: "gettoken"))
                : (token, expiresIn, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("WeCom gettoken for {CorpId} timed out after {Timeout}.", app.CorpId, _options.Timeout);
            return (null, 0, WeComErrors.Describe(WeComErrors.Transport, api: "gettoken"));
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("WeCom gettoken for {CorpId} failed: {Error}.", app.CorpId, WeComLogRedaction.Redact(e.Message));
            return (null, 0, WeComErrors.Describe(WeComErrors.Transport, api: "gettoken"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            logger.LogWarning("WeCom gettoken for {CorpId} answered something that is not its JSON contract.", app.CorpId);
            return (null, 0, WeComErrors.Describe(WeComErrors.BadResponse, api: "gettoken"));
        }
    }
}
