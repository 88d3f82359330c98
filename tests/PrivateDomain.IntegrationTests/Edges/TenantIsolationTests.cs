using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// A request's tenant comes from its route and its token only. Every operator endpoint — enumerated from the host's
/// endpoint data source, so a new one is covered without touching this test — is called with bank A's token against
/// bank B's route, and on A's route with a body naming B; nothing of B changes.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TenantIsolationTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("iso");

    private static IReadOnlyList<(string Method, RouteEndpoint Endpoint)> OperatorEndpoints(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/tenants/{tenant}", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e)))];

    private static string Url(RouteEndpoint endpoint, string tenant, string instanceId) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "tenant" } => tenant,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "instanceId" } => Uri.EscapeDataString(instanceId),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "campaignId" } => Uri.EscapeDataString("payroll:E-9:2026-12"),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "managerId" } => "zhangsan",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "year" } => "2027",
            _ => "x",
        }))));

    /// <summary>A body that names bank B every way a body can: a CRM message for B (what the import reads) carrying the
    /// fields of every JSON request (what the other endpoints read).</summary>
    private string BodyNamingB(string customerOfA) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["schema"] = CrmMessage.Schema, ["messageId"] = "iso-1", ["type"] = CrmMessageTypes.CustomerUpserted, ["tenant"] = _edge.B.Name,
        ["crmId"] = "KB1", ["version"] = 99, ["occurredAt"] = "2026-11-25T09:30:00+08:00", ["data"] = new { name = "冒名", tags = new[] { "代发" } },
        ["journeyId"] = "aida-nurture", ["customerId"] = customerOfA, ["senderId"] = "zhangsan", ["segment"] = "tag:代发",
        ["employerId"] = "E-9", ["payMonth"] = "2026-12", ["kind"] = "converted",
    });

    private static async Task SeedAsync(IServiceProvider services, string tenant, string customerId)
    {
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-3); // the host's clock, not the machine's
        Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(tenant, customerId, at) with
        {
            ExternalUserIds = ["wm" + customerId],
            Tags = [new CustomerTag("代发", TagKind.Static, "crm", at)],
            Payroll = new PayrollEnrolment("E-9", "day:10"),
        }, CancellationToken.None));
        Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
            new Relationship(tenant, "zhangsan", "wm" + customerId, customerId, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(tenant, new PayrollEmployer("E-9", PaydayRule.Parse("day:10")), CancellationToken.None);
    }

    [Fact]
    public async Task Every_operator_endpoint_refuses_a_token_of_bank_A_on_bank_Bs_route_and_nothing_of_B_changes()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await SeedAsync(host.Services, _edge.B.Name, "cb1");
        var started = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Post, $"/api/tenants/{_edge.B.Name}/journeys",
            _edge.Tokens.Mint(_edge.EntraB, [OperatorRoles.Operator]), """{"journeyId":"aida-nurture","customerId":"cb1","senderId":"zhangsan"}"""));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var instanceOfB = JourneyInstanceId.For(_edge.B.Name, "aida-nurture", "cb1");
        var before = await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.B.Name, "OperatorAudit");
        var endpoints = OperatorEndpoints(host.Services);
        Assert.True(endpoints.Count >= 11, $"only {endpoints.Count} operator endpoints found");

        var tokenOfA = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Admin, OperatorRoles.Operator, OperatorRoles.Auditor]);
        var outcomes = new List<string>();
        foreach (var (method, endpoint) in endpoints)
        {
            var response = await host.Client.SendAsync(OperatorEdge.Request(new HttpMethod(method), Url(endpoint, _edge.B.Name, instanceOfB), tokenOfA,
                method is "POST" or "PUT" or "PATCH" ? BodyNamingB("cb1") : null));
            outcomes.Add($"{method} {endpoint.RoutePattern.RawText} → {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
        }

        Assert.All(outcomes, o => Assert.EndsWith("→ 403 application/problem+json", o, StringComparison.Ordinal));
        Assert.Equal(before, await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.B.Name, "OperatorAudit"));
    }

    [Fact]
    public async Task Every_operator_endpoint_refuses_a_body_naming_another_bank_and_nothing_of_B_changes()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await SeedAsync(host.Services, _edge.A.Name, "ca1");
        await SeedAsync(host.Services, _edge.B.Name, "cb1");
        var before = await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.B.Name);

        var tokenOfA = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Admin, OperatorRoles.Operator]);
        var outcomes = new List<string>();
        foreach (var (method, endpoint) in OperatorEndpoints(host.Services).Where(e => e.Method is "POST" or "PUT" or "PATCH"))
        {
            var url = Url(endpoint, _edge.A.Name, JourneyInstanceId.For(_edge.A.Name, "aida-nurture", "ca1"));
            var response = await host.Client.SendAsync(OperatorEdge.Request(new HttpMethod(method), url, tokenOfA, BodyNamingB("ca1")));
            var text = await response.Content.ReadAsStringAsync();
            var refused = (int)response.StatusCode is >= 400 and < 500
                          || (response.IsSuccessStatusCode && text.Contains("\"applied\":0", StringComparison.Ordinal));
            outcomes.Add($"{method} {endpoint.RoutePattern.RawText} → {(int)response.StatusCode} refused={refused} {text}");
        }

        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.Contains(" refused=True ", o, StringComparison.Ordinal));
        Assert.Equal(before, await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.B.Name));
        Assert.Null(await host.Services.GetRequiredService<ICustomerStore>().FindIdAsync(_edge.B.Name, IdentityKinds.Crm, "KB1", CancellationToken.None));
    }
}
