using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Operators;

/// <summary>
/// Operator tokens for a laptop: on the local host in the Development environment, with no Entra app registration
/// (<c>AzureAd:ClientId</c>), bearer tokens signed with a development-only key (<c>Operators:LocalTokens:SigningKey</c>)
/// stand in for Entra's. They carry the same claims the operator API checks (<c>tid</c> = the tenant's configured
/// <c>Operators:Tenants:{tenant}:EntraTenantId</c>, <c>roles</c>, <c>oid</c>, <c>preferred_username</c>), so
/// <see cref="OperatorAccess"/> authorises and audits them exactly as it does Entra's. Outside Development the key is
/// refused at start: production is Microsoft.Identity.Web with Entra only.
/// </summary>
public sealed class LocalOperatorTokens
{
    /// <summary>The configuration key of the development signing key (base64, at least 32 bytes).</summary>
    public const string SigningKeySetting = "Operators:LocalTokens:SigningKey";

    /// <summary>The issuer of local tokens (never an Entra issuer, so a local token is worthless against Entra validation).</summary>
    public const string Issuer = "privatedomain-local-development";

    /// <summary>The audience of local tokens.</summary>
    public const string Audience = "privatedomain-local-operators";

    private readonly SymmetricSecurityKey _key;

    /// <summary>Reads the key; throws with the setting's name when it is not base64 of at least 32 bytes.</summary>
    public LocalOperatorTokens(string signingKey)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signingKey);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{SigningKeySetting} must be base64 of at least 32 bytes.");
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException($"{SigningKeySetting} must be base64 of at least 32 bytes.");
        }

        _key = new SymmetricSecurityKey(bytes) { KeyId = "local-development" };
    }

    /// <summary>A token for an operator of the bank whose Entra tenant is <paramref name="entraTenantId"/>.</summary>
    public string Mint(Guid entraTenantId, IEnumerable<string> roles, string name, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var claims = new List<Claim>
        {
            new("tid", entraTenantId.ToString()),
            // A stable object id per name, so the audit log shows the same actor for the same person across tokens.
            new("oid", new Guid(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)).ToString()),
            new("preferred_username", name),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            IssuedAt = now.UtcDateTime,
            Expires = now.UtcDateTime.Add(lifetime),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// Whether a token is within its lifetime at <paramref name="now"/>, give or take <paramref name="skew"/>: not before its
    /// nbf, and not after its exp, which it must have. The host passes its own clock, so tokens minted and checked on it
    /// agree whatever the machine's date.
    /// </summary>
    public static bool Current(DateTime? notBefore, DateTime? expires, TimeSpan skew, DateTimeOffset now) =>
        expires is { } exp && now.UtcDateTime <= exp.ToUniversalTime() + skew
        && (notBefore is not { } nbf || now.UtcDateTime >= nbf.ToUniversalTime() - skew);

    /// <summary>Validates bearer tokens against the development key (signature, issuer, audience, lifetime).</summary>
    public void Configure(JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RoleClaimType = "roles",
            NameClaimType = "preferred_username",
            ClockSkew = TimeSpan.FromMinutes(1),
        };
    }
}
