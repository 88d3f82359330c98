using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>
/// WeCom's web authorisation in the sandbox, with WeCom's rules [96442]: <c>GET /connect/oauth2/authorize</c> (appid,
/// redirect_uri on the app's trusted domain — else 50001 —, response_type=code, scope snsapi_base, agentid) redirects to
/// <c>redirect_uri?code=…&amp;state=…</c>; <c>GET /cgi-bin/auth/getuserinfo</c> resolves the code once, within 5 minutes,
/// for the corp whose token asks (else 40029), as <c>userid</c> for a member, or <c>openid</c> plus — only for a customer
/// whose follow-up member is in the app's visible range — <c>external_userid</c>.
/// </summary>
/// <remarks>
/// WeCom's webview knows who is signed in; the sandbox reads it from its own cookie <see cref="VisitorCookie"/>:
/// <c>member:{userid}</c>, <c>customer:{external_userid}</c> or <c>stranger:{openid}</c>. No cookie is a WeChat user
/// outside the corp (a stranger with a fresh openid).
/// </remarks>
public sealed class WeComSandboxWebAuth(WeComSandbox sandbox, TimeProvider time)
{
    /// <summary>The cookie (on the sandbox's host) naming who the webview is signed in as.</summary>
    public const string VisitorCookie = "sandbox_wecom_visitor";

    /// <summary>How long a code is honoured.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (string AgentId, HashSet<string> Domains)> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _visibleCustomers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string CorpId, string Visitor, DateTimeOffset ExpiresAt)> _codes = new(StringComparer.Ordinal);

    /// <summary>Registers the corp's self-built app for web authorisation: its agent id and trusted domain(s).</summary>
    public void RegisterApp(string corpId, string agentId, params string[] trustedDomains) =>
        _apps[corpId] = (agentId, new HashSet<string>(trustedDomains, StringComparer.OrdinalIgnoreCase));

    /// <summary>Makes a customer visible to the app (their follow-up member is in its visible range).</summary>
    public void AddVisibleCustomer(string corpId, string externalUserId) => _visibleCustomers[$"{corpId}\n{externalUserId}"] = 0;

    /// <summary>Maps the two endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/connect/oauth2/authorize", (HttpContext http, WeComSandboxWebAuth auth) => auth.Authorize(http));
        app.MapGet("/cgi-bin/auth/getuserinfo", (HttpContext http, WeComSandboxWebAuth auth) => auth.GetUserInfo(http));
    }

    private IResult Authorize(HttpContext http)
    {
        var q = http.Request.Query;
        var corpId = q["appid"].ToString();
        if (!_apps.TryGetValue(corpId, out var app))
        {
            return Page(40013, "invalid corpid");
        }

        if (!Uri.TryCreate(q["redirect_uri"].ToString(), UriKind.Absolute, out var redirect) || !app.Domains.Contains(redirect.Host))
        {
            return Page(50001, "redirect_uri 需使用应用可信域名");
        }

        if (q["response_type"] != "code" || q["scope"].ToString() is not ("snsapi_base" or "snsapi_privateinfo") || q["agentid"] != app.AgentId)
        {
            return Page(40001, "response_type=code, scope=snsapi_base 与 agentid 必须正确");
        }

        var visitor = http.Request.Cookies[VisitorCookie] is { Length: > 0 } v ? v : "stranger:o" + RandomNumberGenerator.GetHexString(16).ToLowerInvariant();
        var code = RandomNumberGenerator.GetHexString(32).ToLowerInvariant();
        _codes[code] = (corpId, visitor, time.GetUtcNow() + CodeLifetime);
        sandbox.Record("oauth2/authorize", "GET", corpId, "", null, 0);
        var separator = redirect.Query.Length > 0 ? "&" : "?";
        return Results.Redirect($"{redirect.GetLeftPart(UriPartial.Query)}{separator}code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private IResult GetUserInfo(HttpContext http)
    {
        var (errcode, corpId) = sandbox.CheckToken(http.Request.Query["access_token"].ToString());
        var code = http.Request.Query["code"].ToString();
        JsonObject answer;
        if (errcode != 0)
        {
            answer = Error(errcode);
        }
        else if (code.Length == 0)
        {
            answer = Error(41008); // missing oauth code
        }
        else if (!_codes.TryRemove(code, out var issued) || issued.CorpId != corpId || issued.ExpiresAt <= time.GetUtcNow())
        {
            // Single use: a second call finds nothing. A code of another corp or past its 5 minutes is invalid too.
            answer = Error(40029);
        }
        else
        {
            answer = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
            var (kind, id) = issued.Visitor.IndexOf(':', StringComparison.Ordinal) is var i and > 0 ? (issued.Visitor[..i], issued.Visitor[(i + 1)..]) : ("stranger", issued.Visitor);
            switch (kind)
            {
                case "member":
                    answer["userid"] = id;
                    break;
                case "customer":
                    answer["openid"] = "o" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..27];
                    if (_visibleCustomers.ContainsKey($"{corpId}\n{id}"))
                    {
                        answer["external_userid"] = id;
                    }

                    break;
                default:
                    answer["openid"] = id;
                    break;
            }
        }

        sandbox.Record("auth/getuserinfo", "GET", corpId, http.Request.QueryString.Value ?? "", null, (int)answer["errcode"]!);
        return Results.Json(answer);
    }

    private static JsonObject Error(int code) => new()
    {
        ["errcode"] = code,
        ["errmsg"] = WeComErrors.Describe(code).Meaning + ", hint: [wecom-sandbox]",
    };

    private static IResult Page(int errcode, string message) =>
        Results.Content($"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>企业微信</title><p>{System.Net.WebUtility.HtmlEncode(message)}</p><p>errcode: {errcode}</p></html>",
            "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
}
