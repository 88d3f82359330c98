using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PrivateDomain.AccountManagers;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Functions.AccountManagers;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Tests.AccountManagers;

/// <summary>
/// The chat sidebar (聊天工具栏) through the app's functions, <c>/api/sidebar/{tenant}</c>, on Azurite and the WeCom
/// sandbox: the manager signs in by WeCom's web authorisation (the sandbox's authorize page and getuserinfo), the page's
/// JS-SDK signatures are WeCom's, the manager sees their own customer only, sets one of the bank's tags at WeCom and
/// marks a task done once.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class ChatSidebarFunctionsTests(AzuriteFixture azurite)
{
    private const string Manager = "zhaoliu";
    private const string OtherManager = "lisi";
    private const string CampaignId = "payroll:E-7:2026-12";
    private static readonly DateTimeOffset Morning = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_manager_signs_in_through_WeCom_sees_their_customer_only_sets_a_bank_tag_and_marks_the_task_done_once()
    {
        await using var app = await StartAsync();
        var functions = app.Host.Function<ChatSidebarFunctions>();
        var tenant = app.Tenant;
        var page = $"/api/sidebar/{tenant}";

        // No session: off to WeCom's web authorisation, which comes back with a code for the signed-in member.
        var first = await app.Host.CallAsync("GET", page, r => functions.PageAsync(r, tenant, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Redirect, first.Status);
        var authorize = first.Headers.Location.ToString();
        Assert.StartsWith(new Uri(app.Sandbox.BaseAddress, "/connect/oauth2/authorize").AbsoluteUri, authorize, StringComparison.Ordinal);
        var code = await WeComCodeAsync(app, authorize, "member:" + Manager);
        var signIn = await app.Host.CallAsync("GET", $"{page}?code={code}&state=sidebar", r => functions.PageAsync(r, tenant, CancellationToken.None));
        Assert.Equal((HttpStatusCode.Redirect, $"https://{SandboxedApp.PublicHost}{page}"), (signIn.Status, signIn.Headers.Location.ToString()));
        var cookie = signIn.Headers.SetCookie.ToString().Split(';')[0];
        Assert.StartsWith(ChatSidebarHttp.CookieName + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", signIn.Headers.SetCookie.ToString(), StringComparison.OrdinalIgnoreCase);
        // The code is single-use: replayed, it signs nobody in.
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Host.CallAsync("GET", $"{page}?code={code}", r => functions.PageAsync(r, tenant, CancellationToken.None))).Status);

        var html = await app.Host.CallAsync("GET", page, r => functions.PageAsync(r, tenant, CancellationToken.None), cookie: cookie);
        Assert.Equal(HttpStatusCode.OK, html.Status);
        Assert.Contains(ChatSidebarHttp.JsSdkUrl, html.Text, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", html.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);

        // wx.config and wx.agentConfig signatures over the page's URL, with the corp's and the app's tickets from WeCom.
        var url = $"https://{SandboxedApp.PublicHost}{page}";
        var config = await app.Host.CallAsync("GET", $"{page}/jsconfig?url={Uri.EscapeDataString(url)}", r => functions.JsConfigAsync(r, tenant, CancellationToken.None), cookie: cookie);
        Assert.Equal(HttpStatusCode.OK, config.Status);
        var (nonce, ts) = (config.Json.GetProperty("nonceStr").GetString()!, config.Json.GetProperty("timestamp").GetInt64());
        Assert.Equal(JsSdkSignature.Sign(app.Sandbox.JsApi.Ticket(app.CorpId, "corp")!, nonce, ts, url), config.Json.GetProperty("signature").GetString());
        Assert.Equal(JsSdkSignature.Sign(app.Sandbox.JsApi.Ticket(app.CorpId, "agent")!, nonce, ts, url), config.Json.GetProperty("agentSignature").GetString());
        var elsewhere = await app.Host.CallAsync("GET", $"{page}/jsconfig?url={Uri.EscapeDataString("https://evil.example/x")}",
            r => functions.JsConfigAsync(r, tenant, CancellationToken.None), cookie: cookie);
        Assert.Equal(HttpStatusCode.BadRequest, elsewhere.Status);

        Task<FunctionResponse> CustomerAsync(string externalUserId, string? withCookie) =>
            app.Host.CallAsync("GET", $"{page}/customer?externalUserId={externalUserId}", r => functions.CustomerAsync(r, tenant, CancellationToken.None), cookie: withCookie);
        var mine = await CustomerAsync("wmc0001", cookie);
        Assert.Equal(HttpStatusCode.OK, mine.Status);
        Assert.Equal(("赵磊", "E-7"), (mine.Json.GetProperty("name").GetString(), mine.Json.GetProperty("payrollEmployer").GetString()));
        Assert.Equal(CampaignId, Assert.Single(mine.Json.GetProperty("openTasks").EnumerateArray()).GetProperty("campaignId").GetString());
        var theirs = await CustomerAsync("wmc0002", cookie);
        Assert.Equal(HttpStatusCode.Forbidden, theirs.Status);
        Assert.DoesNotContain("钱芳", theirs.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CustomerAsync("wmc0001", null)).Status);
        var forged = cookie[..^4] + (cookie[^4..] == "0000" ? "1111" : "0000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await CustomerAsync("wmc0001", forged)).Status);

        // One of the bank's tags: mark_tag at WeCom as this manager, then on the profile; not on another manager's customer.
        var tag = await app.Host.CallAsync("POST", $"{page}/tags", r => functions.TagAsync(r, tenant, CancellationToken.None),
            body: new { externalUserId = "wmc0001", tag = "理财意向", on = true }, cookie: cookie);
        Assert.Equal(HttpStatusCode.NoContent, tag.Status);
        var mark = Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/mark_tag");
        var marked = JsonDocument.Parse(mark.Body!).RootElement;
        Assert.Equal((0, Manager, "wmc0001", "etWealthIntent01"),
            (mark.Errcode, marked.GetProperty("userid").GetString(), marked.GetProperty("external_userid").GetString(), marked.GetProperty("add_tag")[0].GetString()));
        Assert.Contains((await app.Host.Get<ICustomerStore>().GetAsync(tenant, "c0001", CancellationToken.None))!.Value.Tags, t => t is { Name: "理财意向", Source: "sidebar" });
        var notMine = await app.Host.CallAsync("POST", $"{page}/tags", r => functions.TagAsync(r, tenant, CancellationToken.None),
            body: new { externalUserId = "wmc0002", tag = "理财意向", on = true }, cookie: cookie);
        Assert.Equal(HttpStatusCode.Conflict, notMine.Status);
        Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/mark_tag");

        // The task is marked done once; a second press finds nothing to do.
        Task<FunctionResponse> DoneAsync() => app.Host.CallAsync("POST", $"{page}/tasks/done", r => functions.TaskDoneAsync(r, tenant, CancellationToken.None),
            body: new { externalUserId = "wmc0001", campaignId = CampaignId }, cookie: cookie);
        Assert.Equal(HttpStatusCode.NoContent, (await DoneAsync()).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await DoneAsync()).Status);
        var task = await app.Host.Get<IFollowUpTasks>().GetAsync(tenant, Manager, CampaignId, "c0001", CancellationToken.None);
        Assert.Equal("sidebar", task!.DoneVia);
    }

    [Fact]
    public async Task Without_a_sidebar_key_or_agent_the_sidebar_is_not_served_and_a_stranger_is_not_signed_in()
    {
        await using var app = await StartAsync();
        var functions = app.Host.Function<ChatSidebarFunctions>();
        var page = $"/api/sidebar/{app.Tenant}";
        Assert.Equal(HttpStatusCode.NotFound, (await app.Host.CallAsync("GET", "/api/sidebar/nosuchbank", r => functions.PageAsync(r, "nosuchbank", CancellationToken.None))).Status);

        // A WeChat user who is not a member of the corp gets an openid from WeCom, not a userid: no session.
        var first = await app.Host.CallAsync("GET", page, r => functions.PageAsync(r, app.Tenant, CancellationToken.None));
        var code = await WeComCodeAsync(app, first.Headers.Location.ToString(), "customer:wmc0001");
        var stranger = await app.Host.CallAsync("GET", $"{page}?code={code}", r => functions.PageAsync(r, app.Tenant, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, stranger.Status);
        Assert.True(string.IsNullOrEmpty(stranger.Headers.SetCookie.ToString()));
    }

    private async Task<SandboxedApp> StartAsync()
    {
        var app = await SandboxedApp.StartAsync(azurite.Azurite, Morning, [Manager, OtherManager], new Dictionary<string, string?>
        {
            ["Managers:SidebarKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Managers:BankTags:{tenant}:理财意向"] = "etWealthIntent01",
            ["WeCom:Tenants:{tenant}:BankName"] = "示例农商银行",
        });
        try
        {
            await SeedAsync(app, "c0001", "赵磊", Manager);
            await SeedAsync(app, "c0002", "钱芳", OtherManager);
            Assert.True(await app.Host.Get<IFollowUpTasks>().AddIfAbsentAsync(
                new FollowUpTask(app.Tenant, Manager, "c0001", CampaignId, "quiz", app.Host.Get<TimeProvider>().GetUtcNow().AddHours(-1)), CancellationToken.None));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task SeedAsync(SandboxedApp app, string id, string name, string manager)
    {
        var at = app.Host.Get<TimeProvider>().GetUtcNow().AddDays(-30);
        await app.Host.Get<IEmployeeDirectory>().UpsertAsync(new Employee(app.Tenant, manager, manager, "理财经理", "西湖支行", null, 1, at), CancellationToken.None);
        Assert.True(await app.Host.Get<ICustomerStore>().TryInsertAsync(Customer.New(app.Tenant, id, at) with
        {
            Name = name, ExternalUserIds = ["wm" + id], Payroll = new PayrollEnrolment("E-7", "day:10"),
        }, CancellationToken.None));
        Assert.True(await app.Host.Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(app.Tenant, manager, "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
    }

    /// <summary>Opens WeCom's authorize URL in the webview of <paramref name="visitor"/> (the sandbox's cookie) and answers
    /// the code it redirects back with.</summary>
    private static async Task<string> WeComCodeAsync(SandboxedApp app, string authorizeUrl, string visitor)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, authorizeUrl);
        request.Headers.Add("Cookie", $"{WeComSandboxWebAuth.VisitorCookie}={visitor}");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = response.Headers.Location!;
        Assert.Equal($"https://{SandboxedApp.PublicHost}/api/sidebar/{app.Tenant}", back.GetLeftPart(UriPartial.Path));
        return QueryHelpers(back.Query)["code"];
    }

    private static Dictionary<string, string> QueryHelpers(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
}
