using Microsoft.Playwright;

namespace PrivateDomain.IntegrationTests.Browser;

/// <summary>The phone customers open our pages on: a 390×844 CSS-pixel screen at 3× (a common iPhone), touch, zh-CN.</summary>
public static class Phone
{
    /// <summary>The viewport.</summary>
    public static readonly ViewportSize Viewport = new() { Width = 390, Height = 844 };

    /// <summary>WeCom's in-app browser on Android (its user agent carries <c>wxwork/</c>).</summary>
    public const string WeComUserAgent =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 wxwork/4.1.30 MicroMessenger/7.0.1 Language/zh ColorScheme/Light";

    /// <summary>A phone's ordinary browser.</summary>
    public const string MobileUserAgent =
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36";

    /// <summary>Context options for the phone.</summary>
    public static BrowserNewContextOptions Options(string? userAgent = null) => new()
    {
        ViewportSize = Viewport,
        DeviceScaleFactor = 3,
        IsMobile = true,
        HasTouch = true,
        Locale = "zh-CN",
        TimezoneId = "Asia/Shanghai",
        UserAgent = userAgent ?? WeComUserAgent,
    };
}
