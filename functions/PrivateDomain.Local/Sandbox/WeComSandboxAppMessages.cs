using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>An app message the sandbox received: to whom, what, and whether WeCom would have delivered it.</summary>
/// <param name="MsgId">The msgid answered.</param>
/// <param name="CorpId">The corp.</param>
/// <param name="AgentId">The app.</param>
/// <param name="ToUser">The member.</param>
/// <param name="MsgType">text or template_card (or another type WeCom takes).</param>
/// <param name="Body">The request as sent.</param>
/// <param name="TaskId">A template card's task_id.</param>
/// <param name="Dropped">Over the per-member limit (30 a minute, 1,000 an hour): WeCom answers ok and drops it.</param>
/// <param name="At">When.</param>
public sealed record SandboxAppMessage(string MsgId, string CorpId, int AgentId, string ToUser, string MsgType, string Body, string? TaskId, bool Dropped, DateTimeOffset At)
{
    /// <summary>The button texts now shown on the card (after update_template_card), by button key.</summary>
    public ConcurrentDictionary<string, string> Buttons { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The sandbox's app messages to members, with WeCom's contract and limits [90236 message/send, 94888
/// update_template_card, 90454 frequency]: the agentid must be the corp's app (else 40056); a recipient who is not a
/// member of the app's visible range is listed in <c>invaliduser</c>, and when nobody is left the call fails with 81013;
/// msgtype must be one WeCom knows (else 40008); an empty text 44004; a template card needs card_type, main_title and a
/// task_id unique within the app (else 40058) and 1–6 buttons. Per app and day at most <see cref="WeComSandboxOptions"/>'s
/// <c>AppMessagesPerDay</c> recipients (WeCom: licensed accounts × 200), then 45009; per member 30 a minute and 1,000 an
/// hour, beyond which WeCom answers ok and drops the message (recorded as <see cref="SandboxAppMessage.Dropped"/>).
/// A template card's answer carries a response_code; <see cref="PressButton"/> plays a member pressing a button and gives
/// the callback's fresh response_code. update_template_card takes each code once, within 72 hours (else 40058: WeCom
/// documents no dedicated code).
/// </summary>
public sealed class WeComSandboxAppMessages(WeComSandbox sandbox, TimeProvider time)
{
    /// <summary>How long a response_code is honoured.</summary>
    public static readonly TimeSpan ResponseCodeLifetime = TimeSpan.FromHours(72);

    private static readonly HashSet<string> MessageTypes =
        ["text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown", "miniprogram_notice", "template_card"];

    private readonly ConcurrentDictionary<string, (int AgentId, HashSet<string> Members)> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SandboxAppMessage> _messages = new();
    private readonly ConcurrentDictionary<string, byte> _taskIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string CorpId, string MsgId, DateTimeOffset IssuedAt)> _responseCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string CorpId, string Key), int> _counts = new();

    /// <summary>Recipients per app and day before 45009 (WeCom: licensed accounts × 200).</summary>
    public int AppMessagesPerDay { get; set; } = 200 * 200;

    /// <summary>Every message received, oldest first.</summary>
    public IReadOnlyList<SandboxAppMessage> Messages => [.. _messages];

    /// <summary>Registers the corp's self-built app: its agent id and the members in its visible range.</summary>
    public void RegisterAgent(string corpId, int agentId, params string[] members) =>
        _apps[corpId] = (agentId, new HashSet<string>(members, StringComparer.OrdinalIgnoreCase));

    /// <summary>A member presses a button of a card they received: the response_code WeCom's template_card_event carries.</summary>
    public string PressButton(string corpId, string userId, string taskId)
    {
        var message = _messages.LastOrDefault(m => m.CorpId == corpId && m.TaskId == taskId && string.Equals(m.ToUser, userId, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"{userId} received no card with task_id {taskId}.");
        return IssueCode(corpId, message.MsgId);
    }

    /// <summary>Maps the two endpoints and <c>GET /sandbox/app-messages</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/cgi-bin/message/send", (HttpContext http, WeComSandboxAppMessages m) => m.HandleAsync(http, "message/send", m.Send)).DisableAntiforgery();
        app.MapPost("/cgi-bin/message/update_template_card", (HttpContext http, WeComSandboxAppMessages m) => m.HandleAsync(http, "message/update_template_card", m.Update))
            .DisableAntiforgery();
        app.MapGet("/sandbox/app-messages", (WeComSandboxAppMessages m) => Results.Json(m.Messages, WeComJson.Options));
    }

    private async Task<IResult> HandleAsync(HttpContext http, string api, Func<string, JsonObject, JsonObject> handle)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        var (code, corpId) = sandbox.CheckToken(http.Request.Query["access_token"].ToString());
        if (code == 0 && sandbox.TakeFault(api, text) is { } fault)
        {
            sandbox.Record(api, "POST", corpId, http.Request.QueryString.Value ?? "", text, fault.HttpStatus ?? fault.Errcode);
            return fault.HttpStatus is { } status ? Results.StatusCode(status) : Results.Json(Error(fault.Errcode));
        }

        if (code == 0 && sandbox.OverRateLimit(corpId!, api))
        {
            code = WeComErrors.FrequencyLimit;
        }

        JsonObject answer;
        try
        {
            answer = code != 0 ? Error(code) : JsonNode.Parse(text) is JsonObject body ? handle(corpId!, body) : Error(40058);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            answer = Error(40058);
        }

        sandbox.Record(api, "POST", corpId, http.Request.QueryString.Value ?? "", text, answer["errcode"]!.GetValue<int>());
        return Results.Json(answer);
    }

    private JsonObject Send(string corpId, JsonObject body)
    {
        if (!_apps.TryGetValue(corpId, out var app) || body["agentid"]?.GetValue<int>() != app.AgentId)
        {
            return Error(40056); // 不合法的agentid
        }

        var msgType = body["msgtype"]?.GetValue<string>() ?? "";
        if (!MessageTypes.Contains(msgType))
        {
            return Error(40008); // 不合法的消息类型
        }

        string? taskId = null;
        if (msgType == "text" && string.IsNullOrEmpty(body["text"]?["content"]?.GetValue<string>()))
        {
            return Error(44004); // 文本消息content参数为空
        }

        if (msgType == "template_card")
        {
            var card = body["template_card"] as JsonObject;
            taskId = card?["task_id"]?.GetValue<string>();
            var buttons = card?["button_list"] as JsonArray;
            if (card?["card_type"]?.GetValue<string>() is not { Length: > 0 } || card["main_title"]?["title"] is null
                || taskId is not { Length: > 0 and <= 128 } || !taskId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@')
                || (card["card_type"]!.GetValue<string>() == "button_interaction" && buttons is not { Count: >= 1 and <= 6 }))
            {
                return Error(40058);
            }

            if (!_taskIds.TryAdd($"{corpId}|{app.AgentId}|{taskId}", 0))
            {
                return Error(40058); // task_id 重复: unique per app
            }
        }

        var recipients = (body["touser"]?.GetValue<string>() ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries);
        var valid = recipients.Where(app.Members.Contains).ToList();
        var invalid = recipients.Where(r => !app.Members.Contains(r)).Select(r => r.ToLowerInvariant()).ToList();
        if (valid.Count == 0)
        {
            return Error(81013); // 全部接收人无权限或不存在
        }

        var now = time.GetUtcNow();
        if (Count(corpId, $"day|{app.AgentId}|{now:yyyyMMdd}", valid.Count) > AppMessagesPerDay)
        {
            return Error(WeComErrors.FrequencyLimit);
        }

        var msgId = WeComSandbox.NewId("msg");
        foreach (var member in valid)
        {
            var perMinute = Count(corpId, $"min|{app.AgentId}|{member}|{now.ToUnixTimeSeconds() / 60}", 1);
            var perHour = Count(corpId, $"hour|{app.AgentId}|{member}|{now.ToUnixTimeSeconds() / 3600}", 1);
            var message = new SandboxAppMessage(msgId, corpId, app.AgentId, member, msgType, body.ToJsonString(WeComJson.Options), taskId, perMinute > 30 || perHour > 1000, now);
            foreach (var b in (body["template_card"]?["button_list"] as JsonArray ?? []).OfType<JsonObject>())
            {
                message.Buttons[b["key"]?.GetValue<string>() ?? ""] = b["text"]?.GetValue<string>() ?? "";
            }

            _messages.Enqueue(message);
        }

        var answer = new JsonObject
        {
            ["errcode"] = 0, ["errmsg"] = "ok", ["invaliduser"] = string.Join('|', invalid), ["invalidparty"] = "", ["invalidtag"] = "",
            ["unlicenseduser"] = "", ["msgid"] = msgId,
        };
        if (msgType == "template_card")
        {
            answer["response_code"] = IssueCode(corpId, msgId);
        }

        return answer;
    }

    private JsonObject Update(string corpId, JsonObject body)
    {
        if (!_apps.TryGetValue(corpId, out var app) || body["agentid"]?.GetValue<int>() != app.AgentId)
        {
            return Error(40056);
        }

        var code = body["response_code"]?.GetValue<string>() ?? "";
        if (!_responseCodes.TryRemove(code, out var issued) || issued.CorpId != corpId || issued.IssuedAt + ResponseCodeLifetime <= time.GetUtcNow())
        {
            return Error(40058); // unknown, used, expired or another corp's response_code
        }

        var replace = body["button"]?["replace_name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(replace))
        {
            return Error(40058);
        }

        var users = (body["userids"] as JsonArray ?? []).Select(u => u?.GetValue<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var m in _messages.Where(m => m.MsgId == issued.MsgId && (users.Count == 0 || users.Contains(m.ToUser))))
        {
            foreach (var key in m.Buttons.Keys)
            {
                m.Buttons[key] = replace;
            }
        }

        return new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
    }

    private string IssueCode(string corpId, string msgId)
    {
        var code = "rc" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _responseCodes[code] = (corpId, msgId, time.GetUtcNow());
        return code;
    }

    private int Count(string corpId, string key, int add) => _counts.AddOrUpdate((corpId, key), add, (_, n) => n + add);

    private static JsonObject Error(int code) => new()
    {
        ["errcode"] = code,
        ["errmsg"] = WeComErrors.Describe(code).Meaning + ", hint: [wecom-sandbox]",
    };
}
