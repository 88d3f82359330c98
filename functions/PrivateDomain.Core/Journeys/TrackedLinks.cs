using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PrivateDomain.Journeys;

/// <summary>What a tracked link stands for: a content link in a touch, or a customer's unsubscribe link.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CustomerId">The customer it was made for.</param>
/// <param name="TouchId">The touch it was sent in, if any.</param>
/// <param name="Target">Where a content link goes (http or https); null for an unsubscribe link.</param>
/// <param name="Campaign">The campaign the link belongs to (a payroll campaign's welfare, quiz or product page), if any:
/// opening it counts as engagement with that campaign.</param>
/// <param name="ExpiresAt">When the token stops being honoured (set by <see cref="TrackedLinkSigner.Create"/> from
/// <see cref="TrackedLinkOptions.Lifetime"/>; a token made without one reads as expired).</param>
public sealed record TrackedLink(string Tenant, string CustomerId, string? TouchId, Uri? Target, string? Campaign = null, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>True once <paramref name="now"/> is past the expiry (or the token carries none).</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is not { } at || now >= at;
}

/// <summary>Tracked links (<c>Links:*</c>).</summary>
public sealed class TrackedLinkOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Links";

    /// <summary>How long a link token is honoured after it is made (default 90 days); an older one gets a friendly
    /// "this link has expired" page.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Hosts a content link may lead to, besides each tenant's <c>WeCom:Tenants:{tenant}:BankSite</c> host
    /// (a host matches itself and its subdomains). Checked again at every click, over https only.</summary>
    public List<string> AllowedHosts { get; } = [];
}

/// <summary>
/// Makes and reads tracked links. WeCom reports no chat content, so a click on a link we host is how we learn a customer
/// engaged, and our unsubscribe page is how they opt out. The token carries the link's meaning and an HMAC, so it
/// cannot be forged or pointed elsewhere (no open redirect), and nothing needs storing when a link is made.
/// </summary>
public sealed class TrackedLinkSigner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private readonly byte[] _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    /// <summary>Creates the signer; the key is ≥ 32 random bytes, base64 (<c>Links:SigningKey</c>); tokens it makes
    /// expire <paramref name="lifetime"/> (default 90 days) after <paramref name="time"/>'s now.</summary>
    public TrackedLinkSigner(string base64Key, TimeSpan? lifetime = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(base64Key);
        _lifetime = lifetime ?? TimeSpan.FromDays(90);
        _time = time ?? TimeProvider.System;
        if (_lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentException("Links:Lifetime must be positive.", nameof(lifetime));
        }

        _key = Convert.FromBase64String(base64Key);
        if (_key.Length < 32)
        {
            throw new ArgumentException("Links:SigningKey must be at least 32 bytes, base64-encoded.", nameof(base64Key));
        }
    }

    /// <summary>The token for a link (URL-safe).</summary>
    public string Create(TrackedLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.Target is { } t && !(t.IsAbsoluteUri && t.Scheme is "https" or "http"))
        {
            throw new ArgumentException("A tracked link's target must be an absolute http(s) URL.", nameof(link));
        }

        var expires = (link.ExpiresAt ?? _time.GetUtcNow() + _lifetime).ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(link.Tenant, link.CustomerId, link.TouchId, link.Target?.AbsoluteUri, link.Campaign, expires), Json);
        return Base64Url(payload) + "." + Base64Url(Mac(payload));
    }

    /// <summary>Reads a token; null if it is malformed or its signature does not match. An expired token still reads
    /// (see <see cref="TrackedLink.IsExpired"/>), so the page can say so in the tenant's words.</summary>
    public TrackedLink? Read(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048 || token.Split('.') is not [var body, var mac])
        {
            return null;
        }

        try
        {
            var payload = FromBase64Url(body);
            if (!CryptographicOperations.FixedTimeEquals(FromBase64Url(mac), Mac(payload)))
            {
                return null;
            }

            var p = JsonSerializer.Deserialize<Payload>(payload, Json);
            return p is { T: { Length: > 0 }, C: { Length: > 0 } }
                ? new TrackedLink(p.T, p.C, p.I, p.U is null ? null : new Uri(p.U, UriKind.Absolute), p.P,
                    p.E is { } e ? DateTimeOffset.FromUnixTimeSeconds(e) : null)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or UriFormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_key, payload).AsSpan(0, 16).ToArray();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    private sealed record Payload(string T, string C, string? I, string? U, string? P = null, long? E = null);
}
