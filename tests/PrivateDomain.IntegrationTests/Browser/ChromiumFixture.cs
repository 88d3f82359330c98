using Microsoft.Playwright;

namespace PrivateDomain.IntegrationTests.Browser;

/// <summary>
/// Debian's chromium, headless, driven by Microsoft.Playwright with <c>ExecutablePath</c> (no Playwright browser
/// download): one browser per test class (<c>IClassFixture&lt;ChromiumFixture&gt;</c>), a fresh context per test.
/// <c>./pd test</c> and <c>./pd browser-deps</c> install chromium and the CJK fonts; <c>PD_CHROMIUM</c> names another binary.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The running browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started.");

    /// <summary>The chromium binary: <c>PD_CHROMIUM</c>, else <c>chromium</c> on the PATH.</summary>
    public static string ExecutablePath { get; } = FindChromium();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        var args = new List<string> { "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run" };
        if (Environment.UserName == "root")
        {
            // Chromium refuses to run its sandbox as root; tests run as root on CI and the developer machines.
            args.Add("--no-sandbox");
        }

        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = args,
            Timeout = 60_000,
        });
    }

    /// <summary>A new context with a phone's viewport, touch, zh-CN and China's time zone; <paramref name="userAgent"/>
    /// (e.g. <see cref="Phone.WeComUserAgent"/>) says which app's webview the page is in.</summary>
    public Task<IBrowserContext> NewPhoneContextAsync(string? userAgent = null) => Browser.NewContextAsync(Phone.Options(userAgent));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindChromium()
    {
        if (Environment.GetEnvironmentVariable("PD_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new InvalidOperationException($"PD_CHROMIUM={configured} does not exist.");
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "chromium is not installed: browser tests use Debian's chromium package. Run ./pd browser-deps (as root it runs apt-get install chromium fonts-noto-cjk), or set PD_CHROMIUM.");
    }
}
