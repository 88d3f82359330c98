using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Input;

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
public sealed class OperatorAccess(IOptions<OperatorAccessOptions> options, IOperatorAudit audit, TimeProvider time, ILogger<OperatorAccess> log)
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

    /// <summary>The tenants whose Entra tenant issued <paramref name="user"/>'s token and in which it carries one of
    /// <paramref name="roles"/> (for pages outside a tenant's route, such as /healthz's details).</summary>
    public IReadOnlyList<string> TenantsWhere(ClaimsPrincipal user, IReadOnlyCollection<string> roles)
    {
        ArgumentNullException.ThrowIfNull(user);
        return [.. options.Value.Tenants.Keys.Where(t => user.Identity?.IsAuthenticated == true && Refusal(user, t, roles) is null)];
    }

    /// <summary>True if <paramref name="tenant"/> is a well-formed tenant name with operator access configured here.</summary>
    public bool IsKnownTenant(string tenant) => Identifiers.Tenant.IsValid(tenant) && options.Value.Tenants.ContainsKey(tenant);

    /// <summary>
    /// Runs one operator call: the tenant must exist (else 404, and nothing is written — a made-up name never gets an
    /// audit partition), the token must be from the tenant's Entra tenant with one of <paramref name="roles"/> (else
    /// 403, audited). Then the audit row is written (outcome <see cref="OperatorAudit.Started"/>), <paramref name="work"/>
    /// runs, and the row is completed with the status, the <see cref="OperatorCall.Note"/> (counts) and the action and
    /// target as the work refined them — or with "500 failed" when the work throws, which is then rethrown.
    /// </summary>
    public async Task<IResult> RunAsync(
        HttpContext http, string tenant, string action, string target, IReadOnlyCollection<string> roles, Func<OperatorCall, Task<IResult>> work)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(work);
        if (!IsKnownTenant(tenant))
        {
            log.LogWarning("Operator call {Action} for unknown tenant {Tenant} refused", LogValue.Of(action), LogValue.Of(tenant, 40));
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: $"There is no tenant '{InputRule.Truncate(tenant, 40)}' here; check the {{tenant}} segment of the URL ({Identifiers.Tenant.Describe()}).");
        }

        if (Refusal(http.User, tenant, roles) is { } refusal)
        {
            await audit.RecordAsync(Describe(http, tenant, action, target, "403"), CancellationToken.None).ConfigureAwait(false);
            return Results.Problem(detail: refusal, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var call = new OperatorCall(tenant, action, target);
        var entry = await audit.BeginAsync(Describe(http, tenant, action, target, OperatorAudit.Started), CancellationToken.None).ConfigureAwait(false);
        IResult result;
        try
        {
            result = await work(call).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var outcome = e is OperationCanceledException && http.RequestAborted.IsCancellationRequested ? "499 aborted" : $"500 failed: {e.GetType().Name}";
            await audit.CompleteAsync(entry with { Action = entry.Action with { Action = call.Action, Target = call.Target } }, outcome, CancellationToken.None)
                .ConfigureAwait(false);
            throw;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        var completed = call.Note is null ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{status} {call.Note}";
        await audit.CompleteAsync(entry with { Action = entry.Action with { Action = call.Action, Target = call.Target } }, completed, CancellationToken.None)
            .ConfigureAwait(false);
        return result;
    }

    private string? Refusal(ClaimsPrincipal user, string tenant, IReadOnlyCollection<string> roles)
    {
        var access = options.Value.Tenants[tenant];
        if (!Guid.TryParse(Claim(user, "tid", "http://schemas.microsoft.com/identity/claims/tenantid"), out var tid) || tid != access.EntraTenantId)
        {
            return $"The token is not from the Entra tenant that operates '{tenant}'.";
        }

        return roles.Any(r => user.IsInRole(r) || user.HasClaim("roles", r)) ? null : $"This needs one of the roles {string.Join(", ", roles)}.";
    }

    private OperatorAction Describe(HttpContext http, string tenant, string action, string target, string outcome)
    {
        var user = http.User;
        var actor = $"{Claim(user, "oid", "http://schemas.microsoft.com/identity/claims/objectidentifier") ?? "?"} "
                    + $"({Claim(user, "preferred_username", "name", ClaimTypes.Name) ?? "unknown"})";
        return new OperatorAction(tenant, actor, action, target, http.Connection.RemoteIpAddress?.ToString() ?? "?", time.GetUtcNow(), outcome);
    }

    private static string? Claim(ClaimsPrincipal user, params string[] types) =>
        types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}

/// <summary>An operator call at work: the handler may refine what its audit row says once it has read the request.</summary>
public sealed class OperatorCall(string tenant, string action, string target)
{
    /// <summary>The tenant from the route (already checked to exist and to match the token).</summary>
    public string Tenant { get; } = tenant;

    /// <summary>The action, e.g. <c>journey.signal:intent</c> once the kind is known.</summary>
    public string Action { get; set; } = action;

    /// <summary>What it acted on, e.g. the instance id once started.</summary>
    public string Target { get; set; } = target;

    /// <summary>Counts or detail appended to the status in the audit row (<c>applied=3 poisoned=1</c>).</summary>
    public string? Note { get; set; }
}
