using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateDomain.AccountManagers;
using PrivateDomain.Campaigns;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Browser;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Content.Storage;
using PrivateDomain.Local.Sandbox;

namespace PrivateDomain.IntegrationTests.AccountManagers;

/// <summary>
/// The chat sidebar (聊天工具栏) in headless Chromium at a phone viewport, against the local host, Azurite and the WeCom
/// sandbox (web authorisation, tickets, app messages). WeCom's JS-SDK is replaced by a stub served at its own URL that
/// records every call and answers getCurExternalContact with the customer the test names. Screenshots are kept.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChatSidebarBrowserTests(AzuriteFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string Manager = "zhaoliu";
    private const string OtherManager = "lisi";
    private const string CampaignId = "payroll:E-7:2026-12";
    private const int AgentId = 1000002;

    // The JS-SDK stand-in: wx.config / wx.ready / wx.agentConfig / wx.invoke, every call recorded in window.__wx.
    private const string JsSdkStub = """
        window.__wx = { calls: [] };
        window.wx = {
          config: function (c) { __wx.calls.push({ api: 'config', args: c }); },
          ready: function (f) { setTimeout(f, 0); },
          error: function () {},
          agentConfig: function (c) { __wx.calls.push({ api: 'agentConfig', args: c }); setTimeout(c.success, 0); },
          invoke: function (name, args, cb) {
            __wx.calls.push({ api: name, args: args });
            if (name === 'getCurExternalContact') { cb({ err_msg: 'getCurExternalContact:ok', userId: window.__chatWith }); }
            else { cb({ err_msg: name + ':ok' }); }
          }
        };
        """;

    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly TestTenant _tenant = TestTenant.Create("sbr" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly JourneyClock _clock = JourneyClock.Manual(new DateTimeOffset(2026, 12, 3, 10, 0, 0, Shanghai));
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _sandbox.WebAuth.RegisterApp(_tenant.CorpId, AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1");
        _sandbox.AppMessages.RegisterAgent(_tenant.CorpId, AgentId, Manager, OtherManager);
        _host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["Local:ManagerDigest"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            [$"WeCom:Tenants:{_tenant.Name}:BankName"] = "示例农商银行",
            [$"WeCom:Tenants:{_tenant.Name}:BankSite"] = "https://h5.bank.example",
            ["CampaignPages:AuthorizeUrl"] = new Uri(_sandbox.BaseAddress, "/connect/oauth2/authorize").AbsoluteUri,
            [$"Managers:AgentIds:{_tenant.Name}"] = AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Managers:SidebarKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            [$"Managers:BankTags:{_tenant.Name}:理财意向"] = "etWealthIntent01",
        }, services =>
        {
            services.AddSingleton(_clock);
            services.AddSingleton<TimeProvider>(_clock);
        });
        await Get<RepositoryContent>().PublishAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    [Fact]
    public async Task The_manager_sees_their_customer_sends_a_script_into_the_chat_and_marks_the_task_done()
    {
        await SeedAsync("c0001", "赵磊", Manager, ["白领", "代发"]);
        await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, "c0001", "quiz", _clock.GetUtcNow(), CancellationToken.None);

        var (context, page) = await OpenAsync(Manager, "wmc0001");
        await using var _ = context;
        await page.Locator("#name").Filter(new() { HasText = "赵磊" }).WaitForAsync();
        Assert.Contains("代发单位 E-7", await page.Locator("#sub").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(["白领", "代发"], await page.Locator(".tag").AllInnerTextsAsync());
        Assert.Contains("参加了知识问答", await page.Locator("#tasks").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync<ChatSidebarBrowserTests>(page, "sidebar-customer");

        // wx.config and wx.agentConfig were signed over the page's own URL with the corp's and the app's tickets.
        var calls = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__wx.calls)")).RootElement.EnumerateArray().ToList();
        var config = calls.Single(c => c.GetProperty("api").GetString() == "config").GetProperty("args");
        var agent = calls.Single(c => c.GetProperty("api").GetString() == "agentConfig").GetProperty("args");
        var url = page.Url.Split('#')[0];
        var (nonce, ts) = (config.GetProperty("nonceStr").GetString()!, config.GetProperty("timestamp").GetInt64());
        Assert.Equal(JsSdkSignature.Sign(_sandbox.JsApi.Ticket(_tenant.CorpId, "corp")!, nonce, ts, url), config.GetProperty("signature").GetString());
        Assert.Equal(JsSdkSignature.Sign(_sandbox.JsApi.Ticket(_tenant.CorpId, "agent")!, nonce, ts, url), agent.GetProperty("signature").GetString());
        Assert.Equal(_tenant.CorpId, agent.GetProperty("corpid").GetString());

        // A script goes into the chat through sendChatMessage, rendered for this customer's bank.
        var script = page.Locator(".script").First;
        var text = await script.Locator("p").InnerTextAsync();
        Assert.Contains("示例农商银行", text, StringComparison.Ordinal);
        await script.Locator("button").ClickAsync();
        await script.Locator("button").Filter(new() { HasText = "已发送" }).WaitForAsync();
        var sent = JsonDocument.Parse(await page.EvaluateAsync<string>("JSON.stringify(window.__wx.calls.filter(c => c.api === 'sendChatMessage'))")).RootElement;
        Assert.Equal(text, Assert.Single(sent.EnumerateArray()).GetProperty("args").GetProperty("text").GetProperty("content").GetString());

        // The task is marked done here; its card in WeCom shows it too.
        await page.Locator("#tasks button").ClickAsync();
        await page.Locator("#tasks").Filter(new() { HasText = "已完成" }).WaitForAsync();
        var task = await Get<IFollowUpTasks>().GetAsync(_tenant.Name, Manager, CampaignId, "c0001", CancellationToken.None);
        Assert.Equal("sidebar", task!.DoneVia);
        var card = Assert.Single(_sandbox.AppMessages.Messages, m => m.ToUser == Manager);
        Assert.Equal(ManagerTaskCards.ClosedText, card.Buttons[ManagerTaskCards.DoneKey]);
        await Screenshots.SaveAsync<ChatSidebarBrowserTests>(page, "sidebar-task-done");

        // One of the bank's tags is set: in WeCom (mark_tag as this manager) and on the profile.
        await page.Locator("#bank-tags button").ClickAsync();
        await page.Locator("#bank-tags button").Filter(new() { HasText = "理财意向 ✓" }).WaitForAsync();
        var mark = Assert.Single(_sandbox.Sandbox.Requests, r => r.Api == "externalcontact/mark_tag");
        Assert.Equal(0, mark.Errcode);
        var markBody = JsonDocument.Parse(mark.Body!).RootElement;
        Assert.Equal((Manager, "wmc0001", "etWealthIntent01"),
            (markBody.GetProperty("userid").GetString(), markBody.GetProperty("external_userid").GetString(), markBody.GetProperty("add_tag")[0].GetString()));
        var tagged = (await Get<ICustomerStore>().GetAsync(_tenant.Name, "c0001", CancellationToken.None))!.Value;
        Assert.Contains(tagged.Tags, t => t is { Name: "理财意向", Source: "sidebar" });
        await Screenshots.SaveAsync<ChatSidebarBrowserTests>(page, "sidebar-tag-set");
    }

    [Fact]
    public async Task A_customer_of_another_manager_is_refused_and_nothing_of_them_is_shown()
    {
        await SeedAsync("c0002", "钱芳", OtherManager, ["高净值"]);

        var (context, page) = await OpenAsync(Manager, "wmc0002");
        await using var _ = context;
        await page.Locator("#error").WaitForAsync();
        Assert.Equal("您不是该客户的客户经理，无法查看其信息。", await page.Locator("#error").InnerTextAsync());
        var html = await page.ContentAsync();
        Assert.DoesNotContain("钱芳", html, StringComparison.Ordinal);
        Assert.DoesNotContain("高净值", html, StringComparison.Ordinal);
        await Screenshots.SaveAsync<ChatSidebarBrowserTests>(page, "sidebar-refused");

        // The other manager does see them.
        var (otherContext, other) = await OpenAsync(OtherManager, "wmc0002");
        await using var __ = otherContext;
        await other.Locator("#name").Filter(new() { HasText = "钱芳" }).WaitForAsync();
    }

    /// <summary>Opens the sidebar as <paramref name="userId"/> signed in to WeCom, chatting with <paramref name="externalUserId"/>.</summary>
    private async Task<(IBrowserContext, IPage)> OpenAsync(string userId, string externalUserId)
    {
        var context = await chromium.NewPhoneContextAsync(Phone.WeComUserAgent);
        await context.AddCookiesAsync([new Cookie { Name = WeComSandboxWebAuth.VisitorCookie, Value = "member:" + userId, Url = _sandbox.BaseAddress.AbsoluteUri }]);
        await context.RouteAsync(ChatSidebarHttp.JsSdkUrl, route => route.FulfillAsync(new() { Status = 200, ContentType = "application/javascript", Body = JsSdkStub }));
        await context.AddInitScriptAsync($"window.__chatWith = {JsonSerializer.Serialize(externalUserId)};");
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(_host.BaseAddress, $"/sidebar/{_tenant.Name}").AbsoluteUri);
        return (context, page);
    }

    private async Task SeedAsync(string customerId, string name, string manager, string[] tags)
    {
        var at = _clock.GetUtcNow().AddDays(-30);
        foreach (var (id, n) in new[] { (Manager, "赵六"), (OtherManager, "李四") })
        {
            await Get<IEmployeeDirectory>().UpsertAsync(new Employee(_tenant.Name, id, n, "理财经理", "西湖支行", null, 1, at), CancellationToken.None);
        }

        Assert.True(await Get<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, customerId, at) with
        {
            Name = name, ExternalUserIds = ["wm" + customerId], Payroll = new PayrollEnrolment("E-7", "day:10"),
            Tags = [.. tags.Select(t => new CustomerTag(t, TagKind.Static, "crm", at))],
        }, CancellationToken.None));
        Assert.True(await Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(_tenant.Name, manager, "wm" + customerId, customerId, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        var state = new JourneyState
        {
            InstanceId = PayrollCampaignJourney.InstanceId(_tenant.Name, customerId, CampaignId), JourneyId = "payroll-campaign", Version = 1, ContentHash = "test",
            CustomerId = customerId, SenderId = manager, StartedAt = at, FirstDay = DateOnly.FromDateTime(at.UtcDateTime),
        };
        Assert.True(await Get<IJourneyStore>().TryInsertAsync(new JourneyRecord(_tenant.Name, state, JourneyStatus.Completed, JourneyEnd.Finished, null), CancellationToken.None));
    }
}
