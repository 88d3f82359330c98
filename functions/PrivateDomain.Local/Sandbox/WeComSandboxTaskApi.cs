using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>
/// The sandbox's mass-send and Moments tasks: WeCom's endpoints that create and follow them, and the <c>/sandbox/…</c>
/// controls that act as the employee (confirm a mass send, publish a post), which WeCom does in its client app.
/// </summary>
public static partial class WeComSandboxApi
{
    // add_msg_template [92135]: returns msgid; customers whose id does not look like an external_userid go to fail_list.
    // Each sender's part starts unconfirmed and each recipient unsent, until POST /sandbox/mass-messages/{msgid}/confirm.
    private static JsonObject AddMsgTemplate(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var chatType = Str(body, "chat_type") ?? "single";
        var sender = Str(body, "sender");
        var customers = Strings(body, "external_userid");
        var chats = Strings(body, "chat_id_list");
        if (chatType is not ("single" or "group") || (chatType == "group" && string.IsNullOrEmpty(sender))
            || (chatType == "single" && customers.Count == 0 && string.IsNullOrEmpty(sender)) || customers.Count > 10_000 || chats.Count > 2_000)
        {
            return ErrorBody(40058);
        }

        var content = Str(body["text"] as JsonObject, "content");
        if (content is null && body["attachments"] is not JsonArray { Count: > 0 })
        {
            return ErrorBody(44004);
        }

        if (content is not null && Encoding.UTF8.GetByteCount(content) > 4000)
        {
            return ErrorBody(45002);
        }

        var msgId = WeComSandbox.NewId("msg");
        var task = new SandboxMassMessage(msgId, chatType, sender, sandbox.Time.GetUtcNow().ToUnixTimeSeconds(), body.ToJsonString(), content);
        var valid = customers.Where(LooksLikeExternalUserId).Distinct(StringComparer.Ordinal).ToList();
        if (chatType == "group")
        {
            task.Add(sender!, null, isChat: true);
            foreach (var chat in chats.Distinct(StringComparer.Ordinal))
            {
                task.Add(sender!, chat, isChat: true);
            }
        }
        else if (!string.IsNullOrEmpty(sender))
        {
            // A sender and no customers: all of that employee's customers — for the sandbox, those it marked tags on.
            task.Add(sender, null, isChat: false);
            foreach (var customer in customers.Count > 0 ? valid : sandbox.Marks.Keys.Where(k => k.UserId == sender).Select(k => k.ExternalUserId).Distinct(StringComparer.Ordinal))
            {
                task.Add(sender, customer, isChat: false);
            }
        }
        else
        {
            // No sender: WeCom hands each customer to the employees who have them as a contact; the sandbox knows those
            // relationships only from mark_tag.
            foreach (var customer in valid)
            {
                foreach (var follower in sandbox.Marks.Keys.Where(k => k.ExternalUserId == customer).Select(k => k.UserId).Distinct(StringComparer.Ordinal))
                {
                    task.Add(follower, customer, isChat: false);
                }
            }

            if (task.SenderTasks().Count == 0)
            {
                return ErrorBody(41048);
            }
        }

        sandbox.MassMessages[msgId] = task;
        return Ok(new JsonObject
        {
            ["fail_list"] = new JsonArray(customers.Where(c => !LooksLikeExternalUserId(c)).Select(c => (JsonNode)c!).ToArray()),
            ["msgid"] = msgId,
        });
    }

    // get_groupmsg_list_v2 [93338]: the tasks created in [start_time, end_time] (at most a month apart), 50 a page by
    // default, at most 100. filter_type 0 corp-created, 1 employee-created, 2 (default) both: the sandbox's are all corp's.
    private static JsonObject GetGroupMsgListV2(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var start = Long(body, "start_time");
        var end = Long(body, "end_time");
        if (start is null || end is null || end < start || end - start > 31L * 86400)
        {
            return ErrorBody(40058);
        }

        var chatType = Str(body, "chat_type") ?? "single";
        var creator = Str(body, "creator");
        var employeeOnly = Long(body, "filter_type") == 1;
        var matches = sandbox.MassMessages.Values
            .Where(m => !employeeOnly && m.ChatType == chatType && m.CreateTime >= start && m.CreateTime <= end && (creator is null || m.Sender == creator))
            .OrderBy(m => m.CreateTime).ThenBy(m => m.MsgId, StringComparer.Ordinal).ToList();
        if (Page(matches, body, max: 100, defaultLimit: 50) is not { } paged)
        {
            return ErrorBody(40058);
        }

        var (page, next) = paged;

        var list = new JsonArray();
        foreach (var m in page)
        {
            var original = JsonNode.Parse(m.Body)!.AsObject();
            list.Add(new JsonObject
            {
                ["msgid"] = m.MsgId,
                ["creator"] = m.Sender,
                ["create_time"] = m.CreateTime,
                ["create_type"] = 0,
                ["text"] = original["text"]?.DeepClone(),
                ["attachments"] = original["attachments"]?.DeepClone(),
            });
        }

        return Ok(new JsonObject { ["next_cursor"] = next, ["group_msg_list"] = list });
    }

    // get_groupmsg_task [93338]: each sender's status, 0 未发送 / 2 已发送, send_time only once sent; 500 a page by
    // default, at most 1,000 (a larger limit falls back to the default).
    private static JsonObject GetGroupMsgTask(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "msgid") is not { } msgId || !sandbox.MassMessages.TryGetValue(msgId, out var m))
        {
            return ErrorBody(41047);
        }

        if (Page(m.SenderTasks(), body, max: 1000, defaultLimit: 500) is not { } paged)
        {
            return ErrorBody(40058);
        }

        var (page, next) = paged;

        var list = new JsonArray();
        foreach (var (userId, sendTime) in page)
        {
            var item = new JsonObject { ["userid"] = userId, ["status"] = sendTime is null ? 0 : 2 };
            if (sendTime is { } t)
            {
                item["send_time"] = t;
            }

            list.Add(item);
        }

        return Ok(new JsonObject { ["next_cursor"] = next, ["task_list"] = list });
    }

    // get_groupmsg_send_result [93338]: one sender's recipients, status 0 unsent, 1 sent, 2 not a friend, 3 receive limit
    // reached; external_userid for single, chat_id for group; send_time only when sent. userid is required; a userid
    // that is not one of the task's senders has no results.
    private static JsonObject GetGroupMsgSendResult(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "msgid") is not { } msgId || !sandbox.MassMessages.TryGetValue(msgId, out var m))
        {
            return ErrorBody(41047);
        }

        if (Str(body, "userid") is not { Length: > 0 } userId)
        {
            return ErrorBody(40058);
        }

        if (Page(m.ResultsOf(userId) ?? [], body, max: 1000, defaultLimit: 500) is not { } paged)
        {
            return ErrorBody(40058);
        }

        var (page, next) = paged;

        var list = new JsonArray();
        foreach (var r in page)
        {
            var item = r.ChatId is null ? new JsonObject { ["external_userid"] = r.ExternalUserId } : new JsonObject { ["chat_id"] = r.ChatId };
            item["userid"] = r.Sender;
            item["status"] = (int)r.Status;
            if (r.SendTime is { } t)
            {
                item["send_time"] = t;
            }

            list.Add(item);
        }

        return Ok(new JsonObject { ["next_cursor"] = next, ["send_list"] = list });
    }

    // remind_groupmsg_send [97610]: at most three reminders per task in 24 hours. Which errcode WeCom answers for the
    // fourth is not documented; the sandbox answers 45009, and the client treats 45009 on this API as that quota.
    private static JsonObject RemindGroupMsgSend(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "msgid") is not { } msgId || !sandbox.MassMessages.TryGetValue(msgId, out var m))
        {
            return ErrorBody(41047);
        }

        return m.TryRemind(sandbox.Time.GetUtcNow().ToUnixTimeSeconds()) ? Ok() : ErrorBody(WeComErrors.FrequencyLimit);
    }

    // add_moment_task [95094/96351]: returns a jobid; tags that do not look like corp tag ids are reported invalid. The
    // sandbox creates the post at once; each sender publishes it through POST /sandbox/moments/{moment_id}/publish.
    private static JsonObject AddMomentTask(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var content = Str(body["text"] as JsonObject, "content");
        if (content is null && body["attachments"] is not JsonArray { Count: > 0 })
        {
            return ErrorBody(40058);
        }

        if (content is not null && content.Length > 2000)
        {
            return ErrorBody(40058);
        }

        var tags = Strings(body["visible_range"]?["external_contact_list"] as JsonObject, "tag_list");
        var senders = Strings(body["visible_range"]?["sender_list"] as JsonObject, "user_list");
        var jobId = WeComSandbox.NewId("job");
        var moment = new SandboxMoment(WeComSandbox.NewId("mom"), jobId, sandbox.Time.GetUtcNow().ToUnixTimeSeconds(), body.ToJsonString(), content,
            senders, tags, tags.Where(t => !t.StartsWith("et", StringComparison.Ordinal)).ToList());
        sandbox.Moments[moment.MomentId] = moment;
        sandbox.MomentJobs[jobId] = moment;
        return Ok(new JsonObject { ["jobid"] = jobId });
    }

    // get_moment_task_result [96351]: the sandbox finishes every job at once (status 3).
    private static JsonObject GetMomentTaskResult(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (!sandbox.MomentJobs.TryGetValue(query["jobid"].ToString(), out var job))
        {
            return ErrorBody(40088);
        }

        return Ok(new JsonObject
        {
            ["status"] = 3,
            ["type"] = "add_moment_task",
            ["result"] = new JsonObject
            {
                ["errcode"] = 0,
                ["errmsg"] = "ok",
                ["moment_id"] = job.MomentId,
                ["invalid_sender_list"] = new JsonObject { ["user_list"] = new JsonArray(), ["department_list"] = new JsonArray() },
                ["invalid_external_contact_list"] = new JsonObject { ["tag_list"] = new JsonArray(job.InvalidTags.Select(t => (JsonNode)t!).ToArray()) },
            },
        });
    }

    // get_moment_list [93333]: posts created strictly between start_time and end_time (at most 30 days apart), 20 a page
    // at most. filter_type 0 corp, 1 employee, 2 (default) both: the sandbox's posts all come from add_moment_task, so
    // they are the corp's and — as WeCom does for such posts — carry no creator, so a creator filter excludes them.
    private static JsonObject GetMomentList(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        var start = Long(body, "start_time");
        var end = Long(body, "end_time");
        if (start is null || end is null || end < start || end - start > 30L * 86400)
        {
            return ErrorBody(40058);
        }

        var creator = Str(body, "creator");
        var employeeOnly = Long(body, "filter_type") == 1;
        var matches = sandbox.Moments.Values
            .Where(m => !employeeOnly && string.IsNullOrEmpty(creator) && m.CreateTime > start && m.CreateTime < end)
            .OrderBy(m => m.CreateTime).ThenBy(m => m.MomentId, StringComparer.Ordinal).ToList();
        if (Page(matches, body, max: 20, defaultLimit: 20) is not { } paged)
        {
            return ErrorBody(40058);
        }

        var (page, next) = paged;

        var list = new JsonArray();
        foreach (var m in page)
        {
            var original = JsonNode.Parse(m.Body)!.AsObject();
            var item = new JsonObject
            {
                ["moment_id"] = m.MomentId,
                ["create_time"] = m.CreateTime,
                ["create_type"] = 0,
                ["visible_type"] = m.Tags.Count > 0 ? 0 : 1,
            };
            if (m.Text is not null)
            {
                item["text"] = new JsonObject { ["content"] = m.Text };
            }

            var attachments = (original["attachments"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var images = attachments.Where(a => Str(a, "msgtype") == "image").Select(a => (JsonNode)new JsonObject { ["media_id"] = Str(a["image"] as JsonObject, "media_id") }).ToArray();
            if (images.Length > 0)
            {
                item["image"] = new JsonArray(images);
            }

            if (attachments.FirstOrDefault(a => Str(a, "msgtype") == "video")?["video"] is JsonObject video)
            {
                item["video"] = new JsonObject { ["media_id"] = Str(video, "media_id"), ["thumb_media_id"] = "" };
            }

            if (attachments.FirstOrDefault(a => Str(a, "msgtype") == "link")?["link"] is JsonObject link)
            {
                item["link"] = new JsonObject { ["title"] = Str(link, "title"), ["url"] = Str(link, "url") };
            }

            list.Add(item);
        }

        return Ok(new JsonObject { ["next_cursor"] = next, ["moment_list"] = list });
    }

    // get_moment_task [93333]: each sender of a corp-created post, publish_status 0 unpublished / 1 published; 500 a
    // page by default, at most 1,000. WeCom does not document the errcode for an unknown moment_id; the sandbox answers
    // 40058 (invalid parameter).
    private static JsonObject GetMomentTask(WeComSandbox sandbox, string corpId, JsonObject body, IQueryCollection query)
    {
        if (Str(body, "moment_id") is not { } momentId || !sandbox.Moments.TryGetValue(momentId, out var m))
        {
            return ErrorBody(40058);
        }

        if (Page(m.SenderTasks(), body, max: 1000, defaultLimit: 500) is not { } paged)
        {
            return ErrorBody(40058);
        }

        var (page, next) = paged;

        var list = new JsonArray(page.Select(s => (JsonNode)new JsonObject { ["userid"] = s.UserId, ["publish_status"] = s.PublishTime is null ? 0 : 1 }).ToArray());
        return Ok(new JsonObject { ["next_cursor"] = next, ["task_list"] = list });
    }

    // WeCom's cursors are opaque; the sandbox's names the offset of the next item. A limit above the maximum falls back
    // to the default, as WeCom documents. Null for a cursor the sandbox did not issue.
    private static (List<T> Page, string Next)? Page<T>(IReadOnlyList<T> items, JsonObject body, int max, int defaultLimit)
    {
        var limit = Long(body, "limit") is { } l and > 0 && l <= max ? (int)l : defaultLimit;
        var offset = 0;
        if (Str(body, "cursor") is { Length: > 0 } cursor
            && (!cursor.StartsWith(CursorPrefix, StringComparison.Ordinal)
                || !int.TryParse(cursor.AsSpan(CursorPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset)
                || offset > items.Count))
        {
            return null;
        }

        var page = items.Skip(offset).Take(limit).ToList();
        var nextOffset = offset + page.Count;
        return (page, nextOffset < items.Count ? CursorPrefix + nextOffset.ToString(CultureInfo.InvariantCulture) : "");
    }

    private const string CursorPrefix = "sbxcur";

    // The controls that stand in for the employee's WeCom client, and what the sandbox holds; under /sandbox.
    private static void MapTaskControls(RouteGroupBuilder admin)
    {
        admin.MapGet("/mass-messages", (WeComSandbox sandbox) => Results.Json(sandbox.MassMessageViews(), WeComJson.Options));
        admin.MapPost("/mass-messages/{msgid}/confirm", async (string msgid, HttpRequest request, WeComSandbox sandbox) =>
        {
            var (confirmation, problem) = await ReadOptionalAsync<SandboxMassMessageConfirmation>(request).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            confirmation ??= new SandboxMassMessageConfirmation();
            return sandbox.ConfirmMassMessage(msgid, confirmation) switch
            {
                SandboxControlOutcome.Done => Results.Json(sandbox.MassMessageViews().First(m => m.MsgId == msgid), WeComJson.Options),
                SandboxControlOutcome.AlreadyDone => Results.Problem($"Mass-send task {msgid} was already confirmed by {(string.IsNullOrEmpty(confirmation.UserId) ? "every sender" : confirmation.UserId)}.", statusCode: 409),
                _ => Results.Problem($"No mass-send task {msgid}{(string.IsNullOrEmpty(confirmation.UserId) ? "" : " with sender " + confirmation.UserId)}; GET /sandbox/mass-messages lists the tasks and their senders.", statusCode: 404),
            };
        }).DisableAntiforgery();
        admin.MapGet("/moments", (WeComSandbox sandbox) => Results.Json(sandbox.MomentViews(), WeComJson.Options));
        admin.MapPost("/moments/{momentId}/publish", async (string momentId, HttpRequest request, WeComSandbox sandbox) =>
        {
            var (publication, problem) = await ReadOptionalAsync<SandboxMomentPublication>(request).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var userId = publication?.UserId;
            return sandbox.PublishMoment(momentId, userId) switch
            {
                SandboxControlOutcome.Done => Results.Json(sandbox.MomentViews().First(m => m.MomentId == momentId), WeComJson.Options),
                SandboxControlOutcome.AlreadyDone => Results.Problem($"Moments post {momentId} was already published by {(string.IsNullOrEmpty(userId) ? "every sender" : userId)}.", statusCode: 409),
                _ => Results.Problem($"No Moments post {momentId}{(string.IsNullOrEmpty(userId) ? "" : " with sender " + userId)}; GET /sandbox/moments lists the posts and their senders.", statusCode: 404),
            };
        }).DisableAntiforgery();
    }

    // An optional JSON body in WeCom's snake_case (e.g. {"userid": "zhangsan", "receive_limit": ["wm…"]}); empty = defaults.
    private static async Task<(T? Value, IResult? Problem)> ReadOptionalAsync<T>(HttpRequest request)
        where T : class
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(text, WeComJson.Options), null);
        }
        catch (JsonException e)
        {
            return (null, Results.Problem($"The body is not the expected JSON ({e.Message}); send {{\"userid\": \"…\"}} or nothing.", statusCode: 400));
        }
    }
}
