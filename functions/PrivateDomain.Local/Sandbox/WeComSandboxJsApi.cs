using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>
/// The sandbox's JS-SDK tickets [90506]: <c>GET /cgi-bin/get_jsapi_ticket</c> (the corp's, for wx.config) and
/// <c>GET /cgi-bin/ticket/get?type=agent_config</c> (the app's, for wx.agentConfig; another type is 40058), each the same
/// ticket while it is valid (7,200 s), with WeCom's limits [90454]: per hour at most 400 corp tickets per corp and 100
/// app tickets per app, then 45009. <see cref="Ticket"/> lets a test check a page's signature.
/// </summary>
public sealed class WeComSandboxJsApi(WeComSandbox sandbox, TimeProvider time)
{
    /// <summary>How long a ticket lives.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(7200);

    private readonly ConcurrentDictionary<(string CorpId, string Kind), (string Ticket, DateTimeOffset ExpiresAt)> _tickets = new();
    private readonly ConcurrentDictionary<(string CorpId, string Kind, long Hour), int> _calls = new();

    /// <summary>The current ticket of a corp (<paramref name="kind"/> <c>corp</c> or <c>agent</c>), or null.</summary>
    public string? Ticket(string corpId, string kind) => _tickets.TryGetValue((corpId, kind), out var t) ? t.Ticket : null;

    /// <summary>Maps the two endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/cgi-bin/get_jsapi_ticket", (HttpContext http, WeComSandboxJsApi j) => j.Issue(http, "get_jsapi_ticket", "corp", 400));
        app.MapGet("/cgi-bin/ticket/get", (HttpContext http, WeComSandboxJsApi j) =>
            http.Request.Query["type"] == "agent_config" ? j.Issue(http, "ticket/get", "agent", 100) : Results.Json(Error(40058)));
    }

    private IResult Issue(HttpContext http, string api, string kind, int perHour)
    {
        var (code, corpId) = sandbox.CheckToken(http.Request.Query["access_token"].ToString());
        var now = time.GetUtcNow();
        if (code == 0 && sandbox.TakeFault(api) is { } fault)
        {
            code = fault.Errcode;
        }

        if (code == 0 && _calls.AddOrUpdate((corpId!, kind, now.ToUnixTimeSeconds() / 3600), 1, (_, n) => n + 1) > perHour)
        {
            code = WeComErrors.FrequencyLimit;
        }

        JsonObject answer;
        if (code != 0)
        {
            answer = Error(code);
        }
        else
        {
            var t = _tickets.AddOrUpdate((corpId!, kind), _ => New(now), (_, old) => old.ExpiresAt > now ? old : New(now));
            answer = new JsonObject
            {
                ["errcode"] = 0, ["errmsg"] = "ok", ["ticket"] = t.Ticket, ["expires_in"] = (long)Math.Ceiling((t.ExpiresAt - now).TotalSeconds),
            };
        }

        sandbox.Record(api, "GET", corpId, http.Request.QueryString.Value ?? "", null, answer["errcode"]!.GetValue<int>());
        return Results.Json(answer);
    }

    private static (string, DateTimeOffset) New(DateTimeOffset now) =>
        ("sbxticket" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)), now + Lifetime);

    private static JsonObject Error(int code) => new()
    {
        ["errcode"] = code,
        ["errmsg"] = WeComErrors.Describe(code).Meaning + ", hint: [wecom-sandbox]",
    };
}
