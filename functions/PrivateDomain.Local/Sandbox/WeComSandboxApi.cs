using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>
/// The WeCom sandbox's HTTP surface: WeCom's <c>/cgi-bin/…</c> endpoints that we call, with WeCom's request/response
/// contract (errcode/errmsg JSON, HTTP 200), token expiry, per-minute limits and injectable faults; plus <c>/sandbox/…</c>
/// endpoints to inspect and steer it. A stand-in for dev and tests — it sends nothing to anyone.
/// </summary>
public static partial class WeComSandboxApi
{
    private delegate JsonObject Handler(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query);

    private static readonly (string Method, string Api, Handler Handle)[] Endpoints =
    [
        ("POST", "externalcontact/send_welcome_msg", SendWelcomeMsg),
        ("POST", "externalcontact/add_msg_template", AddMsgTemplate),
        ("POST", "externalcontact/get_groupmsg_list_v2", GetGroupMsgListV2),
        ("POST", "externalcontact/get_groupmsg_task", GetGroupMsgTask),
        ("POST", "externalcontact/get_groupmsg_send_result", GetGroupMsgSendResult),
        ("POST", "externalcontact/remind_groupmsg_send", RemindGroupMsgSend),
        ("POST", "externalcontact/add_moment_task", AddMomentTask),
        ("GET", "externalcontact/get_moment_task_result", GetMomentTaskResult),
        ("POST", "externalcontact/get_moment_list", GetMomentList),
        ("POST", "externalcontact/get_moment_task", GetMomentTask),
        ("POST", "externalcontact/mark_tag", MarkTag),
        ("POST", "externalcontact/get_corp_tag_list", GetCorpTagList),
        ("POST", "externalcontact/add_corp_tag", AddCorpTag),
        ("GET", "externalcontact/get", GetExternalContact),
        ("POST", "externalcontact/transfer_customer", TransferCustomer),
        ("POST", "externalcontact/resigned/transfer_customer", TransferCustomer),
        ("POST", "externalcontact/add_contact_way", AddContactWay),
        ("POST", "externalcontact/update_contact_way", UpdateContactWay),
        ("POST", "externalcontact/get_contact_way", GetContactWay),
        ("POST", "externalcontact/list_contact_way", ListContactWay),
        ("POST", "externalcontact/del_contact_way", DelContactWay),
        ("POST", "externalcontact/groupchat/add_join_way", AddJoinWay),
        ("POST", "externalcontact/groupchat/get_join_way", GetJoinWay),
        ("POST", "externalcontact/groupchat/update_join_way", UpdateJoinWay),
        ("POST", "externalcontact/groupchat/del_join_way", DelJoinWay),
        ("POST", "externalcontact/group_welcome_template/add", AddGroupWelcomeTemplate),
        ("POST", "externalcontact/group_welcome_template/edit", EditGroupWelcomeTemplate),
        ("POST", "externalcontact/group_welcome_template/get", GetGroupWelcomeTemplate),
        ("POST", "externalcontact/group_welcome_template/del", DelGroupWelcomeTemplate),
        ("POST", "externalcontact/groupchat/get", GetGroupChat),
        ("POST", "externalcontact/groupchat/statistic", GroupChatStatistic),
    ];

    /// <summary>Registers the sandbox's state and options (section <c>WeComSandbox</c>).</summary>
    public static IServiceCollection AddWeComSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WeComSandboxOptions>().Bind(configuration.GetSection(WeComSandboxOptions.Section))
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.DefaultRateLimitPerMinute > 0, "WeComSandbox:TokenLifetime and DefaultRateLimitPerMinute must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WeComSandbox>();
        services.TryAddSingleton<WeComSandboxWebAuth>();
        services.TryAddSingleton<WeComSandboxAppMessages>();
        services.TryAddSingleton<WeComSandboxJsApi>();
        return services;
    }

    /// <summary>Maps the WeCom sandbox: <c>/cgi-bin/gettoken</c>, the customer-contact endpoints, and <c>/sandbox/…</c>.</summary>
    public static IEndpointRouteBuilder MapWeComSandbox(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/cgi-bin/gettoken", GetToken);
        WeComSandboxWebAuth.Map(app);
        WeComSandboxAppMessages.Map(app);
        WeComSandboxJsApi.Map(app);
        foreach (var (method, api, handle) in Endpoints)
        {
            app.MapMethods("/cgi-bin/" + api, [method], (HttpContext http, WeComSandbox sandbox) => HandleAsync(http, sandbox, api, handle)).DisableAntiforgery();
        }

        var admin = app.MapGroup("/sandbox");
        admin.MapGet("/requests", (WeComSandbox sandbox, string? api) =>
            Results.Json(sandbox.Requests.Where(r => api is null || r.Api == api), WeComJson.Options));
        admin.MapGet("/stats", (WeComSandbox sandbox) =>
            Results.Json(new { GettokenCalls = sandbox.GetTokenCalls, TokensIssued = sandbox.IssuedTokens.Count, CallsByApi = sandbox.CallsByApi() }, WeComJson.Options));
        admin.MapPost("/faults", (SandboxFault fault, WeComSandbox sandbox) =>
        {
            if (string.IsNullOrWhiteSpace(fault.Api) || fault.Count < 1)
            {
                return Results.Problem("api (e.g. externalcontact/add_msg_template or *) and a count of at least 1 are required.", statusCode: 400);
            }

            sandbox.AddFault(fault);
            return Results.NoContent();
        }).DisableAntiforgery();
        admin.MapDelete("/faults", (WeComSandbox sandbox) =>
        {
            sandbox.ClearFaults();
            return Results.NoContent();
        });
        admin.MapPost("/tokens/expire", (WeComSandbox sandbox) => Results.Json(new { Expired = sandbox.ExpireTokens() }, WeComJson.Options));
        admin.MapPost("/reset", (WeComSandbox sandbox) =>
        {
            sandbox.Reset();
            return Results.NoContent();
        });
        MapTaskControls(admin);
        MapGroupControls(admin);
        return app;
    }

    // gettoken [91039]
    private static IResult GetToken(HttpContext http, WeComSandbox sandbox)
    {
        var corpId = http.Request.Query["corpid"].ToString();
        var (code, token, expiresIn) = sandbox.GetToken(corpId, http.Request.Query["corpsecret"].ToString());
        sandbox.Record("gettoken", "GET", corpId, http.Request.QueryString.Value ?? "", null, code);
        return code == 0
            ? Results.Json(new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["access_token"] = token, ["expires_in"] = expiresIn })
            : Error(code);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, WeComSandbox sandbox, string api, Handler handle)
    {
        string? text = null;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            text = await reader.ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
        }

        var query = http.Request.QueryString.Value ?? "";
        var (code, corpId) = sandbox.CheckToken(http.Request.Query["access_token"].ToString());
        if (code == 0 && sandbox.TakeFault(api, text) is { } fault)
        {
            sandbox.Record(api, http.Request.Method, corpId, query, text, fault.HttpStatus ?? fault.Errcode);
            return fault.HttpStatus is { } status ? Results.StatusCode(status) : Error(fault.Errcode);
        }

        if (code == 0 && sandbox.OverRateLimit(corpId!, api))
        {
            code = WeComErrors.FrequencyLimit;
        }

        JsonObject? body = null;
        if (code == 0)
        {
            try
            {
                body = string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }

            code = body is null ? 40058 : 0;
        }

        JsonObject answer;
        try
        {
            answer = code == 0 ? handle(sandbox, corpId!, body!, http.Request.Query) : ErrorBody(code);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException)
        {
            answer = ErrorBody(40058); // a field of the wrong JSON type: WeCom answers "invalid parameter"
        }

        sandbox.Record(api, http.Request.Method, corpId, query, text, answer["errcode"]!.GetValue<int>());
        return Results.Json(answer);
    }

    // send_welcome_msg [92137/92599]: a welcome_code works once; the second time 41051.
    private static JsonObject SendWelcomeMsg(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "welcome_code") is not { Length: > 0 } code)
        {
            return ErrorBody(41049);
        }

        if (Str(body?["text"] as JsonObject, "content") is null && body!["attachments"] is not JsonArray { Count: > 0 })
        {
            return ErrorBody(44004);
        }

        return sandbox.UsedWelcomeCodes.TryAdd(corpId + "|" + code, 0) ? Ok() : ErrorBody(WeComErrors.ChatAlreadyStarted);
    }

    // mark_tag [92118/92697]: add_tag and remove_tag may not both be empty.
    private static JsonObject MarkTag(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var userId = Str(body, "userid");
        var externalUserId = Str(body, "external_userid");
        var add = Strings(body, "add_tag");
        var remove = Strings(body, "remove_tag");
        if (string.IsNullOrEmpty(userId))
        {
            return ErrorBody(40003);
        }

        if (externalUserId is null || !LooksLikeExternalUserId(externalUserId))
        {
            return ErrorBody(40096);
        }

        if (add.Count == 0 && remove.Count == 0)
        {
            return ErrorBody(40058);
        }

        var tags = sandbox.Marks.GetOrAdd((userId, externalUserId), _ => []);
        lock (tags)
        {
            tags.UnionWith(add);
            tags.ExceptWith(remove);
        }

        return Ok();
    }

    // get_corp_tag_list [92117/96320]: group_id wins over tag_id; neither = everything.
    private static JsonObject GetCorpTagList(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var groupIds = Strings(body, "group_id");
        var tagIds = Strings(body, "tag_id");
        var groups = new JsonArray();
        foreach (var g in sandbox.TagGroups.Values.OrderBy(g => g.CreateTime).ThenBy(g => g.GroupId, StringComparer.Ordinal))
        {
            if (groupIds.Count > 0 && !groupIds.Contains(g.GroupId))
            {
                continue;
            }

            List<(string Id, string Name, long CreateTime)> tags;
            lock (g.Tags)
            {
                tags = g.Tags.Where(t => groupIds.Count > 0 || tagIds.Count == 0 || tagIds.Contains(t.Id)).ToList();
            }

            if (tags.Count > 0 || groupIds.Count > 0)
            {
                groups.Add(GroupJson(g, tags));
            }
        }

        return Ok(new JsonObject { ["tag_group"] = groups });
    }

    // add_corp_tag [92117/96320]: into group_id, or a new group named group_name; at most 3,000 tags per corp (40126).
    private static JsonObject AddCorpTag(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var names = (body["tag"] as JsonArray ?? []).Select(t => Str(t as JsonObject, "name")).ToList();
        if (names.Count == 0 || names.Any(n => string.IsNullOrWhiteSpace(n) || n.Length > 30))
        {
            return ErrorBody(40058);
        }

        var now = sandbox.Time.GetUtcNow().ToUnixTimeSeconds();
        SandboxTagGroup group;
        if (Str(body, "group_id") is { Length: > 0 } groupId)
        {
            if (!sandbox.TagGroups.TryGetValue(groupId, out group!))
            {
                return ErrorBody(40068);
            }
        }
        else if (Str(body, "group_name") is { Length: > 0 } groupName)
        {
            group = sandbox.TagGroups.Values.FirstOrDefault(g => g.GroupName == groupName)
                    ?? sandbox.TagGroups.GetOrAdd(WeComSandbox.NewId("etg"), id => new SandboxTagGroup(id, groupName, now, []));
        }
        else
        {
            return ErrorBody(40058);
        }

        if (sandbox.TagGroups.Values.Sum(g => g.Tags.Count) + names.Count > 3000)
        {
            return ErrorBody(40126);
        }

        var created = new List<(string Id, string Name, long CreateTime)>();
        lock (group.Tags)
        {
            if (names.Any(n => group.Tags.Any(t => t.Name == n)))
            {
                return ErrorBody(40071);
            }

            foreach (var name in names)
            {
                var tag = (WeComSandbox.NewId("et"), name!, now);
                group.Tags.Add(tag);
                created.Add(tag);
            }
        }

        return Ok(new JsonObject { ["tag_group"] = GroupJson(group, created) });
    }

    // externalcontact/get [92114/96315]: a synthetic customer, followed by the employees who marked tags on them.
    private static JsonObject GetExternalContact(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var externalUserId = query["external_userid"].ToString();
        if (!LooksLikeExternalUserId(externalUserId))
        {
            return ErrorBody(40096);
        }

        var followers = new JsonArray();
        foreach (var ((userId, ext), tags) in sandbox.Marks.Where(m => m.Key.ExternalUserId == externalUserId))
        {
            var tagArray = new JsonArray();
            lock (tags)
            {
                foreach (var id in tags.Order(StringComparer.Ordinal))
                {
                    var group = sandbox.TagGroups.Values.FirstOrDefault(g => g.Tags.Any(t => t.Id == id));
                    tagArray.Add(new JsonObject
                    {
                        ["group_name"] = group?.GroupName ?? "",
                        ["tag_name"] = group?.Tags.First(t => t.Id == id).Name ?? "",
                        ["tag_id"] = id,
                        ["type"] = 1,
                    });
                }
            }

            followers.Add(new JsonObject { ["userid"] = userId, ["remark"] = "", ["description"] = "", ["createtime"] = 0, ["tags"] = tagArray });
        }

        return Ok(new JsonObject
        {
            ["external_contact"] = new JsonObject
            {
                ["external_userid"] = externalUserId,
                ["name"] = "沙箱客户" + externalUserId[^Math.Min(4, externalUserId.Length)..],
                ["type"] = 1,
                ["gender"] = 0,
            },
            ["follow_user"] = followers,
            ["next_cursor"] = "",
        });
    }

    // transfer_customer [92125/96325] and resigned/transfer_customer [94081/96331]: up to 100 customers; per-customer errcode.
    private static JsonObject TransferCustomer(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var handover = Str(body, "handover_userid");
        var takeover = Str(body, "takeover_userid");
        var customers = Strings(body, "external_userid");
        if (string.IsNullOrEmpty(handover) || string.IsNullOrEmpty(takeover) || customers.Count is 0 or > 100)
        {
            return ErrorBody(40058);
        }

        if (handover == takeover)
        {
            return ErrorBody(40130);
        }

        return Ok(new JsonObject
        {
            ["customer"] = new JsonArray(customers.Select(c => (JsonNode)new JsonObject
            {
                ["external_userid"] = c,
                ["errcode"] = LooksLikeExternalUserId(c) ? 0 : 40096,
            }).ToArray()),
        });
    }

    private static JsonObject GroupJson(SandboxTagGroup g, List<(string Id, string Name, long CreateTime)> tags) => new()
    {
        ["group_id"] = g.GroupId,
        ["group_name"] = g.GroupName,
        ["create_time"] = g.CreateTime,
        ["order"] = 0,
        ["deleted"] = false,
        ["tag"] = new JsonArray(tags.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id, ["name"] = t.Name, ["create_time"] = t.CreateTime, ["order"] = 0, ["deleted"] = false,
        }).ToArray()),
    };

    // WeCom's external_userids start "wm" (WeChat customers) or "wo" (WeCom customers).
    private static bool LooksLikeExternalUserId(string id) => id.Length >= 6 && (id.StartsWith("wm", StringComparison.Ordinal) || id.StartsWith("wo", StringComparison.Ordinal));

    private static string? Str(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Long(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    private static List<string> Strings(JsonObject? o, string name) =>
        o?[name] is JsonArray a ? a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").ToList() : [];

    private static JsonObject Ok(JsonObject? fields = null)
    {
        var o = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
        foreach (var (k, v) in fields ?? [])
        {
            o[k] = v?.DeepClone();
        }

        return o;
    }

    private static JsonObject ErrorBody(int code) => new()
    {
        ["errcode"] = code,
        ["errmsg"] = WeComErrors.Describe(code).Meaning + ", hint: [wecom-sandbox]",
    };

    private static IResult Error(int code) => Results.Json(ErrorBody(code));
}
