using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Browser;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// The tracked link (<c>/l/{token}</c>) and the unsubscribe page (<c>/u/{token}</c>) as a customer sees them: in
/// headless chromium at a phone's viewport, in WeCom's webview, with a screenshot of each page kept.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomerPageBrowserTests(AzuriteFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private readonly TestTenant _tenant = TestTenant.Create("brow" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    // The host's clock, pinned (running at real speed for the browser): links are signed and checked on it whatever the date.
    private readonly PinnedClock _clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8)));

    private Task<LocalHostInstance> StartAsync() =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            [$"WeCom:Tenants:{_tenant.Name}:BankName"] = "示例银行",
            [$"WeCom:Tenants:{_tenant.Name}:BankHotline"] = "95500",
            [$"WeCom:Tenants:{_tenant.Name}:BankSite"] = "https://h5.bank.example",
        }, services => services.AddSingleton<TimeProvider>(_clock));

    private async Task<string> NewCustomerAsync(LocalHostInstance host) =>
        await host.Services.GetRequiredService<ICustomerPool>().EnsureForExternalUserAsync(_tenant.Name, "wm" + RandomNumberGenerator.GetHexString(10), _clock.GetUtcNow(),
            CancellationToken.None);

    [Fact]
    public async Task A_customer_who_taps_a_content_link_is_sent_to_the_banks_page_and_is_tagged_as_having_clicked()
    {
        await using var host = await StartAsync();
        var customer = await NewCustomerAsync(host);
        var token = host.Services.GetRequiredService<TrackedLinkSigner>().Create(
            new TrackedLink(_tenant.Name, customer, "touch-1", new Uri("https://h5.bank.example/welfare")));
        await using var context = await chromium.NewPhoneContextAsync();
        var page = await context.NewPageAsync();
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        // The bank's own site is not on this machine (nor its DNS name): the browser is sent there and stops.
        var failure = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(new Uri(host.BaseAddress, $"/l/{token}").AbsoluteUri));

        Assert.Contains("net::ERR_", failure.Message, StringComparison.Ordinal); // no such host here (or no route to it)
        Assert.Equal(["/l/" + token, "https://h5.bank.example/welfare"], requested.Select(u => u.StartsWith(host.BaseAddress.AbsoluteUri, StringComparison.Ordinal) ? "/" + u[host.BaseAddress.AbsoluteUri.Length..] : u));
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customer, CancellationToken.None);
        Assert.True(profile!.Value.HasTag(TrackedLinkHttp.ClickedTag));
    }

    [Fact]
    public async Task A_forged_link_shows_a_readable_zh_CN_page_on_a_phone()
    {
        await using var host = await StartAsync();
        await using var context = await chromium.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "/l/forged.token").AbsoluteUri);

        Assert.Equal(404, response!.Status);
        Assert.Equal("链接无效", await page.TitleAsync());
        Assert.Contains("请通过您的客户经理获取最新链接", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        // Readable on a phone: the text fits the screen's width, nothing scrolls sideways.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await Screenshots.SaveAsync<CustomerPageBrowserTests>(page, "l-invalid");
    }

    [Fact]
    public async Task A_customer_who_confirms_on_the_unsubscribe_page_is_opted_out()
    {
        await using var host = await StartAsync();
        var customer = await NewCustomerAsync(host);
        var token = host.Services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(_tenant.Name, customer, null, null));
        await using var context = await chromium.NewPhoneContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(new Uri(host.BaseAddress, $"/u/{token}").AbsoluteUri);
        await Screenshots.SaveAsync<CustomerPageBrowserTests>(page, "u-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认退订" }).ClickAsync();
        await page.GetByText("已为您退订营销消息").WaitForAsync();
        await Screenshots.SaveAsync<CustomerPageBrowserTests>(page, "u-done");

        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customer, CancellationToken.None);
        Assert.True(profile!.Value.HasTag(TrackedLinkHttp.OptedOutTag));
    }
}
