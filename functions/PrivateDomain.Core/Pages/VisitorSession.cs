using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateDomain.Pages;

/// <summary>
/// Who is looking at a campaign page, once WeCom's web authorisation told us: a customer of the tenant (their id), or a
/// visitor we could not identify (outside WeCom, a stranger, a member of staff, a refused or expired code) — the second
/// kind is remembered too, so the page does not send them round the authorisation again.
/// </summary>
/// <param name="Tenant">The tenant whose authorisation identified the visitor; a session is worth nothing on another tenant's pages.</param>
/// <param name="CustomerId">The customer, or null for an unidentified visitor.</param>
/// <param name="ExpiresAt">When the session ends.</param>
public sealed record VisitorSession(string Tenant, string? CustomerId, DateTimeOffset ExpiresAt);

/// <summary>
/// The visitor session cookie: the session signed with the links key under its own domain (so no link token is a
/// session or the other way round), sent HttpOnly and SameSite=Lax (it must come along on the top-level navigation
/// back from WeCom's authorisation), Secure over https.
/// </summary>
public sealed class VisitorSessionCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "pd_visitor";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("privatedomain/visitor-session/v1\n");
    private readonly byte[] _key;

    /// <summary>Creates the cookie codec from the base64 links key (≥ 32 bytes).</summary>
    public VisitorSessionCookie(string base64Key)
    {
        ArgumentNullException.ThrowIfNull(base64Key);
        _key = Convert.FromBase64String(base64Key);
        if (_key.Length < 32)
        {
            throw new ArgumentException("Links:SigningKey must be at least 32 bytes, base64-encoded.", nameof(base64Key));
        }
    }

    /// <summary>The cookie value for <paramref name="session"/>.</summary>
    public string Create(VisitorSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(session.Tenant, session.CustomerId, session.ExpiresAt.ToUnixTimeSeconds()), Json);
        return TokenText.Encode(payload) + "." + TokenText.Encode(HMACSHA256.HashData(_key, Domain.Concat(payload).ToArray()));
    }

    /// <summary>The session in <paramref name="value"/> if it is genuine, not expired at <paramref name="now"/>, and
    /// for <paramref name="tenant"/>; otherwise null.</summary>
    public VisitorSession? Read(string? value, string tenant, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 1024 || value.Split('.') is not [var body, var mac])
        {
            return null;
        }

        try
        {
            var payload = TokenText.Decode(body);
            if (!CryptographicOperations.FixedTimeEquals(TokenText.Decode(mac), HMACSHA256.HashData(_key, Domain.Concat(payload).ToArray())))
            {
                return null;
            }

            var p = JsonSerializer.Deserialize<Payload>(payload, Json);
            var session = p is { T.Length: > 0 } ? new VisitorSession(p.T, p.C, DateTimeOffset.FromUnixTimeSeconds(p.E)) : null;
            return session is not null && session.Tenant == tenant && now < session.ExpiresAt ? session : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private sealed record Payload(string T, string? C, long E);
}
