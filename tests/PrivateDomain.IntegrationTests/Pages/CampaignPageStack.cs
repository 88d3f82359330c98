using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Browser;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Pages;

namespace PrivateDomain.IntegrationTests.Pages;

/// <summary>
/// Campaign pages end to end: the WeCom sandbox (token, web authorisation with the host's loopback address as the app's
/// trusted domain) and the local host calling it, for a new tenant.
/// </summary>
public sealed class CampaignPageStack : IAsyncDisposable
{
    /// <summary>The app's agent id.</summary>
    public const string AgentId = "1000002";

    private CampaignPageStack(WeComSandboxHost sandbox, LocalHostInstance host, TestTenant tenant)
    {
        Sandbox = sandbox;
        Host = host;
        Tenant = tenant;
    }

    /// <summary>The WeCom sandbox.</summary>
    public WeComSandboxHost Sandbox { get; }

    /// <summary>The local host.</summary>
    public LocalHostInstance Host { get; }

    /// <summary>The tenant.</summary>
    public TestTenant Tenant { get; }

    /// <summary>Starts the sandbox and the host.</summary>
    public static async Task<CampaignPageStack> StartAsync(string storage, TimeProvider? clock = null, TestTenant? tenant = null)
    {
        var sandbox = await WeComSandboxHost.StartAsync(time: clock);
        try
        {
            tenant ??= TestTenant.Create("camp" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
            var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
            sandbox.Sandbox.RegisterApp(tenant.CorpId, secret);
            sandbox.WebAuth.RegisterApp(tenant.CorpId, AgentId, "127.0.0.1");
            var host = await LocalHostInstance.StartAsync(storage, [tenant], new Dictionary<string, string?>
            {
                ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
                [$"WeCom:Tenants:{tenant.Name}:AppSecret"] = secret,
                [$"WeCom:Tenants:{tenant.Name}:BankName"] = "示例农商银行",
                [$"WeCom:Tenants:{tenant.Name}:BankHotline"] = "400-000-0000",
                ["CampaignPages:AuthorizeUrl"] = new Uri(sandbox.BaseAddress, "/connect/oauth2/authorize").AbsoluteUri,
                [$"CampaignPages:AgentIds:{tenant.Name}"] = AgentId,
                ["Local:QueueWorkers"] = "false",
                ["Local:PayrollRun"] = "false",
            }, clock is null ? null : services => services.AddSingleton(clock));
            return new CampaignPageStack(sandbox, host, tenant);
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>The host's now: links, sessions and customers are stamped on the clock the host judges them by.</summary>
    public DateTimeOffset Now => Host.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>A customer of the tenant, visible to the app; returns (customer id, external_userid).</summary>
    public async Task<(string CustomerId, string ExternalUserId)> NewCustomerAsync()
    {
        var external = "wm" + RandomNumberGenerator.GetHexString(16);
        var id = await Host.Services.GetRequiredService<ICustomerPool>().EnsureForExternalUserAsync(Tenant.Name, external, Now, CancellationToken.None);
        Sandbox.WebAuth.AddVisibleCustomer(Tenant.CorpId, external);
        return (id, external);
    }

    /// <summary>The page path for a link of <paramref name="page"/> (<paramref name="item"/>) sent by <paramref name="sender"/> in <paramref name="campaign"/>.</summary>
    public string PagePath(string page, string item, string campaign = "emp1:2026-12", string sender = "zhangsan", DateTimeOffset? expires = null, string? tenant = null) =>
        "/p/" + Host.Services.GetRequiredService<CampaignPageLinkSigner>().Create(new CampaignPageLink(tenant ?? Tenant.Name, sender, campaign, "payroll-campaign",
            page == CampaignPageKinds.Welfare ? "welfare" : page == CampaignPageKinds.Quiz ? "quiz" : "sales", "payroll.welfare@v1", page, item,
            expires ?? Now.AddDays(30)));

    /// <summary>A client in WeCom's webview signed in as <paramref name="visitor"/> (<c>customer:{external_userid}</c>,
    /// <c>member:{userid}</c>, <c>stranger:{openid}</c>), following redirects and keeping cookies.</summary>
    public HttpClient WeComWebview(string? visitor, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        if (visitor is not null)
        {
            cookies.Add(Sandbox.BaseAddress, new Cookie(WeComSandboxWebAuth.VisitorCookie, visitor));
        }

        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true }) { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Phone.WeComUserAgent);
        return client;
    }

    /// <summary>A client carrying a visitor session minted for <paramref name="customerId"/> of <paramref name="tenant"/>.</summary>
    public HttpClient WithSession(string? customerId, string? tenant = null)
    {
        var cookies = new CookieContainer();
        cookies.Add(Host.BaseAddress, new Cookie(VisitorSessionCookie.Name,
            Host.Services.GetRequiredService<VisitorSessionCookie>().Create(new VisitorSession(tenant ?? Tenant.Name, customerId, Now.AddMinutes(30)))));
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
