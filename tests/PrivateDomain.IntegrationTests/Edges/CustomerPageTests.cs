using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// The pages customers open (<c>/l/{token}</c>, <c>/u/{token}</c>): zh-CN HTML with security headers whatever happens —
/// a storage outage, an expired token, a target the bank does not allow — never a JSON error or a 500.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomerPageTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("page" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly ManualTimeProvider _clock = new(Start);

    private Task<LocalHostInstance> StartAsync(int? tablePort = null) =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(tablePort: tablePort),
            [_tenant], new Dictionary<string, string?>
            {
                ["Local:QueueWorkers"] = "false",
                ["Local:PayrollRun"] = "false",
                [$"WeCom:Tenants:{_tenant.Name}:BankName"] = "示例银行",
                [$"WeCom:Tenants:{_tenant.Name}:BankHotline"] = "95500",
                [$"WeCom:Tenants:{_tenant.Name}:BankSite"] = "https://h5.bank.example",
            }, services => services.AddSingleton<TimeProvider>(_clock));

    private static HttpClient NoRedirects(LocalHostInstance host) => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

    private async Task<string> NewCustomerAsync(LocalHostInstance host) =>
        await host.Services.GetRequiredService<ICustomerPool>().EnsureForExternalUserAsync(_tenant.Name, "wm" + RandomNumberGenerator.GetHexString(10), _clock.GetUtcNow(),
            CancellationToken.None);

    private string Link(LocalHostInstance host, string customerId, string? target) =>
        host.Services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(_tenant.Name, customerId, null, target is null ? null : new Uri(target)));

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
    }

    private static async Task AssertPageAsync(HttpResponseMessage response, HttpStatusCode status, string text)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Every_customer_page_and_redirect_sends_nosniff_referrer_policy_framing_and_a_CSP()
    {
        await using var host = await StartAsync();
        var customer = await NewCustomerAsync(host);
        using var client = NoRedirects(host);

        await AssertPageAsync(await client.GetAsync($"/u/{Link(host, customer, null)}"), HttpStatusCode.OK, "确认退订");
        await AssertPageAsync(await client.GetAsync("/l/not-a-token"), HttpStatusCode.NotFound, "链接无效");
        var click = await client.GetAsync($"/l/{Link(host, customer, "https://h5.bank.example/welfare")}");
        Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        AssertSecurityHeaders(click);
    }

    [Fact]
    public async Task With_storage_down_a_click_still_reaches_the_banks_page_and_an_unsubscribe_gets_a_zh_CN_page_with_the_hotline()
    {
        await using var tables = new LoopbackProxy(fixture.Azurite.TableEndpoint.Port);
        await using var host = await StartAsync(tables.Port);
        var customer = await NewCustomerAsync(host);
        var click = Link(host, customer, "https://h5.bank.example/welfare");
        var unsubscribe = Link(host, customer, null);
        using var client = NoRedirects(host);

        tables.Cut();
        var clicked = await client.GetAsync($"/l/{click}");
        Assert.Equal(HttpStatusCode.Redirect, clicked.StatusCode);
        Assert.Equal("https://h5.bank.example/welfare", clicked.Headers.Location!.AbsoluteUri);

        var refused = await client.PostAsync($"/u/{unsubscribe}", null);
        await AssertPageAsync(refused, HttpStatusCode.ServiceUnavailable, "95500");
        Assert.Contains("稍后再试", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_link_to_a_host_the_bank_does_not_allow_or_over_plain_http_is_refused_at_click_time()
    {
        await using var host = await StartAsync();
        var customer = await NewCustomerAsync(host);
        using var client = NoRedirects(host);

        await AssertPageAsync(await client.GetAsync($"/l/{Link(host, customer, "https://evil.example/phish")}"), HttpStatusCode.NotFound, "链接无效");
        await AssertPageAsync(await client.GetAsync($"/l/{Link(host, customer, "http://h5.bank.example/welfare")}"), HttpStatusCode.NotFound, "链接无效");
        await AssertPageAsync(await client.GetAsync($"/l/{Link(host, customer, "https://h5.bank.example.evil.example/")}"), HttpStatusCode.NotFound, "链接无效");
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customer, CancellationToken.None);
        Assert.False(profile!.Value.HasTag(TrackedLinkHttp.ClickedTag));

        // The tenant's BankSite host and Links:AllowedHosts (bank.example in tests), with their subdomains, are allowed.
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"/l/{Link(host, customer, "https://www.bank.example/")}")).StatusCode);
    }

    [Fact]
    public async Task A_link_older_than_its_lifetime_gets_a_friendly_expired_page_and_changes_nothing()
    {
        await using var host = await StartAsync();
        var customer = await NewCustomerAsync(host);
        var click = Link(host, customer, "https://h5.bank.example/welfare");
        var unsubscribe = Link(host, customer, null);
        using var client = NoRedirects(host);

        _clock.Now = Start.AddDays(89);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync($"/l/{click}")).StatusCode);

        _clock.Now = Start.AddDays(90);
        await AssertPageAsync(await client.GetAsync($"/l/{click}"), HttpStatusCode.Gone, "此链接已过期");
        await AssertPageAsync(await client.GetAsync($"/u/{unsubscribe}"), HttpStatusCode.Gone, "95500");
        await AssertPageAsync(await client.PostAsync($"/u/{unsubscribe}", null), HttpStatusCode.Gone, "退订");
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customer, CancellationToken.None);
        Assert.False(profile!.Value.HasTag(TrackedLinkHttp.OptedOutTag));
    }
}
