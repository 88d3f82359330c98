using System.Security.Claims;
using Microsoft.Extensions.Options;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Operators;

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
/// (signature, issuer, audience, lifetime) before this runs. Every decision past authentication is audited.
/// </summary>
public sealed class OperatorAccess(IOptions<OperatorAccessOptions> options, IOperatorAudit audit, TimeProvider time)
{
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
