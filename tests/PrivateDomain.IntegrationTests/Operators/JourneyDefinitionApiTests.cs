using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>Journey definitions, the pre-launch forecast for a segment, and the audit log, through the operator API.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JourneyDefinitionApiTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("jdef");

    private async Task SeedAsync(IServiceProvider services)
    {
        var at = services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-5);
        for (var i = 0; i < 20; i++)
        {
            var id = $"f{i:D2}";
            var tags = new List<CustomerTag> { new("代发", TagKind.Static, "crm", at) };
            if (i == 0)
            {
                tags.Add(new CustomerTag(DeliveryPolicy.OptedOutTag, TagKind.Dynamic, "link", at));
            }

            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(
                Customer.New(_edge.A.Name, id, at) with { ExternalUserIds = ["wm" + id], Tags = tags }, CancellationToken.None));
            if (i != 1)
            {
                Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(new Relationship(
                    _edge.A.Name, i % 2 == 0 ? "zhangsan" : "lisi", "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
            }
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(LocalHostInstance host, HttpMethod method, string path, string token, string? body = null)
    {
        using var response = await host.Client.SendAsync(OperatorEdge.Request(method, path, token, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_forecast_for_a_segment_counts_touches_confirmations_and_refusals_and_starts_nothing()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await SeedAsync(host.Services);
        var root = $"/api/tenants/{_edge.A.Name}/journey-definitions";
        var operatorToken = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator]);

        var (status, f) = await SendAsync(host, HttpMethod.Post, root + "/aida-nurture/forecasts", operatorToken, """{"segment":"tag:代发"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(20, f.GetProperty("customers").GetInt32());
        Assert.Equal(1, f.GetProperty("unassigned").GetInt32());
        Assert.Equal(["OptedOut 1", "NotConnected 1"], f.GetProperty("refusals").EnumerateArray()
            .Select(r => $"{r.GetProperty("reason").GetString()!.Split('：')[0]} {r.GetProperty("count").GetInt64()}"));
        // The AIDA plan's T+1 welfare goes 1:1 to each of the 18 customers the policy lets through, the day after the start.
        var firstOneToOne = f.GetProperty("touchesPerDay").EnumerateArray().First(t => t.GetProperty("channel").GetString() == "oneToOne");
        Assert.Equal(18, firstOneToOne.GetProperty("touches").GetInt64());
        Assert.Equal(DateOnly.Parse(f.GetProperty("startDay").GetString()!, System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            firstOneToOne.GetProperty("day").GetString());
        Assert.Equal(["lisi", "zhangsan"], f.GetProperty("confirmationsPerManagerPerDay").EnumerateArray().Select(c => c.GetProperty("managerId").GetString()).Distinct().Order());
        Assert.Equal(0, await host.Services.GetRequiredService<IJourneyStore>().ListRunningAsync(CancellationToken.None).CountAsync(r => r.Tenant == _edge.A.Name));

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(host, HttpMethod.Post, root + "/aida-nurture/forecasts", operatorToken, """{"segment":"tag:代发 AND ("}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(host, HttpMethod.Post, root + "/no-such-journey/forecasts", operatorToken, """{"segment":"tag:代发"}""")).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(host, HttpMethod.Post, root + "/aida-nurture/forecasts", operatorToken, """{"segment":"tag:代发","limit":5}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, root + "/aida-nurture/forecasts",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor]), """{"segment":"tag:代发"}""")).Status);
    }

    [Fact]
    public async Task Definitions_list_the_published_journeys_and_running_customers_per_stage()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await SeedAsync(host.Services);
        var operatorToken = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator]);
        var (started, _) = await SendAsync(host, HttpMethod.Post, $"/api/tenants/{_edge.A.Name}/journeys/segment-starts", operatorToken,
            """{"journeyId":"aida-nurture","segment":"tag:代发"}""");
        Assert.Equal(HttpStatusCode.OK, started);

        var auditor = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor]);
        var (_, list) = await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/journey-definitions", auditor);
        var aida = list.EnumerateArray().Single(d => d.GetProperty("journeyId").GetString() == "aida-nurture");
        Assert.Equal(19, aida.GetProperty("running").GetInt32()); // 20 in the segment, one without an account manager
        var (_, detail) = await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/journey-definitions/aida-nurture", auditor);
        Assert.Equal(19, detail.GetProperty("runningByStage").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt32()));
        Assert.Equal(["未发送", "attention", "interest", "desire", "action"], detail.GetProperty("runningByStage").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));
        var (_, other) = await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.B.Name}/journey-definitions", _edge.Tokens.Mint(_edge.EntraB, [OperatorRoles.Auditor]));
        Assert.Equal(0, other.EnumerateArray().Single(d => d.GetProperty("journeyId").GetString() == "aida-nurture").GetProperty("running").GetInt32());
    }

    [Fact]
    public async Task The_audit_log_of_a_day_is_read_by_an_Auditor_filtered_and_refused_to_an_Operator()
    {
        var clock = new PinnedClock(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), s =>
        {
            _edge.Tokens.Trust(s);
            s.AddSingleton<TimeProvider>(clock);
        });
        var operatorToken = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator], name: "ops@bank.example");
        await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/journey-definitions", operatorToken);
        await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/funnel", operatorToken);
        var auditor = _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Auditor], name: "audit@bank.example");

        var (status, rows) = await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/audit?day=2026-11-20&actor=ops@&action=funnel", auditor);

        Assert.Equal(HttpStatusCode.OK, status);
        var row = Assert.Single(rows.EnumerateArray());
        Assert.Equal("funnel.read", row.GetProperty("action").GetString());
        Assert.StartsWith("200", row.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.Empty((await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/audit?day=2026-11-19", auditor)).Body.EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/audit", operatorToken)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.A.Name}/audit?day=20.11.2026", auditor)).Status);
        var (_, ofB) = await SendAsync(host, HttpMethod.Get, $"/api/tenants/{_edge.B.Name}/audit?day=2026-11-20&action=funnel", _edge.Tokens.Mint(_edge.EntraB, [OperatorRoles.Auditor]));
        Assert.Empty(ofB.EnumerateArray());
    }
}
