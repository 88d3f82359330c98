using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Operators;

/// <summary>How the console signs its users in, as <c>config.json</c> tells the browser.</summary>
/// <param name="SignIn"><c>entra</c> (MSAL), <c>local-token</c> (paste a <c>./pd token</c>, Development only) or <c>none</c>.</param>
/// <param name="Tenants">The tenants this host operates.</param>
/// <param name="ClientId">Entra: the console's SPA app registration.</param>
/// <param name="Authority">Entra: <c>https://login.microsoftonline.com/{entra tenant}</c>.</param>
/// <param name="Scopes">Entra: the operator API's scope(s), e.g. <c>api://…/.default</c>.</param>
/// <param name="Reason">Why sign-in is unavailable, for <c>none</c>.</param>
public sealed record ConsoleConfig(string SignIn, IReadOnlyList<string> Tenants, string? ClientId = null, string? Authority = null,
    IReadOnlyList<string>? Scopes = null, string? Reason = null);

/// <summary>
/// The operators' console (zh-CN): static files embedded in this assembly (<c>Operators/Console</c>, the vendored
/// ECharts and MSAL builds from npm included), served identically by the local host at <c>/console/</c> and by the
/// Functions app at <c>/api/console/</c>, plus <c>config.json</c> saying how to sign in. The console calls only the
/// documented operator API (<c>/api/tenants/…</c>, docs/openapi.json) with the signed-in user's bearer token.
/// </summary>
public static class OperatorConsole
{
    /// <summary>The console's Entra settings section (<c>Console:Entra:ClientId</c>, <c>:Authority</c>, <c>:Scopes</c>).</summary>
    public const string EntraSection = "Console:Entra";

    /// <summary>Sent with every console response: only this origin's scripts, no framing, no referrer; Entra's
    /// sign-in endpoint may be called and framed (MSAL's silent renewal).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self' https://login.microsoftonline.com; frame-src https://login.microsoftonline.com; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(() =>
    {
        var assembly = typeof(OperatorConsole).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name["console/".Length..].Replace('\\', '/')] = copy.ToArray();
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    });

    /// <summary>The paths of the console's files (for tests).</summary>
    public static IEnumerable<string> Paths => Files.Value.Keys;

    /// <summary>Serves <paramref name="path"/> (relative to the console's root; empty for the page itself), or a 404.</summary>
    public static IResult Serve(HttpContext http, string? path)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrEmpty(path) && !http.Request.Path.Value!.EndsWith('/'))
        {
            // The page's assets are relative: /console must become /console/ (and /api/console, /api/console/).
            return Results.Redirect(http.Request.PathBase + http.Request.Path + "/");
        }

        var name = string.IsNullOrEmpty(path) ? "index.html" : path;
        if (!Files.Value.TryGetValue(name, out var bytes) || !Types.TryGetValue(Path.GetExtension(name), out var type))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such file in the operators' console.");
        }

        Secure(http.Response);
        // The page itself is never cached (a new deployment takes effect at once); scripts are small enough to revalidate.
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, type);
    }

    /// <summary>The sign-in configuration: Entra when <c>Console:Entra:ClientId</c> is set, the local token on a
    /// Development host that accepts <c>./pd token</c>, otherwise none with the reason.</summary>
    public static IResult Config(HttpContext http, IConfiguration configuration, IOptions<OperatorAccessOptions> access, bool localTokens)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(access);
        Secure(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        var tenants = access.Value.Tenants.Keys.Order(StringComparer.Ordinal).ToList();
        var entra = configuration.GetSection(EntraSection);
        if (!string.IsNullOrWhiteSpace(entra["ClientId"]))
        {
            var scopes = entra.GetSection("Scopes").Get<string[]>() ?? [];
            return Results.Ok(new ConsoleConfig("entra", tenants, entra["ClientId"], entra["Authority"] ?? "https://login.microsoftonline.com/organizations", scopes));
        }

        return localTokens
            ? Results.Ok(new ConsoleConfig("local-token", tenants))
            : Results.Ok(new ConsoleConfig("none", tenants, Reason:
                "此主机未配置登录：Azure 上请设置 Console:Entra:ClientId、Console:Entra:Authority、Console:Entra:Scopes；本机开发请用 ./pd run（./pd token 获取令牌）。"));
    }

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
