using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.AccountManagers;
using PrivateDomain.Storage;

namespace PrivateDomain.WeComApi;

/// <summary>
/// The JS-SDK tickets, cached in memory and in table <c>WeComJsApiTickets</c> (PK the corp id, RK <c>corp</c> or
/// <c>agent</c>) so every instance uses the same ticket until five minutes before it expires. At a refresh two instances
/// may both fetch (WeCom allows 400 an hour per corp): the later write wins and both tickets stay valid until they expire.
/// Tickets are secrets of a kind (they sign pages): never logged.
/// </summary>
public sealed class WeComJsApiTickets(
    WeComApiClient client, StorageClients clients, IOptions<WeComAppOptions> apps, TimeProvider time, ILogger<WeComJsApiTickets> log) : IJsApiTickets
{
    /// <summary>The table name.</summary>
    public const string TableName = "WeComJsApiTickets";

    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, JsApiTicketKind), (string Ticket, DateTimeOffset ExpiresAt)> _memory = new();

    /// <inheritdoc />
    public async Task<string?> GetAsync(string tenant, JsApiTicketKind kind, CancellationToken cancellationToken)
    {
        if (!apps.Value.Tenants.TryGetValue(tenant, out var app) || string.IsNullOrEmpty(app.CorpId))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (_memory.TryGetValue((app.CorpId, kind), out var cached) && cached.ExpiresAt - Margin > now)
        {
            return cached.Ticket;
        }

        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var rk = kind == JsApiTicketKind.Corp ? "corp" : "agent";
        var row = await table.GetEntityIfExistsAsync<TableEntity>(app.CorpId, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row.HasValue && row.Value is { } e && e.GetDateTimeOffset("ExpiresAt") is { } expires && expires - Margin > now && e.GetString("Ticket") is { Length: > 0 } stored)
        {
            _memory[(app.CorpId, kind)] = (stored, expires);
            return stored;
        }

        var fresh = await client.FetchJsApiTicketAsync(tenant, kind, cancellationToken).ConfigureAwait(false);
        if (fresh.Value is not { } answer)
        {
            log.LogWarning("WeCom gave no {Kind} JS-SDK ticket for {Tenant}: {ErrCode} {Meaning}", kind, tenant, fresh.Error!.Code, fresh.Error.Meaning);
            return null;
        }

        var expiresAt = now.AddSeconds(answer.ExpiresIn);
        await table.UpsertEntityAsync(new TableEntity(app.CorpId, rk) { ["Ticket"] = answer.Ticket, ["ExpiresAt"] = expiresAt }, TableUpdateMode.Replace, cancellationToken)
            .ConfigureAwait(false);
        _memory[(app.CorpId, kind)] = (answer.Ticket, expiresAt);
        return answer.Ticket;
    }
}
