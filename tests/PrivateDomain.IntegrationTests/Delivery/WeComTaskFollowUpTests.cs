using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PrivateDomain.Delivery;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Sandbox;

namespace PrivateDomain.IntegrationTests.Delivery;

/// <summary>
/// Following mass-send and Moments tasks after they are created, through the real client against the WeCom sandbox on
/// loopback, with the sandbox's controls standing in for the employee's WeCom client.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WeComTaskFollowUpTests(AzuriteFixture fixture)
{
    private const string Tenant = WeComClientHarness.Tenant;

    private WeComClientHarness Client(WeComSandboxHost sandbox, TimeProvider? time = null) =>
        WeComClientHarness.Create(fixture.Azurite.ConnectionString(), sandbox, WeComClientHarness.NewApp(sandbox), time);

    private static HttpClient Controls(WeComSandboxHost sandbox) => new() { BaseAddress = sandbox.BaseAddress };

    [Fact]
    public async Task A_mass_send_stays_unconfirmed_until_the_employee_confirms_then_each_customer_has_a_result()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox);
        using var controls = Controls(sandbox);
        var msgId = (await host.Api.AddMessageTemplateAsync(Tenant,
            MassMessage.ToCustomers("zhangsan", ["wmCustomer0001", "wmCustomer0002", "wmCustomer0003", "bogus"], "本月代发工资专享理财"), default)).GetValueOrThrow().MsgId;

        var before = (await host.Api.GetGroupMessageTaskAsync(Tenant, new MassMessageTaskQuery(msgId), default)).GetValueOrThrow();
        var resultsBefore = (await host.Api.GetGroupMessageSendResultAsync(Tenant, new MassMessageSendResultQuery(msgId, "zhangsan"), default)).GetValueOrThrow();
        var confirm = await controls.PostAsJsonAsync($"/sandbox/mass-messages/{msgId}/confirm", new { userid = "zhangsan", receive_limit = new[] { "wmCustomer0003" } });
        var after = (await host.Api.GetGroupMessageTaskAsync(Tenant, new MassMessageTaskQuery(msgId), default)).GetValueOrThrow();
        var resultsAfter = (await host.Api.GetGroupMessageSendResultAsync(Tenant, new MassMessageSendResultQuery(msgId, "zhangsan"), default)).GetValueOrThrow();
        var again = await controls.PostAsync($"/sandbox/mass-messages/{msgId}/confirm", null);

        var senderBefore = Assert.Single(before.TaskList!);
        Assert.Equal(("zhangsan", MassMessageSenderStatus.Unconfirmed, (long?)null), (senderBefore.UserId, senderBefore.Status, senderBefore.SendTime));
        Assert.All(resultsBefore.SendList!, r => Assert.Equal(MassMessageRecipientStatus.Unsent, r.Status));
        Assert.Equal(["wmCustomer0001", "wmCustomer0002", "wmCustomer0003"], resultsBefore.SendList!.Select(r => r.ExternalUserId));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var senderAfter = Assert.Single(after.TaskList!);
        Assert.True(senderAfter.IsSent);
        Assert.NotNull(senderAfter.SendTime);
        Assert.Equal(
            [("wmCustomer0001", MassMessageRecipientStatus.Sent, true), ("wmCustomer0002", MassMessageRecipientStatus.Sent, true), ("wmCustomer0003", MassMessageRecipientStatus.ReceiveLimitReached, false)],
            resultsAfter.SendList!.Select(r => (r.ExternalUserId, r.Status, r.SendTime is not null)));
        Assert.All(resultsAfter.SendList!, r => Assert.Equal("zhangsan", r.UserId));
        Assert.Equal("", resultsAfter.NextCursor);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_mass_send_and_a_Moments_post_whose_ids_were_lost_are_found_by_time_range_and_text()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox);
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", ["wmCustomer0001"], "其他活动"), default);
        var lostMsgId = (await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", ["wmCustomer0002"], "理财节：专属加息券"), default)).GetValueOrThrow().MsgId;
        var lostJobId = (await host.Api.AddMomentTaskAsync(Tenant, new MomentTask(new WeComText("理财节：专属加息券"),
            [WeComAttachment.ForLink("活动详情", new Uri("https://bank.example/m/2"))], MomentVisibleRange.For(["zhangsan"], ["etPayroll"])), default)).GetValueOrThrow().JobId;
        var to = DateTimeOffset.UtcNow.AddMinutes(5);

        // After the crash: neither id is known; look both up by when they were created and what they say.
        var messages = (await host.Api.GetGroupMessageListAsync(Tenant, MassMessageListQuery.CreatedBetween("single", from, to, "zhangsan"), default)).GetValueOrThrow();
        var moments = (await host.Api.GetMomentListAsync(Tenant, MomentListQuery.CorpPostsBetween(from, to), default)).GetValueOrThrow();
        var byCreator = (await host.Api.GetMomentListAsync(Tenant, MomentListQuery.CorpPostsBetween(from, to) with { Creator = "zhangsan" }, default)).GetValueOrThrow();

        Assert.Equal(lostMsgId, Assert.Single(messages.GroupMsgList!, m => m.Text?.Content == "理财节：专属加息券").MsgId);
        var moment = Assert.Single(moments.Moments!);
        Assert.Equal("理财节：专属加息券", moment.Text!.Content);
        Assert.Equal("https://bank.example/m/2", moment.Link!.Url);
        Assert.Equal((0, 0), (moment.CreateType, moment.VisibleType)); // corp-created, visible to tagged customers only
        Assert.Null(moment.Creator);
        Assert.Equal((await host.Api.GetMomentTaskResultAsync(Tenant, lostJobId, default)).GetValueOrThrow().Result!.MomentId, moment.MomentId);
        Assert.Empty(byCreator.Moments!); // WeCom gives add_moment_task posts no creator, so a creator filter misses them
    }

    [Fact]
    public async Task A_Moments_post_is_unpublished_until_each_sender_publishes_it()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox);
        using var controls = Controls(sandbox);
        var jobId = (await host.Api.AddMomentTaskAsync(Tenant, new MomentTask(new WeComText("代发工资日福利"), null, MomentVisibleRange.For(["zhangsan", "lisi"], null)), default)).GetValueOrThrow().JobId;
        var momentId = (await host.Api.GetMomentTaskResultAsync(Tenant, jobId, default)).GetValueOrThrow().Result!.MomentId!;

        var before = (await host.Api.GetMomentTaskAsync(Tenant, new MomentTaskQuery(momentId), default)).GetValueOrThrow();
        var publish = await controls.PostAsJsonAsync($"/sandbox/moments/{momentId}/publish", new { userid = "lisi" });
        var stranger = await controls.PostAsJsonAsync($"/sandbox/moments/{momentId}/publish", new { userid = "wangwu" });
        var after = (await host.Api.GetMomentTaskAsync(Tenant, new MomentTaskQuery(momentId), default)).GetValueOrThrow();
        var unknown = await host.Api.GetMomentTaskAsync(Tenant, new MomentTaskQuery("momUnknown"), default);

        Assert.Equal([("zhangsan", MomentPublishStatus.Unpublished), ("lisi", MomentPublishStatus.Unpublished)], before.TaskList!.Select(t => (t.UserId, t.PublishStatus)));
        Assert.Equal(HttpStatusCode.OK, publish.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal([("zhangsan", MomentPublishStatus.Unpublished), ("lisi", MomentPublishStatus.Published)], after.TaskList!.Select(t => (t.UserId, t.PublishStatus)));
        Assert.Equal(WeComErrorKind.InvalidInput, unknown.Error!.Kind);
    }

    [Fact]
    public async Task Cursor_paging_returns_every_item_once_and_ends_with_an_empty_cursor()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox);
        var from = DateTimeOffset.UtcNow.AddMinutes(-5);
        var customers = Enumerable.Range(0, 25).Select(i => $"wmCustomer{i:D4}").ToList();
        var msgId = (await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", customers, "分页测试"), default)).GetValueOrThrow().MsgId;
        for (var i = 0; i < 4; i++)
        {
            await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", ["wmCustomer0001"], $"第{i}条"), default);
            await host.Api.AddMomentTaskAsync(Tenant, new MomentTask(new WeComText($"朋友圈{i}"), null, null), default);
        }

        var to = DateTimeOffset.UtcNow.AddMinutes(5);

        var results = await DrainAsync(async cursor =>
        {
            var page = (await host.Api.GetGroupMessageSendResultAsync(Tenant, new MassMessageSendResultQuery(msgId, "zhangsan", Limit: 10, Cursor: cursor), default)).GetValueOrThrow();
            return (page.SendList!.Select(r => r.ExternalUserId!).ToList(), page.NextCursor);
        });
        var tasks = await DrainAsync(async cursor =>
        {
            var page = (await host.Api.GetGroupMessageListAsync(Tenant, MassMessageListQuery.CreatedBetween("single", from, to, cursor: cursor) with { Limit = 2 }, default)).GetValueOrThrow();
            return (page.GroupMsgList!.Select(m => m.MsgId).ToList(), page.NextCursor);
        });
        var posts = await DrainAsync(async cursor =>
        {
            var page = (await host.Api.GetMomentListAsync(Tenant, MomentListQuery.CorpPostsBetween(from, to, cursor) with { Limit = 3 }, default)).GetValueOrThrow();
            return (page.Moments!.Select(m => m.MomentId).ToList(), page.NextCursor);
        });

        Assert.Equal([10, 10, 5], results.Pages);
        Assert.Equal(customers, results.Items);
        Assert.Equal([2, 2, 1], tasks.Pages);
        Assert.Equal(5, tasks.Items.Distinct().Count());
        Assert.Equal([3, 1], posts.Pages);
        Assert.Equal(4, posts.Items.Distinct().Count());
    }

    [Fact]
    public async Task The_fourth_reminder_in_24_hours_is_refused_as_a_used_up_limit_without_retries_and_allowed_again_a_day_later()
    {
        var clock = new ShiftableClock();
        await using var sandbox = await WeComSandboxHost.StartAsync(time: clock);
        await using var host = Client(sandbox, clock);
        var msgId = (await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", ["wmCustomer0001"], "请确认群发"), default)).GetValueOrThrow().MsgId;
        var reminder = new MassMessageReminder(msgId);

        var first3 = new List<WeComApiResult<WeComAck>>();
        for (var i = 0; i < 3; i++)
        {
            first3.Add(await host.Api.RemindGroupMessageSendAsync(Tenant, reminder, default));
            clock.Advance(TimeSpan.FromHours(1));
        }

        var fourth = await host.Api.RemindGroupMessageSendAsync(Tenant, reminder, default);
        clock.Advance(TimeSpan.FromHours(21)); // 24 h after the first reminder, which no longer counts
        var nextDay = await host.Api.RemindGroupMessageSendAsync(Tenant, reminder, default);

        Assert.All(first3, r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal((WeComErrors.FrequencyLimit, WeComErrorKind.LimitExceeded, 1), (fourth.Error!.Code, fourth.Error.Kind, fourth.Error.Attempts));
        Assert.Equal("externalcontact/remind_groupmsg_send", fourth.Error.Api);
        Assert.Equal([0, 0, 0, 45009, 0], sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/remind_groupmsg_send").Select(r => r.Errcode));
        Assert.True(nextDay.IsSuccess, nextDay.Error?.ToString());
    }

    [Fact]
    public async Task The_sandbox_lists_the_mass_sends_it_created_with_sender_text_customers_and_time()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox);
        using var controls = Controls(sandbox);
        var msgId = (await host.Api.AddMessageTemplateAsync(Tenant, MassMessage.ToCustomers("zhangsan", ["wmCustomer0001", "wmCustomer0002"], "春节问候"), default)).GetValueOrThrow().MsgId;

        var list = JsonDocument.Parse(await controls.GetStringAsync("/sandbox/mass-messages")).RootElement;

        var task = Assert.Single(list.EnumerateArray());
        Assert.Equal(msgId, task.GetProperty("msgid").GetString());
        Assert.Equal("zhangsan", task.GetProperty("sender").GetString());
        Assert.Equal("春节问候", task.GetProperty("text").GetString());
        Assert.Equal(["wmCustomer0001", "wmCustomer0002"], task.GetProperty("external_userids").EnumerateArray().Select(e => e.GetString()));
        Assert.True(DateTimeOffset.UtcNow - task.GetProperty("created_at").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
        Assert.False(Assert.Single(task.GetProperty("senders").EnumerateArray()).GetProperty("done").GetBoolean());
    }

    // Follows next_cursor until WeCom answers an empty one; returns the page sizes and every item in order.
    private static async Task<(List<int> Pages, List<string> Items)> DrainAsync(Func<string?, Task<(List<string> Items, string? Next)>> fetch)
    {
        var pages = new List<int>();
        var items = new List<string>();
        string? cursor = null;
        do
        {
            var (page, next) = await fetch(cursor);
            pages.Add(page.Count);
            items.AddRange(page);
            cursor = next;
            Assert.True(pages.Count < 100, "paging did not end");
        }
        while (!string.IsNullOrEmpty(cursor));

        return (pages, items);
    }
}
