using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>The operator's JSONL import endpoint for CRM messages.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrmImportApiTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private string Line(string crmId, long version, string name) => JsonSerializer.Serialize(new
    {
        schema = CrmMessage.Schema, messageId = Guid.NewGuid().ToString(), type = CrmMessageTypes.CustomerUpserted, tenant = _tenant.Name,
        crmId, version, occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), data = new { name },
    });

    private HttpRequestMessage Upload(string jsonl, string[] roles) => new(HttpMethod.Post, $"/api/tenants/{_tenant.Name}/crm/import")
    {
        Content = new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson"),
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Mint(BankTenant, roles)) },
    };

    [Fact]
    public async Task A_JSONL_upload_is_applied_line_by_line_with_versions_honoured_and_bad_lines_named()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            OperatorTokens.Settings(_tenant.Name, BankTenant), _tokens.Trust);
        var jsonl = string.Join('\n', Line("K1", 2, "新"), Line("K1", 1, "旧"), "{\"schema\":\"privatedomain.crm/1\"}", "", Line("K2", 1, "另一位"));

        var response = await host.Client.SendAsync(Upload(jsonl, [OperatorRoles.Operator]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((5, 2, 1, 1), (summary.GetProperty("lines").GetInt32(), summary.GetProperty("applied").GetInt32(),
            summary.GetProperty("stale").GetInt32(), summary.GetProperty("poisoned").GetInt32()));
        Assert.StartsWith("line 3: ", summary.GetProperty("firstProblems")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auditor_cannot_import()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            OperatorTokens.Settings(_tenant.Name, BankTenant), _tokens.Trust);

        var response = await host.Client.SendAsync(Upload(Line("K3", 1, "x"), [OperatorRoles.Auditor]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
