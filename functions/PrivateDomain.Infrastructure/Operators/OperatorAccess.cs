using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Operators;

/// <summary>Which Entra tenant's operators may operate each PrivateDomain tenant (<c>Operators:Tenants:{tenant}:EntraTenantId</c>).</summary>
public sealed class OperatorAccessOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Operators";

    /// <summary>PrivateDomain tenant → its bank's Entra tenant.</summary>
    public Dictionary<string, OperatorTenantOptions> Tenants { get; } = new(StringComparer.Ordinal);
}

/// <summary>One tenant's operator access.</summary>
public sealed class OperatorTenantOptions
{
    /// <summary>The Entra (Azure AD) tenant id whose tokens may operate this tenant.</summary>
    public Guid EntraTenantId { get; set; }
}

/// <summary>
/// Authorizes an authenticated operator call for a PrivateDomain tenant: the token must come from that tenant's Entra
/// tenant (<c>tid</c>) and carry one of the endpoint's roles. Tokens themselves are validated by Microsoft.Identity.Web
/// (signature, issuer, audience, lifetime) before this runs — by the authentication middleware on the local host, by
/// <see cref="AuthenticateAsync"/> in each Functions app function. Every decision past authentication is audited.
/// Shared by both hosts so they answer identically.
/// </summary>
public sealed class OperatorAccess(IOptions<OperatorAccessOptions> options, IOperatorAudit audit, TimeProvider time)
{
    /// <summary>The bearer scheme <c>AddMicrosoftIdentityWebApi</c> registers (<c>JwtBearerDefaults.AuthenticationScheme</c>).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// Authenticates the caller explicitly, for hosts whose endpoints the authentication middleware does not reach (the
    /// Functions isolated worker: <c>[Authorize]</c> and <c>UseAuthentication</c> do nothing for functions). The same as
    /// Microsoft.Identity.Web's <c>AuthenticateAzureFunctionAsync</c> — authenticate with the bearer scheme, set
    /// <see cref="HttpContext.User"/> — but answering problem+json. Null if authenticated, else the 401 (or 404 when
    /// no bearer scheme is configured: the operator API is off without <c>AzureAd:ClientId</c>, as on the local host).
    /// </summary>
    public static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var schemes = http.RequestServices.GetService<IAuthenticationSchemeProvider>();
        if (schemes is null || await schemes.GetSchemeAsync(BearerScheme).ConfigureAwait(false) is null)
        {
            return Results.Problem(detail: "The operator API is not configured on this host (AzureAd:ClientId).",
                statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        var result = await http.AuthenticateAsync(BearerScheme).ConfigureAwait(false);
        if (result.Succeeded && result.Principal is { } principal)
        {
            http.User = principal;
            return null;
        }

        http.Response.Headers.WWWAuthenticate = BearerScheme;
        return Results.Problem(detail: "Send an Entra ID access token for this API as 'Authorization: Bearer …' (missing, expired or not for this API).",
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }

    /// <summary>Null if allowed, else the 403 problem to answer (the refusal is audited).</summary>
    public async Task<IResult?> AuthorizeAsync(HttpContext http, string tenant, string action, string target, IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(roles);
        var user = http.User;
        string? refusal = null;
        if (!options.Value.Tenants.TryGetValue(tenant, out var access))
        {
            refusal = $"Tenant '{tenant}' has no operator access configured (Operators:Tenants:{tenant}:EntraTenantId).";
        }
        else if (!Guid.TryParse(Claim(user, "tid", "http://schemas.microsoft.com/identity/claims/tenantid"), out var tid) || tid != access.EntraTenantId)
        {
            refusal = $"The token is not from the Entra tenant that operates '{tenant}'.";
        }
        else if (!roles.Any(r => user.IsInRole(r) || user.HasClaim("roles", r)))
        {
            refusal = $"This needs one of the roles {string.Join(", ", roles)}.";
        }

        if (refusal is null)
        {
            return null;
        }

        await RecordAsync(http, tenant, action, target, "403").ConfigureAwait(false);
        return Results.Problem(detail: refusal, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
    }

    /// <summary>Appends the action to the audit log.</summary>
    public Task RecordAsync(HttpContext http, string tenant, string action, string target, string outcome)
    {
        ArgumentNullException.ThrowIfNull(http);
        var user = http.User;
        var actor = $"{Claim(user, "oid", "http://schemas.microsoft.com/identity/claims/objectidentifier") ?? "?"} "
                    + $"({Claim(user, "preferred_username", "name", ClaimTypes.Name) ?? "unknown"})";
        return audit.RecordAsync(new OperatorAction(tenant, actor, action, target, http.Connection.RemoteIpAddress?.ToString() ?? "?",
            time.GetUtcNow(), outcome), http.RequestAborted);
    }

    private static string? Claim(ClaimsPrincipal user, params string[] types) =>
        types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
