namespace PrivateDomain.Pages;

/// <summary>Campaign pages (<c>CampaignPages:*</c>).</summary>
public sealed class CampaignPagesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "CampaignPages";

    /// <summary>Where customers reach the pages, https, on the app's trusted domain in WeCom (the Functions app's is
    /// <c>https://pages.bank.cn/api</c>): links are <c>{BaseUrl}/p/{token}</c>. Unset: page placeholders cannot be
    /// rendered (the template is refused, naming the placeholder). The authorisation's redirect_uri is the address the
    /// visitor reached, which is this one.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>WeCom's web authorisation endpoint (the sandbox's in development and tests).</summary>
    public Uri AuthorizeUrl { get; set; } = new("https://open.weixin.qq.com/connect/oauth2/authorize");

    /// <summary>How long a visitor session lasts (default 30 minutes).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a page link is honoured (default 30 days; the expiry is rounded up to a UTC day so one task's
    /// recipients share one text).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The self-built app's agent id per tenant (<c>CampaignPages:AgentIds:{tenant}</c>); a tenant without one
    /// shows its pages without identifying visitors.</summary>
    public Dictionary<string, string> AgentIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The folder of quiz and product content (content-templates/pages next to the app).</summary>
    public string? ContentPath { get; set; }

    /// <summary>The content folder, resolved.</summary>
    public string ResolvedContentPath => ContentPath is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "content-templates", "pages");
}
