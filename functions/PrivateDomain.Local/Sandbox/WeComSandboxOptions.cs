namespace PrivateDomain.Local.Sandbox;

/// <summary>The WeCom sandbox's settings, bound from <c>WeComSandbox</c>. The sandbox is a stand-in for dev and tests, never WeCom.</summary>
public sealed class WeComSandboxOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WeComSandbox";

    /// <summary>Apps that may call gettoken: corp id → app secret.</summary>
    public Dictionary<string, string> Apps { get; } = new(StringComparer.Ordinal);

    /// <summary>How long an access token lives (WeCom: usually 7200 s). Tests shorten it.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(7200);

    /// <summary>Calls per corp per API per minute before 45009 (WeCom: 10,000).</summary>
    public int DefaultRateLimitPerMinute { get; set; } = 10_000;

    /// <summary>Per-API overrides of <see cref="DefaultRateLimitPerMinute"/>, keyed like <c>externalcontact/mark_tag</c>.</summary>
    public Dictionary<string, int> RateLimitsPerMinute { get; } = new(StringComparer.Ordinal);

    /// <summary>How many received requests are kept for <c>GET /sandbox/requests</c> (oldest dropped first).</summary>
    public int MaxRecordedRequests { get; set; } = 10_000;
}
