using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;

namespace PrivateDomain.WeComApi;

/// <summary>How we call WeCom's server API, bound from <c>WeCom:Api</c>.</summary>
public sealed class WeComApiOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WeCom:Api";

    /// <summary>WeCom's API host (default https://qyapi.weixin.qq.com); the WeCom sandbox's address in dev and tests.</summary>
    public Uri BaseUrl { get; set; } = new("https://qyapi.weixin.qq.com");

    /// <summary>The timeout of one HTTP attempt (default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long before its expiry a cached access token is replaced (default 5 minutes).</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one instance may hold the cross-instance refresh lease before another may take it (default 15 s).</summary>
    public TimeSpan TokenLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The table the shared access tokens live in (default WeComTokens).</summary>
    public string TokenTable { get; set; } = "WeComTokens";

    /// <summary>
    /// Our own limit per corp and API, per minute, per instance (default 6,000: below WeCom's 10,000/min per corp per API,
    /// leaving room for a second instance and for the 150,000/h ceiling to be watched by the caller).
    /// </summary>
    public int PermitsPerMinute { get; set; } = 6000;

    /// <summary>Calls that may wait for a permit before being refused as <see cref="WeComErrorKind.Throttled"/> (default 50,000).</summary>
    public int QueueLimit { get; set; } = 50_000;

    /// <summary>Concurrent calls per corp and API from one instance (default 20), to stay clear of 45033.</summary>
    public int MaxConcurrentCalls { get; set; } = 20;

    /// <summary>Retries after -1 (default 3, WeCom's advice).</summary>
    public int MaxBusyRetries { get; set; } = 3;

    /// <summary>Retries after 45009/45033 (default 4).</summary>
    public int MaxThrottleRetries { get; set; } = 4;

    /// <summary>Retries after a timeout or 5xx on an idempotent call (default 3).</summary>
    public int MaxTransportRetries { get; set; } = 3;

    /// <summary>First backoff after -1 or a transport failure (default 200 ms), doubling.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>First backoff after 45009/45033 (default 2 s), doubling.</summary>
    public TimeSpan ThrottleBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest single backoff (default 30 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The retry policy these settings describe.</summary>
    public WeComRetryPolicy RetryPolicy => new()
    {
        MaxBusyRetries = MaxBusyRetries,
        MaxThrottleRetries = MaxThrottleRetries,
        MaxTransportRetries = MaxTransportRetries,
        BaseDelay = RetryBaseDelay,
        ThrottleBaseDelay = ThrottleBaseDelay,
        MaxDelay = MaxRetryDelay,
    };
}

/// <summary>The app credentials per tenant, bound from the <c>WeCom</c> section (the same <c>WeCom:Tenants:{tenant}</c>
/// entries as the callback settings, of which only CorpId and AppSecret are read here).</summary>
public sealed class WeComAppOptions
{
    /// <summary>Tenants by name.</summary>
    public Dictionary<string, WeComAppCredentials> Tenants { get; } = new(StringComparer.Ordinal);
}

/// <summary>A tenant's self-built app (自建应用) as the API sees it.</summary>
public sealed class WeComAppCredentials
{
    /// <summary>The corp id (企业ID).</summary>
    public string CorpId { get; set; } = "";

    /// <summary>
    /// The app's secret (应用Secret) for gettoken. The app must be allowed to call customer-contact APIs
    /// (客户联系 可调用接口的应用), or calls fail with 48002. A Key Vault reference on Azure; never logged.
    /// </summary>
    public string AppSecret { get; set; } = "";
}

/// <summary>Validates <see cref="WeComApiOptions"/> at start-up.</summary>
public sealed class WeComApiOptionsValidator : IValidateOptions<WeComApiOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WeComApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BaseUrl is not { IsAbsoluteUri: true } || options.BaseUrl.Scheme is not ("https" or "http"))
        {
            errors.Add("WeCom:Api:BaseUrl must be an absolute http(s) URL such as https://qyapi.weixin.qq.com.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add("WeCom:Api:Timeout must be a positive TimeSpan such as 00:00:10.");
        }

        if (options.TokenRefreshMargin < TimeSpan.Zero || options.TokenLeaseDuration <= TimeSpan.Zero)
        {
            errors.Add("WeCom:Api:TokenRefreshMargin must be zero or positive and WeCom:Api:TokenLeaseDuration positive.");
        }

        if (options.PermitsPerMinute is < 1 or > 10_000)
        {
            errors.Add("WeCom:Api:PermitsPerMinute must be 1–10000 (WeCom allows 10,000 per corp per API per minute).");
        }

        if (options.MaxConcurrentCalls < 1 || options.QueueLimit < 0)
        {
            errors.Add("WeCom:Api:MaxConcurrentCalls must be at least 1 and WeCom:Api:QueueLimit not negative.");
        }

        if (options.MaxBusyRetries is < 0 or > 3)
        {
            errors.Add("WeCom:Api:MaxBusyRetries must be 0–3 (WeCom advises at most 3 retries after -1).");
        }

        if (options.MaxThrottleRetries < 0 || options.MaxTransportRetries < 0 || options.RetryBaseDelay < TimeSpan.Zero
            || options.ThrottleBaseDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryBaseDelay)
        {
            errors.Add("WeCom:Api retry settings must not be negative, and MaxRetryDelay must be at least RetryBaseDelay.");
        }

        if (string.IsNullOrWhiteSpace(options.TokenTable) || !options.TokenTable.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("WeCom:Api:TokenTable must be a Table Storage name (letters and digits).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>An AppSecret needs its CorpId.</summary>
public sealed class WeComAppOptionsValidator : IValidateOptions<WeComAppOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WeComAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Tenants
            .Where(t => !string.IsNullOrEmpty(t.Value.AppSecret) && string.IsNullOrWhiteSpace(t.Value.CorpId))
            .Select(t => $"WeCom:Tenants:{t.Key}:CorpId is required when WeCom:Tenants:{t.Key}:AppSecret is set.")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The random source for retry jitter (a number in [0, 1)); tests pin it.</summary>
public sealed class WeComRetryJitter(Func<double> next)
{
    /// <summary>The process-wide default.</summary>
    public static WeComRetryJitter Shared { get; } = new(Random.Shared.NextDouble);

    /// <summary>The next number in [0, 1).</summary>
    public double Next() => next();
}
