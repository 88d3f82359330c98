using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>
/// The funnel read from a seeded November: relationships with channel codes, employees with branches, touches in the
/// ledger, clicks, intent tags, purchases and a referral — some just outside the period — and the numbers the scenario
/// says, written out by hand, not computed by the code under test.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunnelApiTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("funnel");

    private static async Task<JsonElement> FunnelAsync(LocalHostInstance host, string path, string token)
    {
        using var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Get, path, token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string Rows(JsonElement table) => string.Join("; ", table.GetProperty("rows").EnumerateArray().Append(table.GetProperty("total"))
        .Select(r => $"{r.GetProperty("key").GetString()} {r.GetProperty("added")}/{r.GetProperty("engaged")}/{r.GetProperty("intent")}/{r.GetProperty("converted")}/{r.GetProperty("referred")}"));

    [Fact]
    public async Task The_funnel_of_a_period_counts_what_the_seeded_scenario_did_by_channel_content_manager_and_branch()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await FunnelScenario.SeedNovemberAsync(host.Services, _edge.A.Name);
        var auditor = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor]);
        var root = $"/api/tenants/{_edge.A.Name}/funnel?from=2026-11-01&to=2026-11-30&by=";

        // added/engaged/intent/converted/referred
        Assert.Equal("branch-017 2/2/1/1/1; partner-shanghui 1/0/0/0/0; referral-c1 1/1/0/0/0; (无) 1/0/0/0/0; 合计 5/3/1/1/1",
            Rows(await FunnelAsync(host, root + "channel", auditor)));
        Assert.Equal("aida.attention.welfare 2/2/0/1/1; aida.desire.tip-1 1/1/1/0/0; (无) 2/0/0/0/0; 合计 5/3/1/1/1",
            Rows(await FunnelAsync(host, root + "content", auditor)));
        Assert.Equal("zhangsan 3/2/1/1/1; lisi 2/1/0/0/0; 合计 5/3/1/1/1", Rows(await FunnelAsync(host, root + "manager", auditor)));
        Assert.Equal("西湖支行 3/2/1/1/1; 滨江支行 2/1/0/0/0; 合计 5/3/1/1/1", Rows(await FunnelAsync(host, root + "branch", auditor)));
        // December: c6 only; c2's referral counts from the day c6 came.
        Assert.Equal("referral-c2 1/0/0/0/0; 合计 1/0/0/0/0",
            Rows(await FunnelAsync(host, $"/api/tenants/{_edge.A.Name}/funnel?from=2026-12-01&to=2026-12-31&by=channel", auditor)));
        // Bank B has none of it.
        Assert.Equal("合计 0/0/0/0/0", Rows(await FunnelAsync(host, $"/api/tenants/{_edge.B.Name}/funnel?from=2026-11-01&to=2026-11-30",
            _edge.Tokens.Mint(_edge.EntraB, [OperatorRoles.Auditor]))));
    }

    [Theory]
    [InlineData("?from=2026-11-31", "from")]
    [InlineData("?to=11/30/2026", "to")]
    [InlineData("?by=region", "by")]
    [InlineData("?by=channel,content", "by")]
    [InlineData("?by=1", "by")]
    [InlineData("?from=2026-12-01&to=2026-11-01", "from")]
    [InlineData("?from=2025-01-01&to=2026-11-30", "from")]
    public async Task A_bad_period_or_dimension_is_a_400_naming_the_parameter(string query, string field)
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A], _edge.Settings(), _edge.Tokens.Trust);
        using var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/funnel{query}",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator])));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }
}
