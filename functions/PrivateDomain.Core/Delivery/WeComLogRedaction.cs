using System.Text.RegularExpressions;

namespace PrivateDomain.Delivery;

/// <summary>
/// Removes credentials from text bound for logs. WeCom puts the access_token (and gettoken the corpsecret) in the query
/// string, so any URL we log must go through <see cref="Redact"/>.
/// </summary>
public static partial class WeComLogRedaction
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Replaces the values of access_token, corpsecret and secret query parameters (any case) with <see cref="Mask"/>.</summary>
    public static string Redact(string? text) =>
        string.IsNullOrEmpty(text) ? text ?? "" : SecretParameter().Replace(text, m => m.Groups["name"].Value + "=" + Mask);

    /// <summary>The request target without credentials, e.g. <c>/cgi-bin/externalcontact/get?access_token=***&amp;external_userid=wm1</c>.</summary>
    public static string Redact(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return Redact(uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString);
    }

    [GeneratedRegex(@"(?<name>(?<=[?&;\s""']|^)(access_token|corpsecret|secret))=[^&#\s""']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameter();
}
