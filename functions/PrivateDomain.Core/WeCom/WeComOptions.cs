using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PrivateDomain.WeCom;

/// <summary>WeCom settings, bound from the <c>WeCom</c> configuration section.</summary>
public sealed class WeComOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "WeCom";

    /// <summary>Tenants by name (the <c>{tenant}</c> route segment): <c>WeCom:Tenants:{tenant}:CorpId</c> and so on.</summary>
    public Dictionary<string, WeComTenantOptions> Tenants { get; } = new(StringComparer.Ordinal);

    /// <summary>How far a callback's timestamp may be from now before it is refused as stale (default 10 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The largest callback body accepted, in bytes (default 64 KiB; WeCom's events are a few hundred bytes).</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>One tenant's WeCom app, as set in the WeCom admin console (接收消息服务器配置).</summary>
public sealed class WeComTenantOptions
{
    /// <summary>The corp id (企业ID); decrypted callbacks must carry it as their receiveid.</summary>
    public string CorpId { get; set; } = "";

    /// <summary>The callback Token (3–32 letters or digits) used in msg_signature.</summary>
    public string Token { get; set; } = "";

    /// <summary>The 43-character EncodingAESKey.</summary>
    public string EncodingAesKey { get; set; } = "";

    /// <summary>The bank's name as customers see it (<c>{bank.name}</c>), e.g. 示例农商银行. Optional: without it, messages
    /// that name the bank (the welcome message) are not sent.</summary>
    public string? BankName { get; set; }

    /// <summary>The bank's customer-service hotline (<c>{bank.hotline}</c>), e.g. 95XXX or 400-000-0000. Optional, like
    /// <see cref="BankName"/>.</summary>
    public string? BankHotline { get; set; }

    /// <summary>The bank's H5 site (<c>{bank.site}</c>): an absolute https URL that the content's links start with.
    /// Optional, like <see cref="BankName"/>.</summary>
    public Uri? BankSite { get; set; }
}

/// <summary>Validates <see cref="WeComOptions"/> at start-up, naming the configuration key that is wrong.</summary>
public sealed partial class WeComOptionsValidator : IValidateOptions<WeComOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WeComOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.MaxClockSkew <= TimeSpan.Zero)
        {
            errors.Add("WeCom:MaxClockSkew must be a positive TimeSpan such as 00:10:00.");
        }

        if (options.MaxBodyBytes is < 1024 or > 1024 * 1024)
        {
            errors.Add("WeCom:MaxBodyBytes must be between 1024 and 1048576.");
        }

        foreach (var (tenant, t) in options.Tenants)
        {
            var key = $"WeCom:Tenants:{tenant}";
            if (!TenantName().IsMatch(tenant))
            {
                errors.Add($"{key}: a tenant name is 2–32 lowercase letters or digits, starting with a letter (it is a route segment and part of app setting names, which allow no hyphens on Linux).");
            }

            if (string.IsNullOrWhiteSpace(t.CorpId))
            {
                errors.Add($"{key}:CorpId is required (the corp id from the WeCom admin console, 我的企业).");
            }

            if (!TokenPattern().IsMatch(t.Token ?? ""))
            {
                errors.Add($"{key}:Token must be 3–32 letters or digits, as set in the WeCom admin console.");
            }

            if (t.BankName is { } bankName && (string.IsNullOrWhiteSpace(bankName) || bankName.Length > 64))
            {
                errors.Add($"{key}:BankName must be 1–64 characters (the bank's name as customers see it), or left out.");
            }

            if (t.BankHotline is { } hotline && !HotlinePattern().IsMatch(hotline))
            {
                errors.Add($"{key}:BankHotline must be a phone number of 3–20 digits, spaces and '-', such as 95588 or 400-000-0000, or left out.");
            }

            if (t.BankSite is { } site && (!site.IsAbsoluteUri || site.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(site.Host)))
            {
                errors.Add($"{key}:BankSite must be an absolute https URL such as https://h5.example-bank.cn (content links start with it), or left out.");
            }

            try
            {
                CallbackCrypto.ParseKey(t.EncodingAesKey ?? "");
            }
            catch (FormatException e)
            {
                errors.Add($"{key}:EncodingAesKey is invalid: {e.Message}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z][a-z0-9]{1,31}$")]
    private static partial Regex TenantName();

    [GeneratedRegex("^[A-Za-z0-9]{3,32}$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[0-9][0-9 -]{1,18}[0-9]$")]
    private static partial Regex HotlinePattern();
}
