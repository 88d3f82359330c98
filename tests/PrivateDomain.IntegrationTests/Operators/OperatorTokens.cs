using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>
/// Entra-shaped bearer tokens minted with a local signing key, and the JWT options that trust that key instead of
/// fetching Entra's metadata — so the operator API's real Microsoft.Identity.Web validation runs offline.
/// </summary>
public sealed class OperatorTokens
{
    public const string ClientId = "6b0f4c8e-1d2a-4b3c-9d8e-7f6a5b4c3d2e";
    public const string Audience = "api://privatedomain-test";

    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key" };

    /// <summary>The AzureAd settings of a multi-tenant API app.</summary>
    public static Dictionary<string, string?> Settings(string tenant, Guid entraTenantId) => new()
    {
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "organizations",
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:Audience"] = Audience,
        [$"Operators:Tenants:{tenant}:EntraTenantId"] = entraTenantId.ToString(),
        ["Local:QueueWorkers"] = "false",
    };

    /// <summary>Makes JwtBearer trust the local key and Entra-style issuers, with no metadata download.</summary>
    public void Trust(IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = "https://login.microsoftonline.com/{tenantid}/v2.0" };
            configuration.SigningKeys.Add(_key);
            o.Configuration = configuration;
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            o.TokenValidationParameters.IssuerSigningKey = _key;
            o.TokenValidationParameters.IssuerValidator = (issuer, token, _) =>
                token is JsonWebToken jwt && issuer == $"https://login.microsoftonline.com/{jwt.GetClaim("tid").Value}/v2.0"
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("Not an Entra issuer for the token's tenant.");
        });

    /// <summary>A token for a user of <paramref name="entraTenantId"/> with the given roles.</summary>
    public string Mint(Guid entraTenantId, string[] roles, string audience = Audience, DateTime? expires = null, string name = "ops@bank.example")
    {
        var claims = new List<Claim>
        {
            new("tid", entraTenantId.ToString()),
            new("oid", Guid.NewGuid().ToString()),
            new("preferred_username", name),
        };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        var now = DateTime.UtcNow;
        var notBefore = expires is { } e && e < now ? e.AddMinutes(-30) : now.AddMinutes(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"https://login.microsoftonline.com/{entraTenantId}/v2.0",
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = notBefore,
            IssuedAt = notBefore,
            Expires = expires ?? now.AddMinutes(30),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }
}
