using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateDomain.Pages;

/// <summary>The campaign pages customers open from our messages.</summary>
public static class CampaignPageKinds
{
    /// <summary>福利: claim one code from a welfare pool (<see cref="CampaignPageLink.Item"/> names the pool).</summary>
    public const string Welfare = "welfare";

    /// <summary>答题: a quiz (<see cref="CampaignPageLink.Item"/> names it).</summary>
    public const string Quiz = "quiz";

    /// <summary>产品: a product's facts and risk disclosure with a "预约" button (<see cref="CampaignPageLink.Item"/> names the product).</summary>
    public const string Product = "product";
}

/// <summary>
/// What a campaign page link stands for. It names no customer: every recipient of a mass-send task gets the same text, and
/// the customer who opens it is identified through WeCom's web authorisation. It names the sender, the campaign (a payroll
/// campaign, or a journey and step) and the content version, so each visit is counted against them.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="SenderId">The account manager whose message carried the link.</param>
/// <param name="Campaign">The payroll campaign id, when the message was a payroll campaign's touch.</param>
/// <param name="Journey">The journey id, when the message was a journey's touch.</param>
/// <param name="Step">The journey step (for a payroll campaign: welfare, quiz, sales).</param>
/// <param name="Content">The template and version the message was rendered from (<c>id@v2</c>).</param>
/// <param name="Page">One of <see cref="CampaignPageKinds"/>.</param>
/// <param name="Item">The pool, quiz or product id.</param>
/// <param name="ExpiresAt">When the link stops being honoured.</param>
public sealed record CampaignPageLink(
    string Tenant, string SenderId, string? Campaign, string? Journey, string? Step, string Content, string Page, string Item, DateTimeOffset ExpiresAt)
{
    /// <summary>The campaign the page counts for: the payroll campaign, else the journey and step, else the content.</summary>
    public string CampaignKey => Campaign ?? (Journey is null ? "content:" + Content : $"{Journey}/{Step}");

    /// <summary>True once <paramref name="now"/> is past the expiry.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}

/// <summary>
/// Signs and reads campaign page tokens with the tracked-link key (<c>Links:SigningKey</c>), domain-separated so a
/// tracked-link token is never read as a page token or the other way round. Nothing is stored when a link is made.
/// </summary>
public sealed class CampaignPageLinkSigner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly byte[] Domain = Encoding.UTF8.GetBytes("privatedomain/campaign-page/v1\n");
    private readonly byte[] _key;

    /// <summary>Creates the signer from the base64 links key (≥ 32 bytes).</summary>
    public CampaignPageLinkSigner(string base64Key)
    {
        ArgumentNullException.ThrowIfNull(base64Key);
        _key = Convert.FromBase64String(base64Key);
        if (_key.Length < 32)
        {
            throw new ArgumentException("Links:SigningKey must be at least 32 bytes, base64-encoded.", nameof(base64Key));
        }
    }

    /// <summary>The URL-safe token for <paramref name="link"/>.</summary>
    public string Create(CampaignPageLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new Payload(link.Tenant, link.SenderId, link.Campaign, link.Journey, link.Step, link.Content, link.Page, link.Item, link.ExpiresAt.ToUnixTimeSeconds()), Json);
        return TokenText.Encode(payload) + "." + TokenText.Encode(Mac(payload));
    }

    /// <summary>Reads a token; null when malformed, forged or for another purpose. An expired token still reads.</summary>
    public CampaignPageLink? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048 || token.Split('.') is not [var body, var mac])
        {
            return null;
        }

        try
        {
            var payload = TokenText.Decode(body);
            if (!CryptographicOperations.FixedTimeEquals(TokenText.Decode(mac), Mac(payload)))
            {
                return null;
            }

            var p = JsonSerializer.Deserialize<Payload>(payload, Json);
            return p is { T.Length: > 0, S.Length: > 0, V.Length: > 0, K: CampaignPageKinds.Welfare or CampaignPageKinds.Quiz or CampaignPageKinds.Product, I.Length: > 0 }
                ? new CampaignPageLink(p.T, p.S, p.C, p.J, p.St, p.V, p.K, p.I, DateTimeOffset.FromUnixTimeSeconds(p.E))
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_key, Domain.Concat(payload).ToArray()).AsSpan(0, 16).ToArray();

    private sealed record Payload(string T, string S, string? C, string? J, string? St, string V, string K, string I, long E);
}

/// <summary>base64url without padding, as tokens in URLs and cookies carry it.</summary>
internal static class TokenText
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
