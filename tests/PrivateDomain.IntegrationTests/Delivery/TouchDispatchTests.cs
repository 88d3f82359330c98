using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Delivery;

/// <summary>
/// SendTouch on Azurite into the WeCom sandbox: touches recorded in the ledger go through the policy, the content library
/// and aggregation into WeCom tasks, exactly once whatever is retried or crashes. The dispatcher is run by hand (queue
/// workers off) so each test sees one run at a time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TouchDispatchTests(AzuriteFixture fixture) : IAsyncLifetime
{
    /// <summary>Tuesday 2026-12-01 10:00 in Shanghai, inside the send window.</summary>
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly JourneyClock _clock = JourneyClock.Manual(TuesdayMorning);
    private readonly CrashSwitch _crash = new();
    private readonly HttpClient _http = new();
    private readonly StorageRequestCounter _requests = new() { CountEntities = false };
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock); // WeCom's clock is the journeys' clock here
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            ["Delivery:AggregationDelay"] = "00:00:00",
            ["Delivery:ReconcileAfter"] = "00:00:30",
        }, services =>
        {
            services.AddSingleton(_clock);
            services.AddSingleton(_requests);
            services.AddSingleton<ISenderContexts>(new FixedSenderContexts());
            services.AddSingleton<IDispatchStore>(sp => _crash.Wrap(ActivatorUtilities.CreateInstance<PrivateDomain.Delivery.Storage.TableDispatchStore>(sp)));
        });
        await _host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task One_to_one_touches_with_the_same_text_become_one_task_and_a_touch_recorded_twice_is_sent_once()
    {
        // The journey's 1:1 templates do not name the customer (v2), so the three get the same text and one task carries them.
        var touches = new List<Touch>();
        foreach (var c in new[] { "c1", "c2", "c3" })
        {
            await AddCustomerAsync(c, "zhangsan");
            touches.Add(TouchFor(c, "zhangsan", "aida.attention.welfare", Channel.OneToOne));
        }

        foreach (var t in touches)
        {
            Assert.True(await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None));
        }

        Assert.False(await Ledger.RecordAsync(_tenant.Name, touches[0], CancellationToken.None)); // the same touch submitted again

        var report = await DispatchAsync("zhangsan");
        Assert.Equal(1, report.Tasks);
        var task = Assert.Single(MassSends());
        Assert.Equal(["wmCustc1", "wmCustc2", "wmCustc3"], task["external_userid"]!.AsArray().Select(n => (string)n!).Order());
        Assert.Equal("zhangsan", (string)task["sender"]!);
        Assert.Contains("您好，我是您的理财经理张三", (string)task["text"]!["content"]!, StringComparison.Ordinal);
        Assert.Contains("https://h5.bank.example/h5/welfare/first-month", task["attachments"]!.ToJsonString(), StringComparison.Ordinal);

        // Recorded again after it went out, and dispatched again: nothing new reaches WeCom.
        Assert.False(await Ledger.RecordAsync(_tenant.Name, touches[1], CancellationToken.None));
        Assert.Equal(0, (await DispatchAsync("zhangsan")).Tasks);
        Assert.Single(MassSends());
        foreach (var t in touches)
        {
            var row = (await DeliveryLedger.GetAsync(_tenant.Name, t.Ref, CancellationToken.None))!;
            Assert.Equal(TouchStatus.Sent, row.Status);
        }

        var entry = Assert.Single(await Ledger.ListAsync(_tenant.Name, touches[0].Id.InstanceId, CancellationToken.None).ToListAsync());
        Assert.False(string.IsNullOrEmpty(entry.WeComId));
    }

    [Theory]
    [InlineData(null)] // an ordinary journey's touches: a ledger partition each
    [InlineData("camp-crash")] // a campaign's: one partition per manager, claimed and closed in transactions
    public async Task After_a_crash_between_the_WeCom_call_and_the_ledger_update_the_next_run_finds_the_task_and_does_not_send_again(string? campaign)
    {
        await AddCustomerAsync("c1", "lisi");
        await AddCustomerAsync("c2", "lisi");
        var touches = new[] { TouchFor("c1", "lisi", "aida.interest.ice-breaker", Channel.OneToOne, campaign: campaign), TouchFor("c2", "lisi", "aida.interest.ice-breaker", Channel.OneToOne, campaign: campaign) };
        Assert.Equal(2, await Ledger.RecordManyAsync(_tenant.Name, touches, CancellationToken.None));

        _crash.CrashOnNextCreatedUpdate = true;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => DispatchAsync("lisi"));
        Assert.Single(MassSends());
        Assert.All(touches, t => Assert.Equal(TouchStatus.Pending, DeliveryLedger.GetAsync(_tenant.Name, t.Ref, CancellationToken.None).Result!.Status));

        // A run before the dispatch could have finished leaves it alone; one after reconciles.
        Assert.Equal(0, (await DispatchAsync("lisi")).Reconciled);
        _clock.AdvanceTo(_clock.GetUtcNow().AddMinutes(1));
        var report = await DispatchAsync("lisi");
        Assert.Equal(2, report.Reconciled);
        var task = Assert.Single(MassSends());
        var weComIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in touches)
        {
            var entry = Assert.Single(await Ledger.ListAsync(_tenant.Name, t.Id.InstanceId, "lisi", campaign, CancellationToken.None).ToListAsync());
            Assert.Equal(TouchStatus.Sent, entry.Status);
            Assert.False(string.IsNullOrEmpty(entry.WeComId));
            weComIds.Add(entry.WeComId!);
        }

        Assert.Single(weComIds); // both touches carry the msgid of the one task
        Assert.Equal("lisi", (string)task["sender"]!);
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_stays_its_dispatchs_and_a_touch_claimed_but_left_out_of_a_task_is_sent_by_the_next_run()
    {
        await AddCustomerAsync("c1", "wangwu");
        await AddCustomerAsync("c2", "wangwu");
        var first = TouchFor("c1", "wangwu", "aida.interest.ice-breaker", Channel.OneToOne);
        var second = TouchFor("c2", "wangwu", "aida.interest.ice-breaker", Channel.OneToOne);
        await Ledger.RecordAsync(_tenant.Name, first, CancellationToken.None);

        // The storage client retries a claim whose response was lost with the old ETag: the row shows it is ours.
        var stale = (await DeliveryLedger.GetAsync(_tenant.Name, first.Ref, CancellationToken.None))!;
        Assert.True(await DeliveryLedger.TryClaimAsync(_tenant.Name, stale, "d-probe", TuesdayMorning, CancellationToken.None));
        Assert.True(await DeliveryLedger.TryClaimAsync(_tenant.Name, stale, "d-probe", TuesdayMorning, CancellationToken.None));
        Assert.False(await DeliveryLedger.TryClaimAsync(_tenant.Name, stale, "d-other", TuesdayMorning, CancellationToken.None));
        await DeliveryLedger.SetOutcomeAsync(_tenant.Name, first.Ref, new TouchOutcome(TouchStatus.Due, null, null, null, TuesdayMorning), CancellationToken.None);

        Assert.Equal(1, (await DispatchAsync("wangwu")).Tasks);
        var dispatchId = (await DeliveryLedger.GetAsync(_tenant.Name, first.Ref, CancellationToken.None))!.DispatchId!;

        // A touch left Pending under that dispatch without being one of its members (its claim was taken as lost).
        await Ledger.RecordAsync(_tenant.Name, second, CancellationToken.None);
        var row = (await DeliveryLedger.GetAsync(_tenant.Name, second.Ref, CancellationToken.None))!;
        Assert.True(await DeliveryLedger.TryClaimAsync(_tenant.Name, row, dispatchId, TuesdayMorning, CancellationToken.None));

        await DispatchAsync("wangwu"); // finds it stray: due again, not recorded as sent by a task that never carried it
        Assert.Equal(TouchStatus.Due, (await DeliveryLedger.GetAsync(_tenant.Name, second.Ref, CancellationToken.None))!.Status);
        Assert.Equal(1, (await DispatchAsync("wangwu")).Tasks);
        Assert.Equal(TouchStatus.Sent, (await DeliveryLedger.GetAsync(_tenant.Name, second.Ref, CancellationToken.None))!.Status);
        Assert.Equal([["wmCustc1"], ["wmCustc2"]], MassSends().Select(t => t["external_userid"]!.AsArray().Select(n => (string)n!).ToArray()).ToArray());
    }

    [Fact]
    public async Task A_campaigns_claim_transaction_repeated_after_its_answer_was_lost_stays_its_dispatchs_and_a_row_claimed_meanwhile_is_left_to_its_claimer()
    {
        const string campaign = "camp-claims";
        var touches = new List<Touch>();
        foreach (var c in new[] { "k1", "k2", "k3" })
        {
            await AddCustomerAsync(c, "qianba");
            touches.Add(TouchFor(c, "qianba", "aida.interest.ice-breaker", Channel.OneToOne, campaign: campaign));
        }

        Assert.Equal(3, await Ledger.RecordManyAsync(_tenant.Name, touches, CancellationToken.None));
        Assert.Equal(0, await Ledger.RecordManyAsync(_tenant.Name, touches, CancellationToken.None)); // a repeated batch records nothing again
        var stale = await RowsAsync();
        Assert.All(stale, r => Assert.Equal(TouchStatus.Due, r.Status));

        // The transaction lands; the storage client, its answer lost, sends it again with the old ETags: still ours.
        Assert.Equal(new[] { true, true, true }, await DeliveryLedger.TryClaimManyAsync(_tenant.Name, stale, "d-lost", TuesdayMorning, CancellationToken.None));
        Assert.Equal(new[] { true, true, true }, await DeliveryLedger.TryClaimManyAsync(_tenant.Name, stale, "d-lost", TuesdayMorning, CancellationToken.None));
        Assert.Equal(new[] { false, false, false }, await DeliveryLedger.TryClaimManyAsync(_tenant.Name, stale, "d-other", TuesdayMorning, CancellationToken.None));
        Assert.All(await RowsAsync(), r => Assert.Equal((TouchStatus.Pending, "d-lost"), (r.Status, r.DispatchId)));

        // Due again; another run claims the second row between our read and our transaction: we get the other two.
        var due = new TouchOutcome(TouchStatus.Due, null, null, null, TuesdayMorning);
        await DeliveryLedger.SetOutcomesAsync(_tenant.Name, [.. touches.Select(t => (t.Ref, due))], CancellationToken.None);
        var fresh = await RowsAsync();
        Assert.True(await DeliveryLedger.TryClaimAsync(_tenant.Name, fresh[1], "d-first", TuesdayMorning, CancellationToken.None));
        Assert.Equal(new[] { true, false, true }, await DeliveryLedger.TryClaimManyAsync(_tenant.Name, fresh, "d-second", TuesdayMorning, CancellationToken.None));
        Assert.Equal(["d-second", "d-first", "d-second"], (await RowsAsync()).Select(r => r.DispatchId ?? ""));

        // Released, the run sends all three in one task, once.
        await DeliveryLedger.SetOutcomesAsync(_tenant.Name, [.. touches.Select(t => (t.Ref, due))], CancellationToken.None);
        Assert.Equal(1, (await DispatchAsync("qianba")).Tasks);
        Assert.Equal(0, (await DispatchAsync("qianba")).Tasks);
        var task = Assert.Single(MassSends());
        Assert.Equal(["wmCustk1", "wmCustk2", "wmCustk3"], task["external_userid"]!.AsArray().Select(n => (string)n!).Order());
        Assert.All(await RowsAsync(), r => Assert.Equal(TouchStatus.Sent, r.Status));

        async Task<List<LedgerTouch>> RowsAsync()
        {
            var rows = await DeliveryLedger.GetManyAsync(_tenant.Name, touches, CancellationToken.None);
            return [.. touches.Select(t => rows[t.Id])];
        }
    }

    [Fact]
    public async Task Opt_out_deletion_quiet_hours_a_daily_cap_and_the_deletion_throttle_each_refuse_with_a_recorded_reason()
    {
        await AddCustomerAsync("optout", "wangwu", tags: [PrivateDomain.Delivery.Policy.DeliveryPolicy.OptedOutTag]);
        await AddCustomerAsync("deleted", "wangwu", status: RelationshipStatus.DeletedByCustomer);
        await AddCustomerAsync("capped", "wangwu");
        var optOut = TouchFor("optout", "wangwu", "aida.attention.welfare", Channel.OneToOne);
        var deleted = TouchFor("deleted", "wangwu", "aida.attention.welfare", Channel.OneToOne);
        var first = TouchFor("capped", "wangwu", "aida.attention.welfare", Channel.OneToOne);
        foreach (var t in new[] { optOut, deleted, first })
        {
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        await DispatchAsync("wangwu");
        await AssertOutcomeAsync(optOut, TouchStatus.Refused, "OptedOut");
        await AssertOutcomeAsync(deleted, TouchStatus.Refused, "DeletedUs");
        await AssertOutcomeAsync(first, TouchStatus.Sent, null);

        // A second 1:1 the same day waits for tomorrow (the default cap is one a day).
        var second = TouchFor("capped", "wangwu", "aida.interest.ice-breaker", Channel.OneToOne, step: "t2");
        await Ledger.RecordAsync(_tenant.Name, second, CancellationToken.None);
        await DispatchAsync("wangwu");
        await AssertOutcomeAsync(second, TouchStatus.Due, "DailyCap");

        // At 22:30 nothing goes out: quiet hours put it off to 09:00.
        _clock.AdvanceTo(new DateTimeOffset(2026, 12, 1, 22, 30, 0, TimeSpan.FromHours(8)));
        await AddCustomerAsync("late", "wangwu");
        var late = TouchFor("late", "wangwu", "aida.attention.welfare", Channel.OneToOne, slot: _clock.GetUtcNow());
        await Ledger.RecordAsync(_tenant.Name, late, CancellationToken.None);
        await DispatchAsync("wangwu");
        await AssertOutcomeAsync(late, TouchStatus.Due, "QuietHours");
        Assert.Single(MassSends());

        // Next morning both go out (different texts: two tasks).
        _clock.AdvanceTo(new DateTimeOffset(2026, 12, 2, 9, 5, 0, TimeSpan.FromHours(8)));
        await DispatchAsync("wangwu");
        await AssertOutcomeAsync(second, TouchStatus.Sent, null);
        await AssertOutcomeAsync(late, TouchStatus.Sent, null);
        Assert.Equal(3, MassSends().Count);

        // A template followed by too many deletions stops going out.
        var history = _host.Services.GetRequiredService<IDeliveryHistoryStore>();
        for (var i = 0; i < 40; i++)
        {
            await AddCustomerAsync("t" + i, "zhaoliu");
            var t = TouchFor("t" + i, "zhaoliu", "aida.desire.tip-1", Channel.OneToOne);
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        Assert.Equal(1, (await DispatchAsync("zhaoliu")).Tasks);
        _clock.AdvanceTo(_clock.GetUtcNow().AddHours(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("aida.desire.tip-1", await history.RecordDeletionAsync(_tenant.Name, "t" + i, "zhaoliu", _clock.GetUtcNow(), TimeSpan.FromDays(3), CancellationToken.None));
        }

        // A reprocessed deletion event counts once.
        await history.RecordDeletionAsync(_tenant.Name, "t0", "zhaoliu", _clock.GetUtcNow(), TimeSpan.FromDays(3), CancellationToken.None);
        Assert.Equal(new PrivateDomain.Delivery.Policy.DeletionTally(40, 5),
            await history.TallyAsync(_tenant.Name, TallySubject.Template, "aida.desire.tip-1", _clock.GetUtcNow().AddDays(-7), CancellationToken.None));

        await AddCustomerAsync("next", "zhaoliu");
        var throttled = TouchFor("next", "zhaoliu", "aida.desire.tip-1", Channel.OneToOne);
        await Ledger.RecordAsync(_tenant.Name, throttled, CancellationToken.None);
        await DispatchAsync("zhaoliu");
        await AssertOutcomeAsync(throttled, TouchStatus.Refused, "TemplateThrottled");
    }

    [Fact]
    public async Task A_large_run_decides_on_the_managers_book_without_reading_profiles_and_an_opt_out_or_deletion_made_after_recording_is_refused()
    {
        // 24 customers of one manager (a run of 20 or more reads the manager's book); the touches are recorded first.
        var ids = Enumerable.Range(0, 24).Select(i => "book" + i).ToList();
        foreach (var id in ids.Skip(1))
        {
            await AddCustomerAsync(id, "zhouba");
        }

        // book0's relationship is written before their profile exists (a contact the pool had not imported yet), and the
        // profile arrives with the opt-out: the book does not know their tags, so their profile decides.
        var at = TuesdayMorning.AddDays(-30);
        Assert.True(await _host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
            new Relationship(_tenant.Name, "zhouba", "wmCustbook0", "book0", at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        Assert.True(await _host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, "book0", at) with
        {
            ExternalUserIds = ["wmCustbook0"],
            Tags = [new CustomerTag(PrivateDomain.Delivery.Policy.DeliveryPolicy.OptedOutTag, TagKind.Dynamic, "crm", at)],
        }, CancellationToken.None));

        var touches = ids.Select(id => TouchFor(id, "zhouba", "aida.attention.welfare", Channel.OneToOne)).ToList();
        foreach (var t in touches)
        {
            Assert.True(await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None));
        }

        // After recording: book1 unsubscribes (the unsubscribe page's change), book2 is marked as having deleted us.
        var pool = _host.Services.GetRequiredService<ICustomerPool>();
        await pool.UpdateAsync(_tenant.Name, "book1", c => CustomerChanges.WithTag(c, PrivateDomain.Delivery.Policy.DeliveryPolicy.OptedOutTag, TagKind.Dynamic, "unsubscribe-page", at), CancellationToken.None);
        await pool.UpdateAsync(_tenant.Name, "book2", c => CustomerChanges.WithTag(c, PrivateDomain.Delivery.Policy.DeliveryPolicy.DeletedUsTag, TagKind.Dynamic, "pool", at), CancellationToken.None);

        var before = _requests.Snapshot();
        var report = await DispatchAsync("zhouba");
        var profileReads = _requests.Snapshot().Since(before).Requests
            .Where(r => r.Key.Resource == PrivateDomain.Customers.TableCustomerStore.CustomersTable).Sum(r => r.Value);

        await AssertOutcomeAsync(touches[0], TouchStatus.Refused, "OptedOut");
        await AssertOutcomeAsync(touches[1], TouchStatus.Refused, "OptedOut");
        await AssertOutcomeAsync(touches[2], TouchStatus.Refused, "DeletedUs");
        Assert.Equal(1, report.Tasks);
        var task = Assert.Single(MassSends(), t => (string)t["sender"]! == "zhouba");
        Assert.Equal(ids.Skip(3).Select(id => "wmCust" + id).Order(StringComparer.Ordinal),
            task["external_userid"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Equal(1, profileReads); // book0's profile only: the other 23 were decided on the book

        // The customer opts back in (an operator removes the tag): the book follows and the next touch goes out.
        await pool.UpdateAsync(_tenant.Name, "book1", c => c with { Tags = [.. c.Tags.Where(t => t.Name != PrivateDomain.Delivery.Policy.DeliveryPolicy.OptedOutTag)] },
            CancellationToken.None);
        var again = ids.Select(id => TouchFor(id, "zhouba", "aida.interest.ice-breaker", Channel.OneToOne, step: "t2")).ToList();
        foreach (var t in again)
        {
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        _clock.AdvanceTo(TuesdayMorning.AddDays(1));
        await DispatchAsync("zhouba");
        await AssertOutcomeAsync(again[1], TouchStatus.Sent, null);
        await AssertOutcomeAsync(again[0], TouchStatus.Refused, "OptedOut");
    }

    [Fact]
    public async Task Unknown_unapproved_and_broken_templates_are_refused_and_nothing_half_rendered_reaches_WeCom()
    {
        await AddCustomerAsync("noname", "sunqi", name: null);
        await AddCustomerAsync("named", "sunqi");
        var library = _host.Services.GetRequiredService<ContentLibrary>();
        var draft = MessageTemplateReader.Read("""
            { "id": "it.draft", "version": 1, "kind": "welfare", "stage": "attention", "channel": "oneToOne", "title": "草稿",
              "tags": [], "body": ["{customer.name}您好，这是一条尚未审批的消息。"] }
            """u8, "it.draft.v1.json", requireApproval: false).Template;
        await library.PublishAsync(TemplateScope.Default, draft, "zhang.min", CancellationToken.None);

        // An approved template that greets the customer by name (so only for a step marked personal) cannot be rendered
        // for a customer whose name we do not know.
        var named = MessageTemplateReader.Read("""
            { "id": "it.named", "version": 1, "kind": "welfare", "stage": "attention", "channel": "oneToOne", "title": "称呼客户",
              "tags": [], "body": ["{customer.name}您好，我是{employee.name}。"] }
            """u8, "it.named.v1.json", requireApproval: false).Template;
        await library.PublishAsync(TemplateScope.Default, named, "zhang.min", CancellationToken.None);
        var namedRef = new TemplateRef(TemplateScope.Default, "it.named", 1);
        await library.SubmitAsync(namedRef, "zhang.min", CancellationToken.None);
        await library.ApproveAsync(namedRef, new ContentReviewer("li.hua", [ContentRoles.Compliance]), CancellationToken.None);

        var unknown = TouchFor("named", "sunqi", "no.such.template", Channel.OneToOne);
        var unapproved = TouchFor("named", "sunqi", "it.draft", Channel.OneToOne, step: "t2");
        var broken = TouchFor("noname", "sunqi", "it.named", Channel.OneToOne) with { Personal = true };
        foreach (var t in new[] { unknown, unapproved, broken })
        {
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        await DispatchAsync("sunqi");
        await AssertOutcomeAsync(unknown, TouchStatus.Refused, nameof(ContentRefusalReason.NotFound));
        await AssertOutcomeAsync(unapproved, TouchStatus.Refused, nameof(ContentRefusalReason.NotApproved));
        await AssertOutcomeAsync(broken, TouchStatus.Refused, "TemplateBroken");
        Assert.Empty(MassSends());
    }

    [Fact]
    public async Task A_Moments_step_for_many_customers_of_one_manager_is_one_post()
    {
        var touches = new List<Touch>();
        for (var i = 0; i < 5; i++)
        {
            await AddCustomerAsync("m" + i, "qianba");
            touches.Add(TouchFor("m" + i, "qianba", "aida.attention.persona", Channel.Moments));
        }

        foreach (var t in touches)
        {
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        Assert.Equal(1, (await DispatchAsync("qianba")).Tasks);
        var posts = _sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_moment_task" && r.CorpId == _tenant.CorpId).ToList();
        var post = JsonNode.Parse(Assert.Single(posts).Body!)!;
        Assert.Equal("qianba", (string)post["visible_range"]!["sender_list"]!["user_list"]![0]!);
        Assert.Contains("我是示例银行城东支行的理财经理张三", (string)post["text"]!["content"]!, StringComparison.Ordinal);
        foreach (var t in touches)
        {
            await AssertOutcomeAsync(t, TouchStatus.Sent, null);
        }
    }

    [Fact]
    public async Task An_unconfirmed_task_is_reminded_at_most_three_times_a_day_and_its_confirmation_records_each_customers_result()
    {
        foreach (var c in new[] { "f1", "f2", "f3" })
        {
            await AddCustomerAsync(c, "zhoujiu");
            await Ledger.RecordAsync(_tenant.Name, TouchFor(c, "zhoujiu", "aida.attention.welfare", Channel.OneToOne), CancellationToken.None);
        }

        await DispatchAsync("zhoujiu");
        var dispatcher = _host.Services.GetRequiredService<TouchDispatcher>();
        var dispatch = await _host.Services.GetRequiredService<IDispatchStore>().ListAsync(_tenant.Name, "zhoujiu", TuesdayMorning.AddDays(-1), CancellationToken.None).SingleAsync();
        Assert.Equal(FollowUpResult.Waiting, await dispatcher.FollowUpAsync(_tenant.Name, "zhoujiu", dispatch.Id, CancellationToken.None));

        // Every half hour from two hours on: three reminders, then none until a day has passed since the first.
        var results = new List<FollowUpResult>();
        for (var minutes = 120; minutes <= 300; minutes += 30)
        {
            _clock.AdvanceTo(TuesdayMorning.AddMinutes(minutes));
            results.Add(await dispatcher.FollowUpAsync(_tenant.Name, "zhoujiu", dispatch.Id, CancellationToken.None));
        }

        Assert.Equal(3, results.Count(r => r == FollowUpResult.Reminded));
        Assert.Equal(3, _sandbox.Sandbox.Requests.Count(r => r.Api == "externalcontact/remind_groupmsg_send" && r.CorpId == _tenant.CorpId));

        // The manager confirms; WeCom could not deliver to f3 (receive limit).
        var confirm = await _http.PostAsync(new Uri(_sandbox.BaseAddress, $"sandbox/mass-messages/{dispatch.WeComId}/confirm"),
            new StringContent("""{"receive_limit":["wmCustf3"]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(confirm.IsSuccessStatusCode, await confirm.Content.ReadAsStringAsync());
        Assert.Equal(FollowUpResult.Confirmed, await dispatcher.FollowUpAsync(_tenant.Name, "zhoujiu", dispatch.Id, CancellationToken.None));
        await AssertOutcomeAsync(TouchFor("f1", "zhoujiu", "aida.attention.welfare", Channel.OneToOne), TouchStatus.Delivered, null);
        await AssertOutcomeAsync(TouchFor("f3", "zhoujiu", "aida.attention.welfare", Channel.OneToOne), TouchStatus.Undelivered, "ReceiveLimitReached");
        Assert.Equal(FollowUpResult.NothingToDo, await dispatcher.FollowUpAsync(_tenant.Name, "zhoujiu", dispatch.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_Moments_post_lost_in_a_crash_is_found_by_its_text_and_confirmed_when_the_manager_publishes_it()
    {
        var touches = new List<Touch>();
        for (var i = 0; i < 3; i++)
        {
            await AddCustomerAsync("p" + i, "wushi");
            touches.Add(TouchFor("p" + i, "wushi", "aida.attention.persona", Channel.Moments));
            await Ledger.RecordAsync(_tenant.Name, touches[^1], CancellationToken.None);
        }

        _crash.CrashOnNextCreatedUpdate = true;
        await Assert.ThrowsAsync<SimulatedCrashException>(() => DispatchAsync("wushi"));
        _clock.AdvanceTo(_clock.GetUtcNow().AddMinutes(1));
        Assert.Equal(3, (await DispatchAsync("wushi")).Reconciled);
        Assert.Single(_sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_moment_task" && r.CorpId == _tenant.CorpId);

        var dispatch = await _host.Services.GetRequiredService<IDispatchStore>().ListAsync(_tenant.Name, "wushi", TuesdayMorning.AddDays(-1), CancellationToken.None).SingleAsync();
        var dispatcher = _host.Services.GetRequiredService<TouchDispatcher>();
        Assert.Equal(FollowUpResult.Waiting, await dispatcher.FollowUpAsync(_tenant.Name, "wushi", dispatch.Id, CancellationToken.None));
        var momentId = dispatch.WeComId!["moment:".Length..];
        var publish = await _http.PostAsync(new Uri(_sandbox.BaseAddress, $"sandbox/moments/{momentId}/publish"),
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync());
        Assert.Equal(FollowUpResult.Confirmed, await dispatcher.FollowUpAsync(_tenant.Name, "wushi", dispatch.Id, CancellationToken.None));
        foreach (var t in touches)
        {
            await AssertOutcomeAsync(t, TouchStatus.Confirmed, null);
        }
    }

    [Fact]
    public async Task Personal_touches_past_the_managers_daily_allowance_wait_for_the_next_morning_with_the_reason_and_a_mass_send_step_never_names_the_customer()
    {
        // A template that greets each customer by name, approved through maker-checker: fine for a step marked personal.
        var id = "it.personal-note-" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
        var library = _host.Services.GetRequiredService<ContentLibrary>();
        var template = MessageTemplateReader.Read(System.Text.Encoding.UTF8.GetBytes($$"""
            { "id": "{{id}}", "version": 1, "kind": "followUp", "stage": "action", "channel": "oneToOne", "title": "t",
              "body": "{customer.name}您好，我是您的理财经理{employee.name}，有空聊聊您的工资理财安排吗？", "approval": { "status": "draft", "author": "zhang.min" } }
            """), id).Template;
        await library.PublishAsync(TemplateScope.Default, template, "zhang.min", CancellationToken.None);
        var at = new TemplateRef(TemplateScope.Default, id, 1);
        await library.SubmitAsync(at, "zhang.min", CancellationToken.None);
        await library.ApproveAsync(at, new ContentReviewer("li.hua", [ContentRoles.Compliance]), CancellationToken.None);

        // 23 customers with their own names, each with a personal touch: the allowance is 20 tasks a day.
        var surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜";
        var touches = new List<Touch>();
        for (var i = 0; i < 23; i++)
        {
            var c = $"p{i:D2}";
            await AddCustomerAsync(c, "qianliu", name: surnames[i] + (i % 2 == 0 ? "先生" : "女士"));
            touches.Add(TouchFor(c, "qianliu", id, Channel.OneToOne, step: "note") with { Personal = true });
        }

        foreach (var t in touches)
        {
            Assert.True(await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None));
        }

        // A step not marked personal with the same template would make a task per customer: refused, naming the placeholder.
        await AddCustomerAsync("m01", "qianliu", name: "欧阳女士");
        var mass = TouchFor("m01", "qianliu", id, Channel.OneToOne, step: "mass");
        Assert.True(await Ledger.RecordAsync(_tenant.Name, mass, CancellationToken.None));

        var report = await DispatchAsync("qianliu");

        Assert.Equal(20, report.Tasks);
        var sent = MassSends().Where(t => (string)t["sender"]! == "qianliu").ToList();
        Assert.Equal(20, sent.Count);
        Assert.All(sent, t => Assert.Single(t["external_userid"]!.AsArray()));
        Assert.Equal(20, sent.Select(t => (string)t["text"]!["content"]!).Distinct().Count()); // each names its own customer
        var entries = await Task.WhenAll(touches.Select(t => Ledger.ListAsync(_tenant.Name, t.Id.InstanceId, CancellationToken.None).SingleAsync().AsTask()));
        Assert.Equal(20, entries.Count(e => e.Status == TouchStatus.Sent));
        var waiting = entries.Where(e => e.Status == TouchStatus.Due).ToList();
        Assert.Equal(3, waiting.Count);
        Assert.All(waiting, e => Assert.Equal("PersonalTaskCap", e.Reason));
        await AssertOutcomeAsync(mass, TouchStatus.Refused, "PersonalTextInMassSend");
        var refusal = (await Ledger.ListAsync(_tenant.Name, mass.Id.InstanceId, CancellationToken.None).SingleAsync()).ReasonText!;
        Assert.Contains("{customer.name}", refusal, StringComparison.Ordinal);

        // The same day nothing more goes; the next morning the three do.
        Assert.Equal(0, (await DispatchAsync("qianliu")).Tasks);
        _clock.AdvanceTo(TuesdayMorning.AddDays(1));
        Assert.Equal(3, (await DispatchAsync("qianliu")).Tasks);
        Assert.Equal(23, MassSends().Count(t => (string)t["sender"]! == "qianliu"));
    }

    private ITouchLedger Ledger => _host.Services.GetRequiredService<ITouchLedger>();

    private IDeliveryLedger DeliveryLedger => _host.Services.GetRequiredService<IDeliveryLedger>();

    private Task<DispatchReport> DispatchAsync(string sender) =>
        _host.Services.GetRequiredService<TouchDispatcher>().DispatchAsync(_tenant.Name, sender, CancellationToken.None);

    private List<JsonNode> MassSends() =>
        [.. _sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == _tenant.CorpId && r.Errcode == 0).Select(r => JsonNode.Parse(r.Body!)!)];

    private async Task AssertOutcomeAsync(Touch touch, TouchStatus status, string? reason)
    {
        var entry = Assert.Single(await Ledger.ListAsync(_tenant.Name, touch.Id.InstanceId, CancellationToken.None).ToListAsync(),
            e => e.TouchId == touch.Id.ToString());
        Assert.Equal(status, entry.Status);
        if (reason is not null)
        {
            Assert.Equal(reason, entry.Reason);
        }
    }

    private async Task AddCustomerAsync(string id, string sender, string? name = "王先生", IReadOnlyList<string>? tags = null,
        RelationshipStatus status = RelationshipStatus.Active)
    {
        var at = TuesdayMorning.AddDays(-30);
        var customer = Customer.New(_tenant.Name, id, at) with
        {
            Name = name,
            ExternalUserIds = ["wmCust" + id],
            Tags = [.. (tags ?? []).Select(t => new CustomerTag(t, TagKind.Dynamic, "test", at))],
        };
        Assert.True(await _host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(customer, CancellationToken.None));
        Assert.True(await _host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
            new Relationship(_tenant.Name, sender, "wmCust" + id, id, at, null, null, null, status, at, null), null, CancellationToken.None));
    }

    private Touch TouchFor(string customerId, string sender, string content, Channel channel, string step = "t1", DateTimeOffset? slot = null, string? campaign = null)
    {
        var at = slot ?? _clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime;
        return new Touch(new TouchId(JourneyInstanceId.For(_tenant.Name, "aida-nurture", customerId, campaign), 1, step), 0, "attention", channel, "welfare",
            content, false, customerId, sender, local, at)
        {
            Campaign = campaign,
        };
    }


    private sealed class SimulatedCrashException() : Exception("simulated crash after the WeCom call");

    /// <summary>Kills the run right after WeCom created the task, before anything records it.</summary>
    private sealed class CrashSwitch
    {
        public bool CrashOnNextCreatedUpdate { get; set; }

        public IDispatchStore Wrap(IDispatchStore inner) => new Store(inner, this);

        private sealed class Store(IDispatchStore inner, CrashSwitch crash) : IDispatchStore
        {
            public Task CreateAsync(Dispatch dispatch, IReadOnlyList<DispatchMember> members, CancellationToken cancellationToken) =>
                inner.CreateAsync(dispatch, members, cancellationToken);

            public Task<Dispatch?> GetAsync(string tenant, string senderId, string dispatchId, CancellationToken cancellationToken) =>
                inner.GetAsync(tenant, senderId, dispatchId, cancellationToken);

            public Task UpdateAsync(Dispatch dispatch, CancellationToken cancellationToken)
            {
                if (dispatch.Status == DispatchStatus.Created && crash.CrashOnNextCreatedUpdate)
                {
                    crash.CrashOnNextCreatedUpdate = false;
                    throw new SimulatedCrashException();
                }

                return inner.UpdateAsync(dispatch, cancellationToken);
            }

            public IAsyncEnumerable<DispatchMember> MembersAsync(string tenant, string dispatchId, CancellationToken cancellationToken) =>
                inner.MembersAsync(tenant, dispatchId, cancellationToken);

            public IAsyncEnumerable<Dispatch> ListAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken) =>
                inner.ListAsync(tenant, senderId, since, cancellationToken);
        }
    }
}
