using System.Net.Http.Json;
using System.Text.Json;
using PrivateDomain.Delivery;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Sandbox;

namespace PrivateDomain.IntegrationTests.Delivery;

/// <summary>The WeCom API client against the WeCom sandbox on loopback, with its token table on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WeComApiClientTests(AzuriteFixture fixture)
{
    private const string Tenant = WeComClientHarness.Tenant;
    private const string AddMsgTemplate = "externalcontact/add_msg_template";

    private static MassMessage Message(int i) =>
        MassMessage.ToCustomers("zhangsan", [$"wmCustomer{i:D4}"], $"您好，本月代发工资客户专享福利 #{i}");

    private static int Calls(WeComSandboxHost sandbox, string api) => sandbox.Sandbox.Requests.Count(r => r.Api == api);

    private WeComClientHarness Client(WeComSandboxHost sandbox, (string, string) app, TimeProvider? time = null, IDictionary<string, string?>? settings = null, double? jitter = null) =>
        WeComClientHarness.Create(fixture.Azurite.ConnectionString(), sandbox, app, time, settings, jitter);

    [Fact]
    public async Task Two_hosts_with_200_concurrent_senders_share_one_gettoken()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        var app = WeComClientHarness.NewApp(sandbox);
        await using var hostA = Client(sandbox, app);
        await using var hostB = Client(sandbox, app);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            (i % 2 == 0 ? hostA : hostB).Api.AddMessageTemplateAsync(Tenant, Message(i), CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal(200, results.Select(r => r.Value!.MsgId).Distinct().Count());
        Assert.Equal(1, sandbox.Sandbox.GetTokenCalls);
    }

    [Fact]
    public async Task Near_expiry_the_token_is_refreshed_once_and_after_expiry_a_new_one_is_fetched_once()
    {
        var clock = new ShiftableClock();
        await using var sandbox = await WeComSandboxHost.StartAsync(o => o.TokenLifetime = TimeSpan.FromMinutes(20), clock);
        var app = WeComClientHarness.NewApp(sandbox);
        await using var hostA = Client(sandbox, app, clock);
        await using var hostB = Client(sandbox, app, clock);
        Task<WeComApiResult<WeComAck>[]> Burst() => Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            (i % 2 == 0 ? hostA : hostB).Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", $"wmCustomer{i:D4}", ["etVip"], null), default)));
        Assert.All(await Burst(), r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal(1, sandbox.Sandbox.GetTokenCalls);

        // Inside the 5-minute margin: one refresh; WeCom hands back the same token with its remaining life, kept to its end.
        clock.Advance(TimeSpan.FromMinutes(16));
        Assert.All(await Burst(), r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal(2, sandbox.Sandbox.GetTokenCalls);
        Assert.Single(sandbox.Sandbox.IssuedTokens);

        // Past its expiry: one more gettoken, a new token, and no call ever saw 42001.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.All(await Burst(), r => Assert.True(r.IsSuccess, r.Error?.ToString()));
        Assert.Equal(3, sandbox.Sandbox.GetTokenCalls);
        Assert.Equal(2, sandbox.Sandbox.IssuedTokens.Count);
        Assert.DoesNotContain(sandbox.Sandbox.Requests, r => r.Errcode != 0);
    }

    [Fact]
    public async Task A_token_WeCom_expires_early_gets_42001_then_one_refresh_and_one_retry()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        Assert.True((await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default)).IsSuccess);

        sandbox.Sandbox.ExpireTokens();
        var result = await host.Api.AddMessageTemplateAsync(Tenant, Message(2), default);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, sandbox.Sandbox.GetTokenCalls);
        Assert.Equal([0, 42001, 0], sandbox.Sandbox.Requests.Where(r => r.Api == AddMsgTemplate).Select(r => r.Errcode));
    }

    [Fact]
    public async Task A_token_rejected_again_after_the_refresh_surfaces_as_an_auth_error()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/mark_tag", 40014, Count: 5));

        var result = await host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", "wmCustomer0001", ["etVip"], null), default);

        Assert.Equal(WeComErrorKind.Auth, result.Error!.Kind);
        Assert.Equal(40014, result.Error.Code);
        Assert.Equal(2, result.Error.Attempts);
        Assert.Equal(2, Calls(sandbox, "externalcontact/mark_tag"));
    }

    [Fact]
    public async Task Frequency_limit_45009_backs_off_and_then_succeeds()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox), jitter: 0.5);
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, 45009, Count: 2));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, 45033, Count: 1));

        var result = await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);

        Assert.True(result.IsSuccess, result.Error?.ToString());
        var calls = sandbox.Sandbox.Requests.Where(r => r.Api == AddMsgTemplate).ToList();
        Assert.Equal([45009, 45009, 45033, 0], calls.Select(c => c.Errcode));
        Assert.Equal(3, host.Logs.Entries.Count(e => e.Contains("retry", StringComparison.Ordinal) && e.Contains("Throttled", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_sandbox_per_minute_limit_answers_45009_which_surfaces_as_throttled_once_retries_run_out()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync(o => o.RateLimitsPerMinute["externalcontact/get"] = 3);
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox), settings: new Dictionary<string, string?> { ["WeCom:Api:MaxThrottleRetries"] = "1" });

        var results = new List<WeComApiResult<ExternalContactDetail>>();
        for (var i = 0; i < 4; i++)
        {
            results.Add(await host.Api.GetExternalContactAsync(Tenant, $"wmCustomer{i:D4}", null, default));
        }

        Assert.All(results.Take(3), r => Assert.True(r.IsSuccess));
        Assert.Equal(WeComErrorKind.Throttled, results[3].Error!.Kind);
        Assert.Equal(45009, results[3].Error!.Code);
        Assert.Equal(2, results[3].Error!.Attempts);
    }

    [Fact]
    public async Task System_busy_is_retried_three_times_then_surfaced_as_transient()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, -1, Count: 10));

        var result = await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);

        Assert.Equal(WeComErrorKind.Transient, result.Error!.Kind);
        Assert.Equal(-1, result.Error.Code);
        Assert.Equal(4, result.Error.Attempts);
        Assert.Equal(4, Calls(sandbox, AddMsgTemplate));
    }

    [Fact]
    public async Task System_busy_twice_then_success_returns_the_msgid()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, -1, Count: 2));

        var result = await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);

        Assert.StartsWith("msg", result.Value!.MsgId, StringComparison.Ordinal);
        Assert.Equal(3, Calls(sandbox, AddMsgTemplate));
    }

    [Theory]
    [InlineData(48002, WeComErrorKind.Permission)]
    [InlineData(40096, WeComErrorKind.InvalidInput)]
    [InlineData(60020, WeComErrorKind.Permission)]
    [InlineData(84061, WeComErrorKind.NotFound)]
    public async Task Permanent_errors_surface_typed_with_their_meaning_and_are_not_retried(int code, WeComErrorKind kind)
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, code, Count: 5));

        var result = await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);

        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(kind, result.Error.Kind);
        Assert.Equal(AddMsgTemplate, result.Error.Api);
        Assert.Equal(WeComErrors.Describe(code).Meaning, result.Error.Meaning);
        Assert.Equal(1, Calls(sandbox, AddMsgTemplate));
    }

    [Fact]
    public async Task A_welcome_code_works_once_and_the_second_send_is_already_done()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        var welcome = new WelcomeMessage("WELCOME-CODE-1", new WeComText("您好，我是您的专属客户经理张三。"),
            [WeComAttachment.ForLink("新客福利", new Uri("https://bank.example/w/abc"))]);

        var first = await host.Api.SendWelcomeMessageAsync(Tenant, welcome, default);
        var second = await host.Api.SendWelcomeMessageAsync(Tenant, welcome, default);

        Assert.True(first.IsSuccess);
        Assert.Equal(WeComErrorKind.AlreadyDone, second.Error!.Kind);
        Assert.Equal(WeComErrors.ChatAlreadyStarted, second.Error.Code);
    }

    [Fact]
    public async Task HTTP_503_is_retried_for_a_read_but_makes_a_mass_send_indeterminate_without_retry()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/get_corp_tag_list", 0, Count: 2, HttpStatus: 503));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, 0, Count: 1, HttpStatus: 503));

        var read = await host.Api.GetCorpTagListAsync(Tenant, CorpTagQuery.All, default);
        var send = await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);

        Assert.True(read.IsSuccess, read.Error?.ToString());
        Assert.Equal(3, Calls(sandbox, "externalcontact/get_corp_tag_list"));
        Assert.Equal(WeComErrorKind.Indeterminate, send.Error!.Kind);
        Assert.Equal(1, Calls(sandbox, AddMsgTemplate));
    }

    [Fact]
    public async Task The_client_limiter_spaces_calls_at_its_configured_rate()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox), settings: new Dictionary<string, string?> { ["WeCom:Api:PermitsPerMinute"] = "600" });
        var started = DateTime.UtcNow;

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(i =>
            host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", $"wmCustomer{i:D4}", ["etVip"], null), default)));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "10 permits a second: 25 calls need at least one refill beyond the burst.");
    }

    [Fact]
    public async Task Neither_the_access_token_nor_the_secret_ever_reaches_the_logs()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        var app = WeComClientHarness.NewApp(sandbox);
        await using var host = Client(sandbox, app);
        sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/get", -1, Count: 1));
        sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/get_corp_tag_list", 0, Count: 1, HttpStatus: 502));
        sandbox.Sandbox.AddFault(new SandboxFault(AddMsgTemplate, 48002, Count: 1));

        await host.Api.GetExternalContactAsync(Tenant, "wmCustomer0001", null, default);
        await host.Api.GetCorpTagListAsync(Tenant, CorpTagQuery.All, default);
        await host.Api.AddMessageTemplateAsync(Tenant, Message(1), default);
        sandbox.Sandbox.ExpireTokens();
        await host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", "wmCustomer0001", ["etVip"], null), default);

        var logs = string.Join('\n', host.Logs.Entries);
        Assert.Equal(2, sandbox.Sandbox.IssuedTokens.Count);
        foreach (var token in sandbox.Sandbox.IssuedTokens)
        {
            Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(app.Secret, logs, StringComparison.Ordinal);
        Assert.Contains("access_token=***", logs, StringComparison.Ordinal); // URLs are logged, redacted
        Assert.DoesNotContain(sandbox.Sandbox.Requests, r => r.Query.Contains(app.Secret, StringComparison.Ordinal)
            || sandbox.Sandbox.IssuedTokens.Any(t => r.Query.Contains(t, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_tenant_without_an_app_secret_gets_a_typed_configuration_error()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));

        var result = await host.Api.MarkTagAsync("unknownbank", new TagMarking("zhangsan", "wmCustomer0001", ["etVip"], null), default);

        Assert.Equal(WeComErrors.NotConfigured, result.Error!.Code);
        Assert.Equal(WeComErrorKind.Auth, result.Error.Kind);
        Assert.Equal(0, sandbox.Sandbox.GetTokenCalls);
    }

    [Fact]
    public async Task A_wrong_app_secret_surfaces_as_auth_40001_from_gettoken_without_a_second_gettoken()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        var (corpId, _) = WeComClientHarness.NewApp(sandbox);
        await using var host = Client(sandbox, (corpId, "not-the-secret"));

        var result = await host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", "wmCustomer0001", ["etVip"], null), default);

        Assert.Equal(40001, result.Error!.Code);
        Assert.Equal(WeComErrorKind.Auth, result.Error.Kind);
        Assert.Equal(1, sandbox.Sandbox.GetTokenCalls);
    }

    [Fact]
    public async Task Mass_send_reconcile_and_remind_follow_the_sandbox_contract()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);

        var created = await host.Api.AddMessageTemplateAsync(Tenant,
            MassMessage.ToCustomers("zhangsan", ["wmCustomer0001", "not-a-customer"], "理财小知识：定投的复利效应"), default);
        var listed = await host.Api.GetGroupMessageListAsync(Tenant, MassMessageListQuery.CreatedBetween("single", from, DateTimeOffset.UtcNow.AddMinutes(1), "zhangsan"), default);
        var reminders = new List<WeComApiResult<WeComAck>>();
        for (var i = 0; i < 4; i++)
        {
            reminders.Add(await host.Api.RemindGroupMessageSendAsync(Tenant, new MassMessageReminder(created.Value!.MsgId),
                default));
        }

        Assert.Equal(["not-a-customer"], created.Value!.FailList);
        var record = Assert.Single(listed.Value!.GroupMsgList!);
        Assert.Equal(created.Value.MsgId, record.MsgId);
        Assert.Equal("理财小知识：定投的复利效应", record.Text!.Content);
        Assert.All(reminders.Take(3), r => Assert.True(r.IsSuccess));
        var body = JsonDocument.Parse(sandbox.Sandbox.Requests.First(r => r.Api == AddMsgTemplate).Body!).RootElement;
        Assert.Equal("single", body.GetProperty("chat_type").GetString());
        Assert.Equal("zhangsan", body.GetProperty("sender").GetString());
        Assert.Equal(2, body.GetProperty("external_userid").GetArrayLength());
    }

    [Fact]
    public async Task A_moments_task_restricted_by_tags_returns_a_jobid_whose_result_is_finished()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));

        var created = await host.Api.AddMomentTaskAsync(Tenant, new MomentTask(new WeComText("代发工资日前三天，专属福利上线"),
            [WeComAttachment.ForLink("福利详情", new Uri("https://bank.example/m/1"))],
            MomentVisibleRange.For(["zhangsan", "lisi"], ["etPayroll", "badTag"])), default);
        var result = await host.Api.GetMomentTaskResultAsync(Tenant, created.Value!.JobId, default);

        Assert.True(result.Value!.IsFinished);
        Assert.StartsWith("mom", result.Value.Result!.MomentId, StringComparison.Ordinal);
        Assert.Equal(["badTag"], result.Value.Result.InvalidExternalContactList!.TagList);
        var body = JsonDocument.Parse(sandbox.Sandbox.Requests.First(r => r.Api == "externalcontact/add_moment_task").Body!).RootElement;
        var range = body.GetProperty("visible_range");
        Assert.Equal(2, range.GetProperty("sender_list").GetProperty("user_list").GetArrayLength());
        Assert.Equal("etPayroll", range.GetProperty("external_contact_list").GetProperty("tag_list")[0].GetString());
        Assert.Equal("link", body.GetProperty("attachments")[0].GetProperty("msgtype").GetString());
    }

    [Fact]
    public async Task Corp_tags_marks_contact_details_and_transfers_round_trip()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var host = Client(sandbox, WeComClientHarness.NewApp(sandbox));

        var tags = await host.Api.AddCorpTagAsync(Tenant, new NewCorpTags(null, "资产等级", null, [new NewCorpTag("AUM 50万+"), new NewCorpTag("AUM 5万-50万")]), default);
        var tagId = tags.Value!.TagGroup.Tag![0].Id;
        var marked = await host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", "wmCustomer0001", [tagId], null), default);
        var library = await host.Api.GetCorpTagListAsync(Tenant, CorpTagQuery.All, default);
        var contact = await host.Api.GetExternalContactAsync(Tenant, "wmCustomer0001", null, default);
        var transfer = await host.Api.TransferCustomerAsync(Tenant, new CustomerTransfer("zhangsan", "lisi", ["wmCustomer0001", "bogus"], "您好，后续由同事李四为您服务。"), default);
        var resigned = await host.Api.TransferResignedCustomerAsync(Tenant, new CustomerTransfer("wangwu", "lisi", ["wmCustomer0002"]), default);

        Assert.True(marked.IsSuccess);
        Assert.Equal(2, Assert.Single(library.Value!.TagGroup!).Tag!.Count);
        Assert.Equal("wmCustomer0001", contact.Value!.ExternalContact.ExternalUserId);
        var follower = Assert.Single(contact.Value.FollowUser!);
        Assert.Equal("zhangsan", follower.UserId);
        Assert.Equal("AUM 50万+", Assert.Single(follower.Tags!).TagName);
        Assert.Equal([0, 40096], transfer.Value!.Customer!.Select(c => c.ErrCode));
        Assert.Equal(0, Assert.Single(resigned.Value!.Customer!).ErrCode);
    }

    [Fact]
    public async Task The_sandbox_lists_what_it_received_and_counts_gettoken_over_http()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        var app = WeComClientHarness.NewApp(sandbox);
        await using var host = Client(sandbox, app);
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        (await http.PostAsJsonAsync("/sandbox/faults", new { api = "externalcontact/mark_tag", errcode = 45033, count = 1 })).EnsureSuccessStatusCode();

        await host.Api.MarkTagAsync(Tenant, new TagMarking("zhangsan", "wmCustomer0001", ["etVip"], null), default);
        var requests = await http.GetStringAsync("/sandbox/requests?api=externalcontact/mark_tag");
        var stats = JsonDocument.Parse(await http.GetStringAsync("/sandbox/stats")).RootElement;

        var list = JsonDocument.Parse(requests).RootElement;
        Assert.Equal(2, list.GetArrayLength());
        Assert.Equal(45033, list[0].GetProperty("errcode").GetInt32());
        Assert.Contains("external_userid", list[1].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, stats.GetProperty("gettoken_calls").GetInt32());
        Assert.DoesNotContain(app.Secret, await http.GetStringAsync("/sandbox/requests"), StringComparison.Ordinal);
    }
}
