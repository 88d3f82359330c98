using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Pages;

/// <summary>
/// What visitors do on campaign pages, in table <c>CampaignPageEvents</c>, one partition per tenant and campaign: a row
/// per view (RK <c>h|{time}|{random}</c>, with sender, content and whether the visitor was identified) and a row per
/// customer and action (RK <c>a|{action}|{customer}</c>, added once: the first wins, a repeat finds it). Statistics read
/// the campaign's partition.
/// </summary>
public sealed class TableCampaignPageEvents(StorageClients clients) : ICampaignPageEvents
{
    /// <summary>The table name.</summary>
    public const string TableName = "CampaignPageEvents";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task CountViewAsync(CampaignPageLink link, bool identified, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(Partition(link.Tenant, link.CampaignKey),
            string.Create(CultureInfo.InvariantCulture, $"h|{at.UtcDateTime:yyyyMMddHHmmssfff}|{RandomNumberGenerator.GetHexString(12)}"))
        {
            ["SenderId"] = link.SenderId,
            ["Content"] = link.Content,
            ["Page"] = link.Page,
            ["Identified"] = identified,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CampaignPageAction> RecordOnceAsync(CampaignPageLink link, string action, string customerId, DateTimeOffset at,
        IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition(link.Tenant, link.CampaignKey), ActionKey(action, customerId))
            {
                ["SenderId"] = link.SenderId,
                ["Content"] = link.Content,
                ["Page"] = link.Page,
                ["Item"] = link.Item,
                ["CustomerId"] = customerId,
                ["At"] = at,
                ["Data"] = JsonSerializer.Serialize(data, Json),
                ["Signalled"] = false,
            }, cancellationToken).ConfigureAwait(false);
            return new CampaignPageAction(at, data, false, IsNew: true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await FindAsync(link, action, customerId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The {action} of {customerId} on {link.CampaignKey} conflicted but cannot be read.", e);
        }
    }

    /// <inheritdoc />
    public async Task<CampaignPageAction?> FindAsync(CampaignPageLink link, string action, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition(link.Tenant, link.CampaignKey), ActionKey(action, customerId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return found.HasValue && found.Value is { } e
            ? new CampaignPageAction(e.GetDateTimeOffset("At") ?? DateTimeOffset.UnixEpoch,
                JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Data") ?? "{}", Json) ?? [], e.GetBoolean("Signalled") == true, IsNew: false)
            : null;
    }

    /// <inheritdoc />
    public async Task MarkSignalledAsync(CampaignPageLink link, string action, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.UpdateEntityAsync(new TableEntity(Partition(link.Tenant, link.CampaignKey), ActionKey(action, customerId)) { ["Signalled"] = true },
            ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CampaignPageStats>> StatsAsync(string tenant, string campaign, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var rows = new Dictionary<(string Sender, string Content), int[]>();
        var visitors = new HashSet<(string, string, string)>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenant, campaign)}"), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            var key = (e.GetString("SenderId") ?? "", e.GetString("Content") ?? "");
            if (!rows.TryGetValue(key, out var n))
            {
                rows[key] = n = new int[5];
            }

            if (e.RowKey.StartsWith("h|", StringComparison.Ordinal))
            {
                n[0]++;
                continue;
            }

            switch (e.RowKey.Split('|')[1])
            {
                case CampaignPageActions.View when visitors.Add((key.Item1, key.Item2, e.GetString("CustomerId") ?? "")):
                    n[1]++;
                    break;
                case CampaignPageActions.Claim:
                    n[2]++;
                    break;
                case CampaignPageActions.Completion:
                    n[3]++;
                    break;
                case CampaignPageActions.Intent:
                    n[4]++;
                    break;
            }
        }

        return [.. rows.OrderBy(r => r.Key.Sender, StringComparer.Ordinal).ThenBy(r => r.Key.Content, StringComparer.Ordinal)
            .Select(r => new CampaignPageStats(campaign, r.Key.Sender, r.Key.Content, r.Value[0], r.Value[1], r.Value[2], r.Value[3], r.Value[4]))];
    }

    private static string Partition(string tenant, string campaign) => $"{tenant}|{TableKeys.Escape(campaign)}";

    private static string ActionKey(string action, string customerId) => $"a|{action}|{TableKeys.Escape(customerId)}";
}
