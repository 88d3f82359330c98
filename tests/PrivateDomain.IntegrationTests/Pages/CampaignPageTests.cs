using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Pages;

namespace PrivateDomain.IntegrationTests.Pages;

/// <summary>
/// Campaign pages over real HTTP: identification through the sandbox's web authorisation, one claim per customer and
/// campaign under concurrency, and every bad input a clear page or 4xx with nothing recorded.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CampaignPageTests(AzuriteFixture fixture)
{
    private static async Task<List<CustomerSignal>> PageSignalsAsync(CampaignPageStack stack, string customerId)
    {
        var list = new List<CustomerSignal>();
        await foreach (var s in stack.Host.Services.GetRequiredService<ISignalInbox>().ListAsync(stack.Tenant.Name, customerId, CancellationToken.None))
        {
            if (s.Id.StartsWith("page:", StringComparison.Ordinal))
            {
                list.Add(s);
            }
        }

        return list;
    }

    private static Task<IReadOnlyList<CampaignPageStats>> StatsAsync(CampaignPageStack stack, string campaign = "emp1:2026-12") =>
        stack.Host.Services.GetRequiredService<ICampaignPageEvents>().StatsAsync(stack.Tenant.Name, campaign, CancellationToken.None);

    [Fact]
    public async Task A_customer_opening_a_link_in_WeCom_is_identified_through_web_authorisation_and_claims_one_code_once()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var (customer, external) = await stack.NewCustomerAsync();
        await stack.Host.Services.GetRequiredService<IWelfarePools>().LoadAsync(stack.Tenant.Name, "default",
            [new WelfareCode("FL-0001", new DateOnly(2026, 12, 31)), new WelfareCode("FL-0002", null)], CancellationToken.None);
        var path = stack.PagePath(CampaignPageKinds.Welfare, "default");
        using var phone = stack.WeComWebview("customer:" + external);

        var page = await phone.GetAsync(path);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("立即领取", html, StringComparison.Ordinal);
        Assert.Single(stack.Sandbox.Sandbox.Requests, r => r.Api == "auth/getuserinfo" && r.Errcode == 0);

        var claim = await phone.PostAsync(path + "/claim", null);
        var claimed = await claim.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
        Assert.Contains("领取成功", claimed, StringComparison.Ordinal);
        var code = claimed.Contains("FL-0001", StringComparison.Ordinal) ? "FL-0001" : "FL-0002";
        Assert.Contains(code, claimed, StringComparison.Ordinal);

        // A second tap shows the same code, and hands out nothing more.
        var again = await (await phone.PostAsync(path + "/claim", null)).Content.ReadAsStringAsync();
        Assert.Contains("您已领取过", again, StringComparison.Ordinal);
        Assert.Contains(code, again, StringComparison.Ordinal);
        Assert.Equal(1, (await stack.Host.Services.GetRequiredService<IWelfarePools>().StockAsync(stack.Tenant.Name, "default", CancellationToken.None)).Claimed);

        // Signals: one view (clicked) and one claim (joined-activity), carrying the campaign and step.
        var signals = await PageSignalsAsync(stack, customer);
        Assert.Equal(["clicked", "joined-activity"], signals.Select(s => s.Kind).Order(StringComparer.Ordinal));
        Assert.All(signals, s => Assert.Equal("emp1:2026-12", s.Data["campaign"]));
        var stats = Assert.Single(await StatsAsync(stack));
        Assert.Equal((1, 1, 1), (stats.Views, stats.IdentifiedVisitors, stats.Claims));
    }

    [Fact]
    public async Task Two_hundred_simultaneous_claims_by_a_hundred_customers_on_fifty_codes_hand_out_each_code_once_and_no_customer_twice()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var pools = stack.Host.Services.GetRequiredService<IWelfarePools>();
        await pools.LoadAsync(stack.Tenant.Name, "default", [.. Enumerable.Range(1, 50).Select(i => new WelfareCode($"CODE-{i:000}", null))], CancellationToken.None);
        var path = stack.PagePath(CampaignPageKinds.Welfare, "default");
        var customers = Enumerable.Range(0, 100).Select(i => $"c{i:000}-{Guid.NewGuid():N}"[..20]).ToList();
        var clients = customers.ToDictionary(c => c, c => stack.WithSession(c));

        var claims = await Task.WhenAll(customers.Concat(customers).Select(async c =>
        {
            using var response = await clients[c].PostAsync(path + "/claim", null);
            var html = await response.Content.ReadAsStringAsync();
            var code = System.Text.RegularExpressions.Regex.Match(html, "CODE-\\d{3}").Value;
            return (Customer: c, response.StatusCode, Code: code);
        }));

        var won = claims.Where(c => c.StatusCode == HttpStatusCode.OK).ToList();
        Assert.All(claims, c => Assert.Contains(c.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var byCustomer = won.GroupBy(c => c.Customer).ToDictionary(g => g.Key, g => g.Select(x => x.Code).Distinct().ToList());
        Assert.All(byCustomer.Values, codes => Assert.Single(codes));
        Assert.Equal(50, byCustomer.Count);
        Assert.Equal(50, byCustomer.Values.Select(c => c[0]).Distinct().Count());
        var stock = await pools.StockAsync(stack.Tenant.Name, "default", CancellationToken.None);
        Assert.Equal((50, 50, 0), (stock.Loaded, stock.Claimed, stock.Available));
        Assert.Equal(50, Assert.Single(await StatsAsync(stack)).Claims);
        foreach (var client in clients.Values)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Forged_and_expired_links_get_clear_pages_and_a_claim_without_a_session_or_with_another_tenants_records_nothing()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var (customer, _) = await stack.NewCustomerAsync();
        await stack.Host.Services.GetRequiredService<IWelfarePools>().LoadAsync(stack.Tenant.Name, "default", [new WelfareCode("ONLY-1", null)], CancellationToken.None);
        var path = stack.PagePath(CampaignPageKinds.Welfare, "default");
        using var anonymous = new HttpClient { BaseAddress = stack.Host.BaseAddress };

        var forged = path[..^3] + (path[^3..] == "AAA" ? "BBB" : "AAA");
        var notFound = await anonymous.GetAsync(forged);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("链接无效", await notFound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(forged + "/claim", null)).StatusCode);

        var expired = stack.PagePath(CampaignPageKinds.Welfare, "default", expires: stack.Now.AddMinutes(-1));
        var gone = await anonymous.GetAsync(expired);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        Assert.Contains("400-000-0000", await gone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var withSession = stack.WithSession(customer))
        {
            Assert.Equal(HttpStatusCode.Gone, (await withSession.PostAsync(expired + "/claim", null)).StatusCode);
        }

        var noSession = await anonymous.PostAsync(path + "/claim", null);
        Assert.Equal(HttpStatusCode.Forbidden, noSession.StatusCode);
        Assert.Contains("请在企业微信中打开", await noSession.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var otherTenant = stack.WithSession(customer, tenant: "othertenant"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await otherTenant.PostAsync(path + "/claim", null)).StatusCode);
        }

        // A welfare link is not a quiz or product link.
        using (var withSession = stack.WithSession(customer))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await withSession.PostAsync(path + "/quiz", null)).StatusCode);
        }

        Assert.Equal(0, (await stack.Host.Services.GetRequiredService<IWelfarePools>().StockAsync(stack.Tenant.Name, "default", CancellationToken.None)).Claimed);
        Assert.Empty(await PageSignalsAsync(stack, customer));
    }

    [Fact]
    public async Task A_replayed_or_foreign_authorisation_code_leaves_the_visitor_unidentified_and_a_stranger_gets_the_page_without_a_claim()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var (customer, external) = await stack.NewCustomerAsync();
        await stack.Host.Services.GetRequiredService<IWelfarePools>().LoadAsync(stack.Tenant.Name, "default", [new WelfareCode("ONLY-1", null)], CancellationToken.None);
        var path = stack.PagePath(CampaignPageKinds.Welfare, "default");

        // The customer's own visit; the code in the callback URL is then replayed by someone else (no session cookie).
        using var phone = stack.WeComWebview("customer:" + external);
        var first = await phone.GetAsync(path);
        var callback = first.RequestMessage!.RequestUri!;
        Assert.Contains("code=", callback.Query, StringComparison.Ordinal);
        using var replay = new HttpClient { BaseAddress = stack.Host.BaseAddress };
        var replayed = await replay.GetAsync(callback.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        var html = await replayed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("立即领取", html, StringComparison.Ordinal);
        Assert.Contains("请在企业微信中", html, StringComparison.Ordinal);
        Assert.Contains(stack.Sandbox.Sandbox.Requests, r => r.Api == "auth/getuserinfo" && r.Errcode == 40029);

        // A stranger in WeChat (not a customer): the page, no claim button, a view counted against sender and content.
        using var stranger = stack.WeComWebview("stranger:oStranger123");
        var strangerPage = await (await stranger.GetAsync(path)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("立即领取", strangerPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostAsync(path + "/claim", null)).StatusCode);

        var stats = Assert.Single(await StatsAsync(stack));
        Assert.Equal(("zhangsan", 3, 1, 0), (stats.SenderId, stats.Views, stats.IdentifiedVisitors, stats.Claims));
        Assert.Single(await PageSignalsAsync(stack, customer));
    }

    [Fact]
    public async Task The_sandbox_refuses_a_redirect_outside_the_apps_trusted_domain_with_50001()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        using var client = new HttpClient { BaseAddress = stack.Sandbox.BaseAddress };
        var html = await client.GetStringAsync(
            $"/connect/oauth2/authorize?appid={stack.Tenant.CorpId}&redirect_uri={Uri.EscapeDataString("https://evil.example/p/x")}&response_type=code&scope=snsapi_base&state=s&agentid={CampaignPageStack.AgentId}");
        Assert.Contains("50001", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quiz_with_an_unanswered_question_is_sent_back_and_a_completed_quiz_counts_once()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var (customer, _) = await stack.NewCustomerAsync();
        var path = stack.PagePath(CampaignPageKinds.Quiz, "default");
        using var client = stack.WithSession(customer);

        var partial = await client.PostAsync(path + "/quiz", new FormUrlEncodedContent(new Dictionary<string, string> { ["q1"] = "1", ["q2"] = "7" }));
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        Assert.Contains("请回答第 2 题", await partial.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await PageSignalsAsync(stack, customer));

        var answers = new Dictionary<string, string> { ["q1"] = "1", ["q2"] = "1", ["q3"] = "0" };
        var done = await (await client.PostAsync(path + "/quiz", new FormUrlEncodedContent(answers))).Content.ReadAsStringAsync();
        Assert.Contains("3 / 3", done, StringComparison.Ordinal);
        var again = await (await client.PostAsync(path + "/quiz", new FormUrlEncodedContent(new Dictionary<string, string> { ["q1"] = "0", ["q2"] = "0", ["q3"] = "1" })))
            .Content.ReadAsStringAsync();
        Assert.Contains("您已完成本期答题", again, StringComparison.Ordinal);
        Assert.Contains("3 / 3", again, StringComparison.Ordinal); // the first answers stand

        var signal = Assert.Single(await PageSignalsAsync(stack, customer));
        Assert.Equal(("joined-activity", "quiz"), (signal.Kind, signal.Data["page"]));
        Assert.Equal(1, Assert.Single(await StatsAsync(stack)).Completions);
    }

    [Fact]
    public async Task A_code_past_its_last_day_is_set_aside_and_never_handed_out()
    {
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString());
        var pools = stack.Host.Services.GetRequiredService<IWelfarePools>();
        var at = new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.FromHours(8));
        await pools.LoadAsync(stack.Tenant.Name, "dated", [new WelfareCode("OLD-1", new DateOnly(2026, 12, 9)), new WelfareCode("LAST-DAY", new DateOnly(2026, 12, 10))],
            CancellationToken.None);

        var first = await pools.ClaimAsync(stack.Tenant.Name, "dated", "camp", "c1", at, CancellationToken.None);
        var second = await pools.ClaimAsync(stack.Tenant.Name, "dated", "camp", "c2", at, CancellationToken.None);

        Assert.Equal("LAST-DAY", first.Code?.Code);
        Assert.True(second.OutOfStock);
        Assert.Equal(new WelfareStock("dated", 2, 1, 1), await pools.StockAsync(stack.Tenant.Name, "dated", CancellationToken.None));
    }

    [Fact]
    public async Task With_storage_down_a_claim_gets_a_zh_CN_try_again_page_and_the_retry_shows_the_code()
    {
        await using var tables = new LoopbackProxy(fixture.Azurite.TableEndpoint.Port);
        await using var stack = await CampaignPageStack.StartAsync(fixture.Azurite.ConnectionString(tablePort: tables.Port));
        var (customer, _) = await stack.NewCustomerAsync();
        await stack.Host.Services.GetRequiredService<IWelfarePools>().LoadAsync(stack.Tenant.Name, "default", [new WelfareCode("RETRY-1", null)], CancellationToken.None);
        var path = stack.PagePath(CampaignPageKinds.Welfare, "default");
        using var client = stack.WithSession(customer);

        tables.Cut();
        var refused = await client.PostAsync(path + "/claim", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("请稍后再试", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("400-000-0000", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        tables.Restore();
        var retried = await client.PostAsync(path + "/claim", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Contains("RETRY-1", await retried.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(await PageSignalsAsync(stack, customer));
    }
}
