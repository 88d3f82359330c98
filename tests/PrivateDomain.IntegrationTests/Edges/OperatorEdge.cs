using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>Two banks on one local host, each operated from its own Entra tenant, for the edge tests.</summary>
public sealed class OperatorEdge
{
    public OperatorEdge(string prefix = "edge")
    {
        A = TestTenant.Create(prefix + "a" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));
        B = TestTenant.Create(prefix + "b" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));
    }

    public TestTenant A { get; }
    public TestTenant B { get; }
    public Guid EntraA { get; } = Guid.NewGuid();
    public Guid EntraB { get; } = Guid.NewGuid();
    public OperatorTokens Tokens { get; } = new();

    /// <summary>Operator settings for both tenants (queue workers off unless <paramref name="queueWorkers"/>).</summary>
    public Dictionary<string, string?> Settings(bool queueWorkers = false)
    {
        var settings = OperatorTokens.Settings(A.Name, EntraA);
        settings[$"Operators:Tenants:{B.Name}:EntraTenantId"] = EntraB.ToString();
        settings["Local:QueueWorkers"] = queueWorkers ? "true" : "false";
        settings["Local:PayrollRun"] = "false";
        return settings;
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, string? token, string? body = null, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, mediaType);
        }

        return request;
    }

    /// <summary>Every row of every table whose PartitionKey is the tenant or starts with "{tenant}|", except the
    /// tables named in <paramref name="except"/>, as sorted text without timestamps.</summary>
    public static async Task<string> SnapshotAsync(string connectionString, string tenant, params string[] except)
    {
        var service = new TableServiceClient(connectionString);
        var lines = new List<string>();
        await foreach (var t in service.QueryAsync())
        {
            if (except.Contains(t.Name, StringComparer.Ordinal))
            {
                continue;
            }

            var table = service.GetTableClient(t.Name);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant} or (PartitionKey ge {tenant + "|"} and PartitionKey lt {tenant + "}"})");
            await foreach (var e in table.QueryAsync<TableEntity>(filter))
            {
                var sb = new StringBuilder($"{t.Name} {e.PartitionKey} {e.RowKey}");
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
