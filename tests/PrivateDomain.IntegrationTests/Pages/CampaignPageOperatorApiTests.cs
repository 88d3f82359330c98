using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Operators;
using PrivateDomain.Pages;

namespace PrivateDomain.IntegrationTests.Pages;

/// <summary>The operator API for campaign pages on the local host: loading a welfare pool from CSV, its stock, and page
/// statistics per campaign, sender and content; bad CSV refused whole with the line named.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CampaignPageOperatorApiTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();
    private readonly TestTenant _tenant = TestTenant.Create("ops" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private string Pools => $"/api/tenants/{_tenant.Name}/welfare-pools";

    private static HttpRequestMessage Request(HttpMethod method, string url, string token, string? csv = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (csv is not null)
        {
            request.Content = new StringContent(csv, Encoding.UTF8, "text/csv");
        }

        return request;
    }

    // The host's clock pinned to the December payroll week, whatever the machine's date (codes' validity, claims, counts).
    private readonly PinnedClock _clock = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(8)));

    private Task<LocalHostInstance> StartHostAsync() =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?>(OperatorTokens.Settings(_tenant.Name, BankTenant)) { ["Local:PayrollRun"] = "false", ["Local:QueueWorkers"] = "false" },
            s =>
            {
                _tokens.Trust(s);
                s.AddSingleton<TimeProvider>(_clock);
            });

    [Fact]
    public async Task An_operator_loads_a_pool_from_CSV_sees_its_stock_and_a_reload_adds_only_new_codes()
    {
        await using var host = await StartHostAsync();
        var operatorToken = _tokens.Mint(BankTenant, [OperatorRoles.Operator]);
        var auditor = _tokens.Mint(BankTenant, [OperatorRoles.Auditor]);

        // Valid until a date after the host's pinned now.
        const string until = "2027-06-30";
        var loaded = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/payday-dec", operatorToken, $"code,validUntil\r\nA-001,{until}\r\nA-002,{until}\r\nA-003\r\n"));
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        var stock = await loaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((3, 0, 3, 3), (stock.GetProperty("loaded").GetInt32(), stock.GetProperty("claimed").GetInt32(), stock.GetProperty("available").GetInt32(), stock.GetProperty("added").GetInt32()));

        var claim = await host.Services.GetRequiredService<IWelfarePools>().ClaimAsync(_tenant.Name, "payday-dec", "payroll:E-1:2026-12", "c1", _clock.GetUtcNow(), CancellationToken.None);
        Assert.NotNull(claim.Code);

        var reloaded = await (await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/payday-dec", operatorToken, "A-001\nA-004\n"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((4, 1, 1), (reloaded.GetProperty("loaded").GetInt32(), reloaded.GetProperty("claimed").GetInt32(), reloaded.GetProperty("added").GetInt32()));
        var read = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Pools}/payday-dec", auditor))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, read.GetProperty("available").GetInt32());

        // An auditor reads but does not load.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/payday-dec", auditor, "B-1\n"))).StatusCode);
    }

    [Fact]
    public async Task A_CSV_with_a_bad_line_is_refused_whole_naming_the_line()
    {
        await using var host = await StartHostAsync();
        var token = _tokens.Mint(BankTenant, [OperatorRoles.Operator]);

        var refused = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/p1", token, "A-001\nA 002\nA-003,31/12/2026\n"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("line 2", problem, StringComparison.Ordinal);
        Assert.Contains("line 3", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/Bad%20Pool", token, "A-1\n"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(Request(HttpMethod.Put, $"{Pools}/p1", token, ""))).StatusCode);
        Assert.Equal(0, (await host.Services.GetRequiredService<IWelfarePools>().StockAsync(_tenant.Name, "p1", CancellationToken.None)).Loaded);
    }

    [Fact]
    public async Task Page_statistics_count_views_identified_visitors_and_each_action_per_sender_and_content()
    {
        await using var host = await StartHostAsync();
        var events = host.Services.GetRequiredService<ICampaignPageEvents>();
        var at = _clock.GetUtcNow();
        CampaignPageLink Link(string sender, string page) => new(_tenant.Name, sender, "payroll:E-1:2026-12", "payroll-campaign", "welfare", "payroll.welfare@v3", page, "default", at.AddDays(1));
        await events.CountViewAsync(Link("zhangsan", "welfare"), identified: false, at, CancellationToken.None);
        await events.CountViewAsync(Link("zhangsan", "welfare"), identified: true, at, CancellationToken.None);
        await events.RecordOnceAsync(Link("zhangsan", "welfare"), CampaignPageActions.View, "c1", at, new Dictionary<string, string>(), CancellationToken.None);
        await events.RecordOnceAsync(Link("zhangsan", "welfare"), CampaignPageActions.Claim, "c1", at, new Dictionary<string, string>(), CancellationToken.None);
        await events.RecordOnceAsync(Link("zhangsan", "welfare"), CampaignPageActions.Claim, "c1", at, new Dictionary<string, string>(), CancellationToken.None);
        await events.CountViewAsync(Link("lisi", "welfare"), identified: true, at, CancellationToken.None);
        await events.RecordOnceAsync(Link("lisi", "welfare"), CampaignPageActions.View, "c2", at, new Dictionary<string, string>(), CancellationToken.None);

        var token = _tokens.Mint(BankTenant, [OperatorRoles.Auditor]);
        var stats = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"/api/tenants/{_tenant.Name}/campaign-pages/{Uri.EscapeDataString("payroll:E-1:2026-12")}/stats", token)))
            .Content.ReadFromJsonAsync<JsonElement>();
        var rows = stats.EnumerateArray().ToDictionary(r => r.GetProperty("senderId").GetString()!);
        Assert.Equal((2, 1, 1), (rows["zhangsan"].GetProperty("views").GetInt32(), rows["zhangsan"].GetProperty("identifiedVisitors").GetInt32(), rows["zhangsan"].GetProperty("claims").GetInt32()));
        Assert.Equal((1, 1, 0), (rows["lisi"].GetProperty("views").GetInt32(), rows["lisi"].GetProperty("identifiedVisitors").GetInt32(), rows["lisi"].GetProperty("claims").GetInt32()));
        Assert.Equal("payroll.welfare@v3", rows["lisi"].GetProperty("content").GetString());
    }
}
