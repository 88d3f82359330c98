using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Storage;

namespace PrivateDomain.Welcome;

/// <summary>
/// The welcome ledger in table <c>WelcomeMessages</c>: PK <c>{tenant}|{first hex digit of SHA-256(code)}</c> (16 partitions
/// per tenant, so a burst of adds spreads), RK the welcome_code. One row per code: inserted with Add (the second insert
/// of a code conflicts), then replaced under its ETag.
/// </summary>
public sealed class TableWelcomeLedger(StorageClients clients) : IWelcomeLedger
{
    /// <summary>The table name.</summary>
    public const string TableName = "WelcomeMessages";

    /// <inheritdoc />
    public async Task<Stored<WelcomeRecord>?> GetAsync(string tenant, string welcomeCode, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var (pk, rk) = Key(tenant, welcomeCode);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? new Stored<WelcomeRecord>(FromEntity(tenant, welcomeCode, e), e.ETag.ToString()) : null;
    }

    /// <inheritdoc />
    public async Task<string?> TryAddAsync(WelcomeRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<string?> TryReplaceAsync(WelcomeRecord record, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(record), new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag?.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>The row key of a code.</summary>
    public static (string PartitionKey, string RowKey) Key(string tenant, string welcomeCode)
    {
        ArgumentNullException.ThrowIfNull(welcomeCode);
        var bucket = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(welcomeCode)))[0];
        return ($"{TableKeys.Escape(tenant)}|{bucket}", TableKeys.Escape(welcomeCode));
    }

    private static TableEntity ToEntity(WelcomeRecord r)
    {
        var (pk, rk) = Key(r.Tenant, r.WelcomeCode);
        return new TableEntity(pk, rk)
        {
            ["EventKey"] = r.EventKey,
            ["UserId"] = r.UserId,
            ["ExternalUserId"] = r.ExternalUserId,
            ["AddedAt"] = r.AddedAt,
            ["Status"] = r.Status.ToString(),
            ["Reason"] = r.Reason,
            ["DecidedAt"] = r.DecidedAt,
            ["TemplateId"] = r.TemplateId,
            ["TemplateVersion"] = r.TemplateVersion,
            ["Text"] = r.Text,
            ["ClaimId"] = r.ClaimId,
        };
    }

    private static WelcomeRecord FromEntity(string tenant, string code, TableEntity e) => new(
        tenant, code, e.GetString("EventKey") ?? "", e.GetString("UserId") ?? "", e.GetString("ExternalUserId") ?? "",
        e.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.UnixEpoch,
        Enum.TryParse<WelcomeStatus>(e.GetString("Status"), out var status) ? status : WelcomeStatus.Sending,
        e.GetString("Reason"), e.GetDateTimeOffset("DecidedAt") ?? DateTimeOffset.UnixEpoch,
        e.GetString("TemplateId"), e.GetInt32("TemplateVersion"), e.GetString("Text"), e.GetString("ClaimId"));
}
