using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>Customer lookup (masked) and erasure with a reason through the operator API.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomerApiTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("cust");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(LocalHostInstance host, HttpMethod method, string path, string token, string? body = null)
    {
        using var response = await host.Client.SendAsync(OperatorEdge.Request(method, path, token, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_customer_is_found_masked_and_only_an_Admin_erases_them_with_a_reason()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        var at = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-3);
        Assert.True(await host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(_edge.A.Name, "k1", at) with
        {
            CrmId = "KB-77", Name = "王小明", PhoneMasked = "138****5678", ExternalUserIds = ["wmk1"], Tags = [new CustomerTag("白领", TagKind.Static, "crm", at)],
        }, CancellationToken.None));
        Assert.True(await host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
            new Relationship(_edge.A.Name, "zhangsan", "wmk1", "k1", at, "branch-017", "branch", null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        var root = $"/api/tenants/{_edge.A.Name}/customers";
        var auditor = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor]);

        var (found, c) = await SendAsync(host, HttpMethod.Get, root + "?crmId=KB-77", auditor);
        Assert.Equal(HttpStatusCode.OK, found);
        Assert.Equal("k1", c.GetProperty("customerId").GetString());
        Assert.Equal("王**", c.GetProperty("name").GetString());
        Assert.Equal("138****5678", c.GetProperty("phone").GetString());
        Assert.DoesNotContain("KB-77", c.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("zhangsan", c.GetProperty("managers")[0].GetProperty("managerId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(host, HttpMethod.Get, root + "?crmId=KB-77&id=k1", auditor)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.B.Name}/customers?id=k1",
            _edge.Tokens.Mint(_edge.EntraB, [OperatorRoles.Auditor]))).Status);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, root + "/k1/erasure", auditor, """{"reason":"PIPL-1"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, root + "/k1/erasure",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator]), """{"reason":"PIPL-1"}""")).Status);
        var admin = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Admin], name: "dpo@bank.example");
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(host, HttpMethod.Post, root + "/k1/erasure", admin, """{"reason":" "}""")).Status);
        var (erased, record) = await SendAsync(host, HttpMethod.Post, root + "/k1/erasure", admin, """{"reason":"PIPL-2026-0042"}""");

        Assert.Equal(HttpStatusCode.OK, erased);
        Assert.True(record.GetProperty("profileRemoved").GetBoolean());
        Assert.Equal("dpo@bank.example", record.GetProperty("requestedBy").GetString());
        Assert.Equal("PIPL-2026-0042", record.GetProperty("reason").GetString());
        Assert.Null(await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_edge.A.Name, "k1", CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(host, HttpMethod.Get, root + "?id=k1", auditor)).Status);
    }
}
