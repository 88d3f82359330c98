using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.AccountManagers;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.AccountManagers;

/// <summary>
/// Messages to account managers through the self-built app, on Azurite, the WeCom sandbox and the local host with its
/// queue workers: an engaged payroll customer gives one task card; the card's button (a signed, encrypted
/// template_card_event on the callback URL) closes the task once and updates the card once, also when WeCom repeats the
/// callback; a deletion gives one 流失提醒 and one recall offer to the supervisor; the digest keeps quiet hours and the cap.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ManagerMessagesTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private const int AgentId = 1000002;
    private const string Manager = "zhaoliu";
    private const string Colleague = "lisi";
    private const string Supervisor = "wangboss";
    private const string CampaignId = "payroll:E-7:2026-12";
    private static readonly Guid BankTenant = Guid.NewGuid();
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // Thursday 3 December 2026, 10:00 in Shanghai: outside quiet hours (21:00–08:30).
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, Shanghai));
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _sandbox.AppMessages.RegisterAgent(_tenant.CorpId, AgentId, Manager, Colleague, Supervisor);
        var settings = new Dictionary<string, string?>(OperatorTokens.Settings(_tenant.Name, BankTenant))
        {
            ["Local:QueueWorkers"] = "true",
            ["Local:PayrollRun"] = "false",
            ["Local:ManagerDigest"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            [$"Managers:AgentIds:{_tenant.Name}"] = AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Managers:DailyCap"] = "3",
        };
        _host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], settings, s =>
        {
            _tokens.Trust(s);
            s.AddSingleton<TimeProvider>(_clock);
        });
        var at = _clock.GetUtcNow().AddDays(-60);
        foreach (var (userId, name) in new[] { (Manager, "赵六"), (Colleague, "李四") })
        {
            Assert.True(await Get<IEmployeeDirectory>().UpsertAsync(
                new Employee(_tenant.Name, userId, name, "理财经理", "西湖支行", null, 1, at) { SupervisorId = Supervisor }, CancellationToken.None));
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    [Fact]
    public async Task An_engaged_payroll_customer_gives_one_card_whose_button_closes_the_task_once_even_when_WeCom_repeats_the_callback()
    {
        await EnrolAsync("p01", "李女士", Manager);
        // Two clicks of campaign links (welfare, then the quiz): one task, one card.
        await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, "p01", "welfare", _clock.GetUtcNow(), CancellationToken.None);
        await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, "p01", "quiz", _clock.GetUtcNow(), CancellationToken.None);

        var card = Assert.Single(_sandbox.AppMessages.Messages, m => m.ToUser == Manager);
        Assert.Equal("template_card", card.MsgType);
        Assert.Equal(StaffMessageKeys.FollowUp(CampaignId, "p01"), card.TaskId);
        Assert.Contains("李女士", card.Body, StringComparison.Ordinal);
        Assert.Equal(ManagerTaskCards.DoneText, card.Buttons[ManagerTaskCards.DoneKey]);

        // The manager presses 已跟进: WeCom posts template_card_event, encrypted and signed, to the callback URL.
        var pressedAt = _clock.GetUtcNow().AddMinutes(5);
        _clock.Now = pressedAt;
        var press = PressXml(card.TaskId!, _sandbox.AppMessages.PressButton(_tenant.CorpId, Manager, card.TaskId!), pressedAt);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(press));
        var done = await Eventually.GetAsync(async () =>
            await Get<IFollowUpTasks>().GetAsync(_tenant.Name, Manager, CampaignId, "p01", CancellationToken.None) is { DoneAt: not null } t ? t : null,
            "the task closed by the card's button");
        Assert.Equal((pressedAt, "card"), (done.DoneAt!.Value, done.DoneVia));
        await Eventually.TrueAsync(() => Task.FromResult(card.Buttons[ManagerTaskCards.DoneKey] == ManagerTaskCards.ClosedText), "the card's button updated");

        // WeCom repeats the same callback (encrypted again), and the manager presses the (updated) button once more.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(press));
        _clock.Now = pressedAt.AddMinutes(1);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(PressXml(card.TaskId!, _sandbox.AppMessages.PressButton(_tenant.CorpId, Manager, card.TaskId!), _clock.Now)));
        await QueueDrainedAsync();

        var after = await Get<IFollowUpTasks>().GetAsync(_tenant.Name, Manager, CampaignId, "p01", CancellationToken.None);
        Assert.Equal(pressedAt, after!.DoneAt);
        Assert.Single(_sandbox.Sandbox.Requests, r => r.Api == "message/update_template_card");
        Assert.Single(_sandbox.Sandbox.Requests, r => r.Api == "message/send");

        // The operator API shows it done; a week later an open task of another customer is expired.
        await EnrolAsync("p02", "周先生", Manager);
        await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, "p02", "sales", _clock.GetUtcNow(), CancellationToken.None);
        var tasks = await GetJsonAsync($"/api/tenants/{_tenant.Name}/managers/{Manager}/tasks");
        Assert.Equal((1, 1, 0), (tasks.GetProperty("open").GetInt32(), tasks.GetProperty("done").GetInt32(), tasks.GetProperty("expired").GetInt32()));
        _clock.Now = _clock.Now.AddDays(8);
        var expired = await GetJsonAsync($"/api/tenants/{_tenant.Name}/managers/{Manager}/tasks?status=expired");
        Assert.Equal("p02", Assert.Single(expired.GetProperty("tasks").EnumerateArray()).GetProperty("customerId").GetString());
        var team = await GetJsonAsync($"/api/tenants/{_tenant.Name}/managers/{Supervisor}/team");
        var members = team.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([Colleague, Manager], members.Select(m => m.GetProperty("userId").GetString()));
        Assert.Equal((1, 1), (members[1].GetProperty("done").GetInt32(), members[1].GetProperty("expired").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync($"/api/tenants/{_tenant.Name}/managers/{Manager}/tasks?status=later")).StatusCode);
    }

    [Fact]
    public async Task A_customer_deleting_their_manager_gives_one_churn_alert_and_one_recall_offer_to_the_supervisor()
    {
        await EnrolAsync("p03", "钱女士", Manager);
        var deletedAt = _clock.GetUtcNow();
        var xml = _tenant.EventXml("change_external_contact", "del_follow_user", deletedAt, TestTenant.ContactFields(Manager, "wmp03"));
        // WeCom retries a callback it got no timely 200 for: three deliveries of one deletion.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync(xml));
        }

        await Eventually.TrueAsync(() => Task.FromResult(_sandbox.AppMessages.Messages.Any(m => m.ToUser == Supervisor)), "the recall offer");
        await QueueDrainedAsync();
        var alert = Assert.Single(_sandbox.AppMessages.Messages, m => m.ToUser == Manager);
        Assert.Equal("text", alert.MsgType);
        var text = JsonDocument.Parse(alert.Body).RootElement.GetProperty("text").GetProperty("content").GetString()!;
        Assert.StartsWith("流失提醒：客户 钱女士 于 2026-12-03 10:00 删除了您。", text, StringComparison.Ordinal);
        Assert.Contains("添加时间：2026-10-04 10:00", text, StringComparison.Ordinal);
        var offer = Assert.Single(_sandbox.AppMessages.Messages, m => m.ToUser == Supervisor);
        Assert.Equal("template_card", offer.MsgType);
        Assert.Contains("赵六 的客户 钱女士 已流失", offer.Body, StringComparison.Ordinal);

        // The same deletion processed again (a replayed queue message) sends nothing more.
        await Get<IManagerAlerts>().CustomerDeletedManagerAsync(_tenant.Name, "p03",
            new PrivateDomain.WeCom.FollowUserDeleted(_tenant.CorpId, DateTimeOffset.FromUnixTimeSeconds(deletedAt.ToUnixTimeSeconds()), Manager, "wmp03"), CancellationToken.None);
        Assert.Equal(2, _sandbox.AppMessages.Messages.Count);
    }

    [Fact]
    public async Task The_digest_waits_out_quiet_hours_goes_once_a_day_and_respects_the_daily_cap()
    {
        // 07:00 in Shanghai, quiet hours: the task cards of the night are held, and so is the digest.
        _clock.Now = new DateTimeOffset(2026, 12, 3, 7, 0, 0, Shanghai);
        await EnrolAsync("q01", "孙女士", Manager);
        await EnrolAsync("q02", "吴先生", Manager);
        foreach (var id in new[] { "q01", "q02" })
        {
            await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, id, "quiz", _clock.GetUtcNow(), CancellationToken.None);
        }

        var quiet = await Get<ManagerDigest>().RunAsync(_tenant.Name, CancellationToken.None);
        Assert.Equal(StaffSendOutcome.QuietHours, quiet[Manager]);
        Assert.Empty(_sandbox.AppMessages.Messages);

        // 09:00: the colleague's three customers engage, filling the cap (3) with cards; the digest then goes to the
        // manager (two open tasks) but not to the colleague, who is at the cap.
        _clock.Now = new DateTimeOffset(2026, 12, 3, 9, 0, 0, Shanghai);
        foreach (var id in new[] { "r01", "r02", "r03" })
        {
            await EnrolAsync(id, "客户" + id, Colleague);
            await Get<PayrollEngagement>().EngagedAsync(_tenant.Name, CampaignId, id, "welfare", _clock.GetUtcNow(), CancellationToken.None);
        }

        Assert.Equal(3, _sandbox.AppMessages.Messages.Count(m => m.ToUser == Colleague && m.MsgType == "template_card"));
        var morning = await Get<ManagerDigest>().RunAsync(_tenant.Name, CancellationToken.None);
        Assert.Equal((StaffSendOutcome.Sent, StaffSendOutcome.Capped), (morning[Manager], morning[Colleague]));
        var digest = Assert.Single(_sandbox.AppMessages.Messages, m => m.ToUser == Manager);
        var text = JsonDocument.Parse(digest.Body).RootElement.GetProperty("text").GetProperty("content").GetString()!;
        Assert.Contains("跟进任务 2 个：孙女士、吴先生", text, StringComparison.Ordinal);
        Assert.Contains("待确认的群发任务 0 个", text, StringComparison.Ordinal);
        Assert.Equal(3, _sandbox.AppMessages.Messages.Count(m => m.ToUser == Colleague));

        // A second run that day sends nothing more.
        var again = await Get<ManagerDigest>().RunAsync(_tenant.Name, CancellationToken.None);
        Assert.Equal(StaffSendOutcome.AlreadySent, again[Manager]);
        Assert.Equal(4, _sandbox.AppMessages.Messages.Count);
    }

    /// <summary>The customer, their manager, and their journey in the campaign — finished, so no later host resumes it.</summary>
    private async Task EnrolAsync(string customerId, string name, string manager)
    {
        var at = _clock.GetUtcNow().AddDays(-60);
        Assert.True(await Get<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, customerId, at) with
        {
            Name = name, ExternalUserIds = ["wm" + customerId], Payroll = new PayrollEnrolment("E-7", "day:10"),
        }, CancellationToken.None));
        Assert.True(await Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(_tenant.Name, manager, "wm" + customerId, customerId, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        var instanceId = PayrollCampaignJourney.InstanceId(_tenant.Name, customerId, CampaignId);
        var state = new JourneyState
        {
            InstanceId = instanceId, JourneyId = "payroll-campaign", Version = 1, ContentHash = "test", CustomerId = customerId, SenderId = manager,
            StartedAt = at, FirstDay = DateOnly.FromDateTime(at.UtcDateTime),
        };
        Assert.True(await Get<IJourneyStore>().TryInsertAsync(new JourneyRecord(_tenant.Name, state, JourneyStatus.Completed, JourneyEnd.Finished, null), CancellationToken.None));
    }

    private string PressXml(string taskId, string responseCode, DateTimeOffset at) =>
        $"<xml><ToUserName><![CDATA[{_tenant.CorpId}]]></ToUserName><FromUserName><![CDATA[{Manager}]]></FromUserName><CreateTime>{at.ToUnixTimeSeconds()}</CreateTime>"
        + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        + $"<EventKey><![CDATA[{ManagerTaskCards.DoneKey}]]></EventKey><TaskId><![CDATA[{taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
        + $"<ResponseCode><![CDATA[{responseCode}]]></ResponseCode><AgentID>{AgentId}</AgentID><SelectedItems></SelectedItems></xml>";

    private async Task<HttpStatusCode> PostAsync(string eventXml)
    {
        var (url, body) = _tenant.SignedPost(eventXml, _clock.GetUtcNow());
        using var response = await _host.Client.PostAsync(url, TestTenant.Xml(body));
        return response.StatusCode;
    }

    /// <summary>Every queued WeCom event handled (tests of this collection run one at a time).</summary>
    private async Task QueueDrainedAsync()
    {
        var queue = new QueueClient(fixture.Azurite.ConnectionString(), PrivateDomain.WeCom.StorageCallbackEventQueue.QueueName);
        await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the wecom-events queue drained");
    }

    private async Task<HttpResponseMessage> SendAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Mint(BankTenant, [OperatorRoles.Auditor]));
        return await _host.Client.SendAsync(request);
    }

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await SendAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
