using System.Text;
using Azure.Data.Tables;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>Everything a tenant has in the given tables, as sorted text without timestamps or ETags, for "nothing changed" checks.</summary>
public static class TableSnapshot
{
    /// <summary>Takes the snapshot.</summary>
    public static async Task<string> TakeAsync(string connectionString, string tenant, params string[] tables)
    {
        var service = new TableServiceClient(connectionString);
        var lines = new List<string>();
        foreach (var name in tables)
        {
            var table = service.GetTableClient(name);
            await table.CreateIfNotExistsAsync();
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant + "|"} and PartitionKey lt {tenant + "}"}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter))
            {
                var sb = new StringBuilder($"{name} {e.PartitionKey} {e.RowKey}");
                foreach (var (k, v) in e.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (k is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey"))
                    {
                        sb.Append(' ').Append(k).Append('=').Append(v is byte[] b ? Convert.ToBase64String(b) : v);
                    }
                }

                lines.Add(sb.ToString());
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }
}
