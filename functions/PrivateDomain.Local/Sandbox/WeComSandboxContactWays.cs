using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace PrivateDomain.Local.Sandbox;

/// <summary>A "contact me" code in the sandbox.</summary>
internal sealed class SandboxContactWay(string configId, long createTime)
{
    private int _next;

    public string ConfigId { get; } = configId;
    public long CreateTime { get; } = createTime;
    public int Type { get; set; }
    public int Scene { get; set; }
    public string? Remark { get; set; }
    public bool SkipVerify { get; set; } = true;
    public string? State { get; set; }
    public List<string> Users { get; set; } = [];
    public string QrCode => "https://wework.qpic.cn/wwpic/sandbox/" + ConfigId + "/0";

    /// <summary>The member the next scan reaches: the only one, or the next of a rotation.</summary>
    public string NextMember()
    {
        lock (this)
        {
            return Users[_next++ % Users.Count];
        }
    }
}

/// <summary>The sandbox's "contact me" codes, by config_id.</summary>
public sealed partial class WeComSandbox
{
    /// <summary>Contact ways by config_id.</summary>
    internal ConcurrentDictionary<string, SandboxContactWay> ContactWays { get; } = new(StringComparer.Ordinal);

    /// <summary>Acts as a customer scanning the code <paramref name="configId"/>: the member WeCom connects them to (a
    /// rotation takes turns) and the state the add event will carry; null if there is no such code (deleted).</summary>
    public (string UserId, string? State)? Scan(string configId) =>
        ContactWays.TryGetValue(configId, out var way) ? (way.NextMember(), way.State) : null;

    /// <summary>The config_ids of the codes that exist now.</summary>
    public IReadOnlyCollection<string> ContactWayIds => ContactWays.Keys.ToList();
}

/// <summary>"Contact me" endpoints [92228/96348]: add/update/get/list/del_contact_way with WeCom's limits — type 1 takes
/// exactly one user, state and remark at most 30 characters, scene 1 or 2, 50,000 codes per corp through the API
/// (the sandbox's cap; WeCom's is larger for verified corps). An unknown config_id answers 40058 (invalid parameter).</summary>
public static partial class WeComSandboxApi
{
    private const int MaxContactWays = 50_000;

    private static JsonObject AddContactWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var way = new SandboxContactWay(WeComSandbox.NewId("cw"), sandbox.Time.GetUtcNow().ToUnixTimeSeconds());
        if (ApplyContactWay(way, body, creating: true) is { } error)
        {
            return ErrorBody(error);
        }

        if (sandbox.ContactWays.Count >= MaxContactWays)
        {
            return ErrorBody(45009);
        }

        sandbox.ContactWays[way.ConfigId] = way;
        var answer = new JsonObject { ["config_id"] = way.ConfigId };
        if (way.Scene == 2)
        {
            answer["qr_code"] = way.QrCode;
        }

        return Ok(answer);
    }

    private static JsonObject UpdateContactWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "config_id") is not { Length: > 0 } id || !sandbox.ContactWays.TryGetValue(id, out var way))
        {
            return ErrorBody(40058);
        }

        lock (way)
        {
            return ApplyContactWay(way, body, creating: false) is { } error ? ErrorBody(error) : Ok();
        }
    }

    private static JsonObject GetContactWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "config_id") is not { Length: > 0 } id || !sandbox.ContactWays.TryGetValue(id, out var way))
        {
            return ErrorBody(40058);
        }

        return Ok(new JsonObject
        {
            ["contact_way"] = new JsonObject
            {
                ["config_id"] = way.ConfigId,
                ["type"] = way.Type,
                ["scene"] = way.Scene,
                ["remark"] = way.Remark ?? "",
                ["skip_verify"] = way.SkipVerify,
                ["state"] = way.State ?? "",
                ["qr_code"] = way.Scene == 2 ? way.QrCode : "",
                ["user"] = new JsonArray(way.Users.Select(u => (JsonNode)u!).ToArray()),
            },
        });
    }

    // list_contact_way: codes created in [start_time, end_time] (default: the last 90 days), limit ≤ 1,000 (default 100), cursor paging.
    private static JsonObject ListContactWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var now = sandbox.Time.GetUtcNow().ToUnixTimeSeconds();
        var end = Long(body, "end_time") ?? now;
        var start = Long(body, "start_time") ?? end - (90 * 86400);
        var limit = (int)(Long(body, "limit") ?? 100);
        if (limit is < 1 or > 1000 || start > end)
        {
            return ErrorBody(40058);
        }

        var offset = int.TryParse(Str(body, "cursor"), out var o) ? o : 0;
        var all = sandbox.ContactWays.Values.Where(w => w.CreateTime >= start && w.CreateTime <= end)
            .OrderBy(w => w.CreateTime).ThenBy(w => w.ConfigId, StringComparer.Ordinal).ToList();
        var page = all.Skip(offset).Take(limit).ToList();
        return Ok(new JsonObject
        {
            ["contact_way"] = new JsonArray(page.Select(w => (JsonNode)new JsonObject { ["config_id"] = w.ConfigId }).ToArray()),
            ["next_cursor"] = offset + page.Count < all.Count ? (offset + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        });
    }

    private static JsonObject DelContactWay(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query) =>
        Str(body, "config_id") is { Length: > 0 } id && sandbox.ContactWays.TryRemove(id, out _) ? Ok() : ErrorBody(40058);

    /// <summary>Applies the fields of an add or update; the errcode of the first rule broken, or null.</summary>
    private static int? ApplyContactWay(SandboxContactWay way, JsonObject body, bool creating)
    {
        var type = creating ? (int?)Long(body, "type") : way.Type;
        var scene = creating ? (int?)Long(body, "scene") : way.Scene;
        if (type is not (1 or 2) || scene is not (1 or 2))
        {
            return 40058;
        }

        var state = body.ContainsKey("state") ? Str(body, "state") : way.State;
        var remark = body.ContainsKey("remark") ? Str(body, "remark") : way.Remark;
        if (state is { Length: > 30 } || remark is { Length: > 30 })
        {
            return 40058;
        }

        var users = body.ContainsKey("user") ? Strings(body, "user") : way.Users;
        if (users.Count == 0 || users.Any(string.IsNullOrWhiteSpace) || (type == 1 && users.Count != 1) || users.Count > 100)
        {
            return users.Any(string.IsNullOrWhiteSpace) ? 40003 : 40058;
        }

        way.Type = type.Value;
        way.Scene = scene.Value;
        way.State = state;
        way.Remark = remark;
        way.Users = [.. users];
        if (body["skip_verify"] is JsonValue v && v.TryGetValue<bool>(out var skip))
        {
            way.SkipVerify = skip;
        }

        return null;
    }
}
