using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>A member of a sandbox customer group.</summary>
internal sealed record SandboxGroupMember(string UserId, int Type, long JoinTime, int JoinScene, string? State, string? Nickname);

/// <summary>A customer group in the sandbox: its owner, members and the group welcome its owner applied.</summary>
internal sealed class SandboxGroupChat(string chatId, string name, string owner, long createTime, int capacity)
{
    public string ChatId { get; } = chatId;
    public string Name { get; } = name;
    public string Owner { get; } = owner;
    public long CreateTime { get; } = createTime;
    public int Capacity { get; } = capacity;
    public List<SandboxGroupMember> Members { get; } = [new(owner, 1, createTime, 0, null, null)];
    public string? WelcomeTemplateId { get; set; }
}

/// <summary>A 「加入群聊」 configuration in the sandbox.</summary>
internal sealed class SandboxJoinWay(string configId)
{
    public string ConfigId { get; } = configId;
    public int Scene { get; set; }
    public string? Remark { get; set; }
    public int AutoCreateRoom { get; set; } = 1;
    public string? RoomBaseName { get; set; }
    public int RoomBaseId { get; set; } = 1;
    public int RoomsCreated { get; set; }
    public List<string> ChatIds { get; set; } = [];
    public string? State { get; set; }
    public string QrCode => "https://wework.qpic.cn/wwpic/sandbox/joinway/" + ConfigId + "/0";
}

/// <summary>A group welcome WeCom delivered in a group when a customer joined (the sandbox's record of it).</summary>
/// <param name="ChatId">The group.</param>
/// <param name="ExternalUserId">Who joined.</param>
/// <param name="TemplateId">The library entry the group carries.</param>
/// <param name="Text">The text as delivered (<c>%NICKNAME%</c> replaced by the joiner's nickname).</param>
/// <param name="LinkTitle">The link card's title, if any.</param>
/// <param name="LinkUrl">The link card's URL, if any.</param>
public sealed record SandboxGroupWelcome(string ChatId, string ExternalUserId, string TemplateId, string? Text, string? LinkTitle, string? LinkUrl);

/// <summary>What a simulated scan of a group QR did.</summary>
/// <param name="ChatId">The group the customer joined.</param>
/// <param name="State">The join way's state (groupchat/get reports it for the member).</param>
/// <param name="CreatedChat">True if WeCom had to create the group because the others were full.</param>
/// <param name="JoinTime">When they joined (unix seconds): the change_external_chat event's CreateTime.</param>
/// <param name="Welcome">The group welcome WeCom delivered, if the group carries one.</param>
public sealed record SandboxGroupJoin(string ChatId, string? State, bool CreatedChat, long JoinTime, SandboxGroupWelcome? Welcome);

/// <summary>The sandbox's customer groups, join ways, group-welcome library and group figures.</summary>
public sealed partial class WeComSandbox
{
    /// <summary>A customer group's member limit (WeCom: 500 for a customer group).</summary>
    public const int GroupCapacity = 500;

    internal ConcurrentDictionary<string, SandboxGroupChat> GroupChats { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, SandboxJoinWay> JoinWays { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, JsonObject> GroupWelcomeTemplates { get; } = new(StringComparer.Ordinal);

    internal ConcurrentQueue<(string TemplateId, long At)> GroupWelcomeNotices { get; } = new();

    internal ConcurrentQueue<SandboxGroupWelcome> GroupWelcomes { get; } = new();

    internal ConcurrentDictionary<(DateOnly Day, string Owner), JsonObject> GroupFigures { get; } = new();

    /// <summary>Acts as employee <paramref name="owner"/> creating a customer group in the WeCom client; answers its chat id.
    /// <paramref name="capacity"/> below WeCom's 500 lets a test fill a group quickly.</summary>
    public string CreateGroupChat(string owner, string name, int capacity = GroupCapacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var chat = new SandboxGroupChat(NewId("wr"), name, owner, Time.GetUtcNow().ToUnixTimeSeconds(), Math.Clamp(capacity, 2, GroupCapacity));
        GroupChats[chat.ChatId] = chat;
        return chat.ChatId;
    }

    /// <summary>Acts as a group's owner applying a group welcome from the library to the group in the WeCom client (what
    /// group_welcome_template/add's notify asks them to do). WeCom then sends it to everyone who joins.</summary>
    public SandboxControlOutcome ApplyGroupWelcome(string chatId, string templateId)
    {
        if (!GroupChats.TryGetValue(chatId, out var chat) || !GroupWelcomeTemplates.ContainsKey(templateId))
        {
            return SandboxControlOutcome.NotFound;
        }

        lock (chat)
        {
            if (chat.WelcomeTemplateId == templateId)
            {
                return SandboxControlOutcome.AlreadyDone;
            }

            chat.WelcomeTemplateId = templateId;
            return SandboxControlOutcome.Done;
        }
    }

    /// <summary>The group-welcome library entries whose notify asked members to apply them, oldest first.</summary>
    public IReadOnlyList<string> GroupWelcomeNotifications => GroupWelcomeNotices.Select(n => n.TemplateId).ToList();

    /// <summary>The group welcomes WeCom delivered so far, oldest first.</summary>
    public IReadOnlyList<SandboxGroupWelcome> DeliveredGroupWelcomes => GroupWelcomes.ToList();

    /// <summary>The join way's groups now (WeCom adds the groups it created when the others were full).</summary>
    public IReadOnlyList<string> JoinWayChats(string configId) => JoinWays.TryGetValue(configId, out var w) ? [.. w.ChatIds] : [];

    /// <summary>The current members of a group (userids and external_userids).</summary>
    public IReadOnlyList<string> GroupMembers(string chatId) =>
        GroupChats.TryGetValue(chatId, out var c) ? c.Members.Select(m => m.UserId).ToList() : [];

    /// <summary>
    /// Acts as customer <paramref name="externalUserId"/> scanning the 「加入群聊」 QR <paramref name="configId"/>: they join
    /// the first of its groups with room (WeCom creates a new one with the first group's owner when all are full and
    /// auto_create_room is on — the new group carries the first group's welcome, as its owner's settings), with join scene 3
    /// and the way's state; WeCom delivers the group's welcome, if it carries one. Null if there is no such QR (deleted) or
    /// the groups are full and no new one may be created. The caller posts the change_external_chat events WeCom would send.
    /// </summary>
    public SandboxGroupJoin? JoinThroughQr(string configId, string externalUserId, string? nickname = null)
    {
        if (!JoinWays.TryGetValue(configId, out var way))
        {
            return null;
        }

        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        lock (way)
        {
            SandboxGroupChat? target = null;
            foreach (var id in way.ChatIds)
            {
                if (GroupChats.TryGetValue(id, out var c) && c.Members.Count < c.Capacity)
                {
                    target = c;
                    break;
                }
            }

            var created = false;
            if (target is null)
            {
                if (way.AutoCreateRoom != 1 || way.ChatIds.Count == 0 || !GroupChats.TryGetValue(way.ChatIds[0], out var first))
                {
                    return null;
                }

                var name = (way.RoomBaseName ?? first.Name) + (way.RoomBaseId + way.RoomsCreated).ToString(CultureInfo.InvariantCulture);
                way.RoomsCreated++;
                target = new SandboxGroupChat(NewId("wr"), name, first.Owner, now, first.Capacity) { WelcomeTemplateId = first.WelcomeTemplateId };
                GroupChats[target.ChatId] = target;
                way.ChatIds.Add(target.ChatId);
                created = true;
            }

            SandboxGroupWelcome? welcome = null;
            lock (target)
            {
                target.Members.RemoveAll(m => m.UserId == externalUserId);
                target.Members.Add(new SandboxGroupMember(externalUserId, 2, now, 3, way.State, nickname));
                if (target.WelcomeTemplateId is { } templateId && GroupWelcomeTemplates.TryGetValue(templateId, out var template))
                {
                    var text = (template["text"] as JsonObject)?["content"]?.GetValue<string>();
                    var link = template["link"] as JsonObject;
                    welcome = new SandboxGroupWelcome(target.ChatId, externalUserId, templateId, text?.Replace("%NICKNAME%", nickname ?? "", StringComparison.Ordinal),
                        link?["title"]?.GetValue<string>(), link?["url"]?.GetValue<string>());
                    GroupWelcomes.Enqueue(welcome);
                }
            }

            return new SandboxGroupJoin(target.ChatId, way.State, created, now, welcome);
        }
    }

    /// <summary>Sets an owner's message figures of a day (the sandbox has no group messages; members and groups are counted
    /// from its groups): chat_has_msg, member_has_msg and msg_total of groupchat/statistic.</summary>
    public void SetGroupMessageFigures(DateOnly day, string owner, int chatsWithMessages, int membersWhoSpoke, int messages) =>
        GroupFigures[(day, owner)] = new JsonObject { ["chat_has_msg"] = chatsWithMessages, ["member_has_msg"] = membersWhoSpoke, ["msg_total"] = messages };
}

/// <summary>Customer-group endpoints: 「加入群聊」 [92229/99547], group welcome library [92366], groupchat/get and
/// groupchat/statistic [96359], with WeCom's limits (1–5 groups a way, state ≤ 30 characters, room_base_name ≤ 40, a
/// remark cut at 30; welcome text ≤ 3,000 bytes, link title ≤ 128 and desc ≤ 512 bytes, 100 library entries; statistics
/// from yesterday back 180 days, at most 30 days a call, ≤ 100 owners, limit ≤ 1,000). An unknown group answers 40050.</summary>
public static partial class WeComSandboxApi
{
    private const int MaxGroupWelcomes = 100;

    private static readonly TimeZoneInfo ChinaTime = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static JsonObject AddJoinWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var way = new SandboxJoinWay(WeComSandbox.NewId("jw"));
        if (ApplyJoinWay(sandbox, way, body) is { } error)
        {
            return ErrorBody(error);
        }

        if (sandbox.JoinWays.Count + sandbox.ContactWays.Count >= MaxContactWays)
        {
            return ErrorBody(45009);
        }

        sandbox.JoinWays[way.ConfigId] = way;
        return Ok(new JsonObject { ["config_id"] = way.ConfigId });
    }

    private static JsonObject UpdateJoinWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "config_id") is not { Length: > 0 } id || !sandbox.JoinWays.TryGetValue(id, out var way))
        {
            return ErrorBody(40058);
        }

        lock (way)
        {
            return ApplyJoinWay(sandbox, way, body) is { } error ? ErrorBody(error) : Ok();
        }
    }

    private static JsonObject GetJoinWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "config_id") is not { Length: > 0 } id || !sandbox.JoinWays.TryGetValue(id, out var way))
        {
            return ErrorBody(40058);
        }

        lock (way)
        {
            return Ok(new JsonObject
            {
                ["join_way"] = new JsonObject
                {
                    ["config_id"] = way.ConfigId,
                    ["scene"] = way.Scene,
                    ["remark"] = way.Remark ?? "",
                    ["auto_create_room"] = way.AutoCreateRoom,
                    ["room_base_name"] = way.RoomBaseName ?? "",
                    ["room_base_id"] = way.RoomBaseId,
                    ["chat_id_list"] = new JsonArray(way.ChatIds.Select(c => (JsonNode)c!).ToArray()),
                    ["qr_code"] = way.Scene == 2 ? way.QrCode : "",
                    ["state"] = way.State ?? "",
                },
            });
        }
    }

    private static JsonObject DelJoinWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query) =>
        Str(body, "config_id") is { Length: > 0 } id && sandbox.JoinWays.TryRemove(id, out _) ? Ok() : ErrorBody(40058);

    private static int? ApplyJoinWay(WeComSandbox sandbox, SandboxJoinWay way, JsonObject body)
    {
        // update_join_way takes the whole configuration again: scene and chat_id_list are required there too.
        var scene = Long(body, "scene");
        var chats = Strings(body, "chat_id_list");
        if (scene is not (1 or 2) || chats.Count is < 1 or > 5 || chats.Distinct(StringComparer.Ordinal).Count() != chats.Count)
        {
            return 40058;
        }

        if (chats.Any(c => !sandbox.GroupChats.ContainsKey(c)))
        {
            return 40050;
        }

        var state = Str(body, "state");
        var baseName = Str(body, "room_base_name");
        var auto = Long(body, "auto_create_room") ?? 1;
        if (state is { Length: > 30 } || baseName is { Length: > 40 } || auto is not (0 or 1))
        {
            return 40058;
        }

        var remark = Str(body, "remark");
        way.Scene = (int)scene.Value;
        way.Remark = remark is { Length: > 30 } ? remark[..30] : remark; // WeCom cuts a long remark rather than refusing it
        way.AutoCreateRoom = (int)auto;
        way.RoomBaseName = baseName;
        way.RoomBaseId = (int)(Long(body, "room_base_id") ?? 1);
        way.State = state;
        way.ChatIds = chats;
        return null;
    }

    private static JsonObject AddGroupWelcomeTemplate(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (CheckGroupWelcome(body) is { } error)
        {
            return ErrorBody(error);
        }

        if (sandbox.GroupWelcomeTemplates.Count >= MaxGroupWelcomes)
        {
            return ErrorBody(40058);
        }

        var id = WeComSandbox.NewId("msg");
        sandbox.GroupWelcomeTemplates[id] = StoredWelcome(body);
        if ((Long(body, "notify") ?? 1) == 1)
        {
            sandbox.GroupWelcomeNotices.Enqueue((id, sandbox.Time.GetUtcNow().ToUnixTimeSeconds()));
        }

        return Ok(new JsonObject { ["template_id"] = id });
    }

    private static JsonObject EditGroupWelcomeTemplate(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "template_id") is not { Length: > 0 } id || !sandbox.GroupWelcomeTemplates.ContainsKey(id))
        {
            return ErrorBody(40058);
        }

        if (CheckGroupWelcome(body) is { } error)
        {
            return ErrorBody(error);
        }

        sandbox.GroupWelcomeTemplates[id] = StoredWelcome(body);
        return Ok();
    }

    private static JsonObject GetGroupWelcomeTemplate(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query) =>
        Str(body, "template_id") is { Length: > 0 } id && sandbox.GroupWelcomeTemplates.TryGetValue(id, out var t)
            ? Ok((JsonObject)t.DeepClone())
            : ErrorBody(40058);

    private static JsonObject DelGroupWelcomeTemplate(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query) =>
        Str(body, "template_id") is { Length: > 0 } id && sandbox.GroupWelcomeTemplates.TryRemove(id, out _) ? Ok() : ErrorBody(40058);

    private static int? CheckGroupWelcome(JsonObject body)
    {
        var text = Str(body["text"] as JsonObject, "content");
        var link = body["link"] as JsonObject;
        if (text is null && link is null && body["image"] is null && body["miniprogram"] is null && body["file"] is null && body["video"] is null)
        {
            return 44004;
        }

        if (text is not null && Encoding.UTF8.GetByteCount(text) > 3000)
        {
            return 45002;
        }

        if (link is not null && (Str(link, "title") is not { Length: > 0 } title || Encoding.UTF8.GetByteCount(title) > 128
            || Str(link, "url") is not { Length: > 0 } || Encoding.UTF8.GetByteCount(Str(link, "desc") ?? "") > 512))
        {
            return 40058;
        }

        return null;
    }

    private static JsonObject StoredWelcome(JsonObject body)
    {
        var stored = new JsonObject();
        foreach (var key in new[] { "text", "image", "link", "miniprogram", "file", "video" })
        {
            if (body[key] is { } node)
            {
                stored[key] = node.DeepClone();
            }
        }

        return stored;
    }

    private static JsonObject GetGroupChat(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "chat_id") is not { Length: > 0 } id)
        {
            return ErrorBody(40058);
        }

        if (!sandbox.GroupChats.TryGetValue(id, out var chat))
        {
            return ErrorBody(40050);
        }

        lock (chat)
        {
            return Ok(new JsonObject
            {
                ["group_chat"] = new JsonObject
                {
                    ["chat_id"] = chat.ChatId,
                    ["name"] = chat.Name,
                    ["owner"] = chat.Owner,
                    ["create_time"] = chat.CreateTime,
                    ["member_list"] = new JsonArray(chat.Members.Select(m =>
                    {
                        var o = new JsonObject { ["userid"] = m.UserId, ["type"] = m.Type, ["join_time"] = m.JoinTime, ["join_scene"] = m.JoinScene };
                        if (m.State is not null)
                        {
                            o["state"] = m.State;
                        }

                        return (JsonNode)o;
                    }).ToArray()),
                    ["admin_list"] = new JsonArray(),
                },
            });
        }
    }

    // groupchat/statistic, by owner: days from yesterday back 180 days, ≤ 30 days a call (both ends included).
    private static JsonObject GroupChatStatistic(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Long(body, "day_begin_time") is not { } begin)
        {
            return ErrorBody(40058);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sandbox.Time.GetUtcNow(), ChinaTime).Date);
        var first = DayOf(begin);
        var last = Long(body, "day_end_time") is { } end ? DayOf(end) : first;
        var owners = Strings(body["owner_filter"] as JsonObject, "userid_list");
        var limit = Long(body, "limit") ?? 500;
        var offset = (int)(Long(body, "offset") ?? 0);
        if (first > last || last >= today || first < today.AddDays(-180) || last.DayNumber - first.DayNumber >= 30 || owners.Count > 100 || limit is < 1 or > 1000 || offset < 0)
        {
            return ErrorBody(40058);
        }

        var dayStart = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeSeconds();
        var dayEnd = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeSeconds();
        var chats = sandbox.GroupChats.Values.ToList();
        var all = (owners.Count > 0 ? owners : chats.Select(c => c.Owner).Distinct(StringComparer.Ordinal).ToList())
            .Select(owner =>
            {
                var mine = chats.Where(c => c.Owner == owner && c.CreateTime < dayEnd).ToList();
                var members = mine.SelectMany(c => c.Members).Where(m => m.JoinTime < dayEnd).ToList();
                int Sum(string field) => Enumerable.Range(0, last.DayNumber - first.DayNumber + 1)
                    .Sum(i => sandbox.GroupFigures.TryGetValue((first.AddDays(i), owner), out var f) ? f[field]!.GetValue<int>() : 0);
                return new JsonObject
                {
                    ["owner"] = owner,
                    ["data"] = new JsonObject
                    {
                        ["new_chat_cnt"] = mine.Count(c => c.CreateTime >= dayStart),
                        ["chat_total"] = mine.Count,
                        ["chat_has_msg"] = Sum("chat_has_msg"),
                        ["new_member_cnt"] = members.Count(m => m.JoinTime >= dayStart),
                        ["member_total"] = members.Count,
                        ["member_has_msg"] = Sum("member_has_msg"),
                        ["msg_total"] = Sum("msg_total"),
                        ["migrate_trainee_chat_cnt"] = 0,
                    },
                };
            })
            .Where(o => o["data"]!["chat_total"]!.GetValue<int>() > 0 || o["data"]!["msg_total"]!.GetValue<int>() > 0)
            .OrderBy(o => o["owner"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
        var page = all.Skip(offset).Take((int)limit).ToList();
        return Ok(new JsonObject
        {
            ["total"] = all.Count,
            ["next_offset"] = offset + page.Count,
            ["items"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray()),
        });

        static DateOnly DayOf(long unix) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(unix), ChinaTime).Date);
    }

    private static void MapGroupControls(RouteGroupBuilder admin)
    {
        admin.MapPost("/group-chats", (SandboxGroupChatRequest request, WeComSandbox sandbox) =>
            string.IsNullOrWhiteSpace(request.Owner)
                ? Results.Problem("owner (the employee who creates the group) is required.", statusCode: 400)
                : Results.Json(new { ChatId = sandbox.CreateGroupChat(request.Owner, request.Name ?? "客户群", request.Capacity ?? WeComSandbox.GroupCapacity) }, WeComJson.Options))
            .DisableAntiforgery();
        admin.MapPost("/group-chats/{chatId}/welcome", (string chatId, SandboxGroupWelcomeRequest request, WeComSandbox sandbox) =>
            sandbox.ApplyGroupWelcome(chatId, request.TemplateId ?? "") == SandboxControlOutcome.NotFound
                ? Results.Problem($"No group {chatId} or no group welcome {request.TemplateId} in the library.", statusCode: 404)
                : Results.NoContent())
            .DisableAntiforgery();
        admin.MapPost("/join-ways/{configId}/join", (string configId, SandboxGroupJoinRequest request, WeComSandbox sandbox) =>
            string.IsNullOrWhiteSpace(request.ExternalUserId)
                ? Results.Problem("externalUserId is required.", statusCode: 400)
                : sandbox.JoinThroughQr(configId, request.ExternalUserId, request.Nickname) is { } join
                    ? Results.Json(join, WeComJson.Options)
                    : Results.Problem($"No join way {configId}, or its groups are full and it may not create one.", statusCode: 404))
            .DisableAntiforgery();
        admin.MapGet("/group-welcomes", (WeComSandbox sandbox) => Results.Json(sandbox.DeliveredGroupWelcomes, WeComJson.Options));
    }
}

/// <summary>Body of <c>POST /sandbox/group-chats</c>.</summary>
public sealed record SandboxGroupChatRequest(string? Owner, string? Name, int? Capacity);

/// <summary>Body of <c>POST /sandbox/group-chats/{chatId}/welcome</c>.</summary>
public sealed record SandboxGroupWelcomeRequest(string? TemplateId);

/// <summary>Body of <c>POST /sandbox/join-ways/{configId}/join</c>.</summary>
public sealed record SandboxGroupJoinRequest(string? ExternalUserId, string? Nickname);
