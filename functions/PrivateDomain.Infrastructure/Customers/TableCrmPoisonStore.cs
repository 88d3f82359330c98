using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Invalid CRM messages in table <c>CrmPoison</c>: PK <c>{tenant or "unknown"}|{yyyyMMdd}</c>, RK
/// <c>{received ticks}|{hash of the body}</c>, with the reason, the source and the body (truncated past 30,000 characters).
/// </summary>
public sealed class TableCrmPoisonStore(StorageClients clients) : ICrmPoisonStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "CrmPoison";

    /// <inheritdoc />
    public async Task KeepAsync(string? tenant, string body, string reason, string source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))[..16];
        await table.UpsertEntityAsync(new TableEntity(
            string.Create(CultureInfo.InvariantCulture, $"{tenant ?? "unknown"}|{at.UtcDateTime:yyyyMMdd}"),
            string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}|{hash}"))
        {
            ["Reason"] = reason,
            ["Source"] = source,
            ["ReceivedAt"] = at,
            ["Body"] = body.Length > 30_000 ? body[..30_000] : body,
            ["Truncated"] = body.Length > 30_000,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
