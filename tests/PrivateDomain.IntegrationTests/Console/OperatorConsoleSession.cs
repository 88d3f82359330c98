using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateDomain.IntegrationTests.Browser;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Operators;

namespace PrivateDomain.IntegrationTests.Console;

/// <summary>
/// The operators' console on a Development local host (local tokens, as on <c>./pd run</c>), in headless chromium at a
/// desktop viewport: start the host, mint a token as <c>./pd token</c> does, sign in by pasting it.
/// </summary>
public static class OperatorConsoleSession
{
    /// <summary>The Entra tenant id the test tenants are operated from.</summary>
    public static readonly Guid EntraTenant = Guid.NewGuid();

    /// <summary>Settings of a Development host that operates <paramref name="tenant"/> with local tokens, without the demo's extras.</summary>
    public static Dictionary<string, string?> Settings(string tenant, bool queueWorkers = false) => new()
    {
        [$"Operators:Tenants:{tenant}:EntraTenantId"] = EntraTenant.ToString(),
        ["Local:QueueWorkers"] = queueWorkers ? "true" : "false",
        ["Local:PayrollRun"] = "false",
        ["Local:SeedContent"] = "false",
        ["Local:WeComSandbox"] = "false",
    };

    /// <summary>A token for <paramref name="name"/> with <paramref name="roles"/>, signed with the host's development key.</summary>
    /// <remarks>The host judges the token's lifetime on its own clock, which a test may pin to another date; the console
    /// checks its expiry on the browser's, the machine's. The token is valid from the earlier of the two nows to an hour
    /// after the later.</remarks>
    public static string Token(LocalHostInstance host, string name, params string[] roles)
    {
        var hostNow = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var browserNow = DateTimeOffset.UtcNow;
        var from = hostNow < browserNow ? hostNow : browserNow;
        var until = (hostNow > browserNow ? hostNow : browserNow).AddHours(1);
        return host.Services.GetRequiredService<LocalOperatorTokens>().Mint(EntraTenant, roles, name, until - from, from);
    }

    /// <summary>A desktop browser context (zh-CN, Shanghai time, downloads allowed).</summary>
    public static Task<IBrowserContext> NewContextAsync(ChromiumFixture chromium) => chromium.Browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
        Locale = "zh-CN",
        TimezoneId = "Asia/Shanghai",
        AcceptDownloads = true,
    });

    /// <summary>Opens the console and signs in by pasting <paramref name="token"/> for <paramref name="tenant"/>; waits for the 概览 page.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, LocalHostInstance host, string tenant, string token)
    {
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(host.BaseAddress, "/console").AbsoluteUri);
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#tenant").SelectOptionAsync(tenant);
        await page.Locator("#sign-in-button").ClickAsync();
        await page.Locator("#funnel-table").WaitForAsync();
        Assert.Empty(errors);
        return page;
    }

    /// <summary>Signs out and in again as someone else in the same tab.</summary>
    public static async Task SwitchUserAsync(IPage page, string tenant, string token)
    {
        await page.Locator("#sign-out").ClickAsync();
        await page.Locator("#token").FillAsync(token);
        await page.Locator("#tenant").SelectOptionAsync(tenant);
        await page.Locator("#sign-in-button").ClickAsync();
        await page.Locator("#funnel-table").WaitForAsync();
    }
}
