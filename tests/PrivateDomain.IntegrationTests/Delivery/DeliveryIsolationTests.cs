using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Delivery;

/// <summary>
/// Deliveries are isolated per customer: one customer of an account manager whose data cannot be read, or whom WeCom
/// refuses, is set aside with the reason in the ledger; the manager's other customers are delivered in the same run, and
/// the run itself succeeds (its nudge does not go to the poison queue).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeliveryIsolationTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("iso" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly JourneyClock _clock = JourneyClock.Manual(TuesdayMorning);
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            ["Delivery:AggregationDelay"] = "00:00:00",
        }, services =>
        {
            services.AddSingleton(_clock);
            services.AddSingleton<ISenderContexts>(new FixedSenderContexts());
        });
        await _host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task A_customer_whose_row_cannot_be_read_is_refused_with_the_reason_and_the_managers_other_customers_are_delivered()
    {
        var good = new[] { "good1", "good2", "good3" };
        foreach (var c in good.Append("corrupt"))
        {
            await AddCustomerAsync(c, "zhaoliu", "wmCust" + c);
        }

        // WeCom does not take this recipient (it leaves it out of the task: fail_list).
        await AddCustomerAsync("stranger", "zhaoliu", "not-an-external-id");

        // A hand-edited profile whose tags are no longer JSON: reading it throws.
        var customers = await Clients.TableAsync(TableCustomerStore.CustomersTable, CancellationToken.None);
        await customers.UpdateEntityAsync(new TableEntity(TableCustomerStore.ProfilePartition(_tenant.Name, "corrupt"), "corrupt") { ["Tags"] = "{broken" },
            ETag.All, TableUpdateMode.Merge);

        var touches = good.Append("corrupt").Append("stranger").ToDictionary(c => c, c => TouchFor(c, "zhaoliu"));
        foreach (var t in touches.Values)
        {
            Assert.True(await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None));
        }

        // And an outbox row whose touch is no longer JSON.
        var outbox = await Clients.TableAsync(TableDeliveryQueue.TableName, CancellationToken.None);
        await outbox.AddEntityAsync(new TableEntity($"{_tenant.Name}|zhaoliu", "garbled") { ["Touch"] = "{garbled", ["NotBefore"] = TuesdayMorning.AddMinutes(-1) });

        var report = await _host.Services.GetRequiredService<TouchDispatcher>().DispatchAsync(_tenant.Name, "zhaoliu", CancellationToken.None);

        var task = Assert.Single(_sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == _tenant.CorpId && r.Errcode == 0)
            .Select(r => JsonNode.Parse(r.Body!)!));
        Assert.Equal(["not-an-external-id", "wmCustgood1", "wmCustgood2", "wmCustgood3"],
            task["external_userid"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        foreach (var c in good)
        {
            Assert.Equal(TouchStatus.Sent, (await EntryAsync(touches[c])).Status);
        }

        var corrupt = await EntryAsync(touches["corrupt"]);
        Assert.Equal(TouchStatus.Refused, corrupt.Status);
        Assert.Equal(TouchDispatcher.UnreadableReason, corrupt.Reason);
        Assert.Contains("corrupt", corrupt.ReasonText, StringComparison.Ordinal);
        Assert.Contains("JsonException", corrupt.ReasonText, StringComparison.Ordinal);

        var stranger = await EntryAsync(touches["stranger"]);
        Assert.Equal(TouchStatus.Failed, stranger.Status);
        Assert.Equal("fail_list", stranger.Reason);
        Assert.Equal(1, report.Outcomes[TouchDispatcher.UnreadableReason]);

        // The refused touch has left the outbox; the next run sends nothing again and does not throw.
        Assert.Equal(0, (await _host.Services.GetRequiredService<TouchDispatcher>().DispatchAsync(_tenant.Name, "zhaoliu", CancellationToken.None)).Tasks);
        Assert.False((await outbox.GetEntityIfExistsAsync<TableEntity>($"{_tenant.Name}|zhaoliu", TableKeys.Escape(touches["corrupt"].Id.ToString()))).HasValue);
    }

    [Fact]
    public async Task A_nudge_for_a_manager_with_an_unreadable_customer_completes_instead_of_going_to_the_poison_queue()
    {
        await AddCustomerAsync("fine", "sunqi", "wmCustfine");
        await AddCustomerAsync("broken", "sunqi", "wmCustbroken");
        var customers = await Clients.TableAsync(TableCustomerStore.CustomersTable, CancellationToken.None);
        await customers.UpdateEntityAsync(new TableEntity(TableCustomerStore.ProfilePartition(_tenant.Name, "broken"), "broken") { ["ExternalUserIds"] = "[1," },
            ETag.All, TableUpdateMode.Merge);
        var fine = TouchFor("fine", "sunqi");
        var broken = TouchFor("broken", "sunqi");
        await Ledger.RecordAsync(_tenant.Name, fine, CancellationToken.None);
        await Ledger.RecordAsync(_tenant.Name, broken, CancellationToken.None);

        // The queue handler both hosts run for a nudge: it returns (the message is completed) rather than throwing.
        var nudges = _host.Services.GetRequiredService<StorageDeliveryNudges>();
        var dispatcher = _host.Services.GetRequiredService<TouchDispatcher>();
        await nudges.HandleAsync($$"""{"tenant":"{{_tenant.Name}}","senderId":"sunqi","at":"{{TuesdayMorning.ToString("O", System.Globalization.CultureInfo.InvariantCulture)}}"}""",
            (n, ct) => dispatcher.DispatchAsync(n.Tenant, n.SenderId, ct), CancellationToken.None);

        Assert.Equal(TouchStatus.Sent, (await EntryAsync(fine)).Status);
        Assert.Equal(TouchDispatcher.UnreadableReason, (await EntryAsync(broken)).Reason);
    }

    [Fact]
    public async Task A_recipient_WeCom_refuses_a_whole_task_for_fails_alone_and_the_managers_other_customers_are_sent()
    {
        var good = new[] { "g1", "g2", "g3", "g4", "g5" };
        foreach (var c in good.Append("refused"))
        {
            await AddCustomerAsync(c, "zhouba", "wmCust" + c);
        }

        // WeCom answers 40096 (invalid external_userid) to any task that names this one.
        _sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/add_msg_template", 40096, 100, WhenBodyContains: "wmCustrefused"));
        var touches = good.Append("refused").ToDictionary(c => c, c => TouchFor(c, "zhouba"));
        foreach (var t in touches.Values)
        {
            await Ledger.RecordAsync(_tenant.Name, t, CancellationToken.None);
        }

        await _host.Services.GetRequiredService<TouchDispatcher>().DispatchAsync(_tenant.Name, "zhouba", CancellationToken.None);

        foreach (var c in good)
        {
            Assert.Equal(TouchStatus.Sent, (await EntryAsync(touches[c])).Status);
        }

        var refused = await EntryAsync(touches["refused"]);
        Assert.Equal(TouchStatus.Failed, refused.Status);
        Assert.Equal("40096", refused.Reason);
        var sent = _sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == _tenant.CorpId && r.Errcode == 0)
            .SelectMany(r => JsonNode.Parse(r.Body!)!["external_userid"]!.AsArray().Select(n => (string)n!)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(good.Select(c => "wmCust" + c), sent); // each good customer in exactly one task
    }

    private StorageClients Clients => _host.Services.GetRequiredService<StorageClients>();

    private ITouchLedger Ledger => _host.Services.GetRequiredService<ITouchLedger>();

    private async Task<LedgerEntry> EntryAsync(Touch touch) =>
        Assert.Single(await Ledger.ListAsync(_tenant.Name, touch.Id.InstanceId, CancellationToken.None).ToListAsync(), e => e.TouchId == touch.Id.ToString());

    private async Task AddCustomerAsync(string id, string sender, string externalUserId)
    {
        var at = TuesdayMorning.AddDays(-30);
        var customer = Customer.New(_tenant.Name, id, at) with { Name = "王先生", ExternalUserIds = [externalUserId] };
        Assert.True(await _host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(customer, CancellationToken.None));
        Assert.True(await _host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
            new Relationship(_tenant.Name, sender, externalUserId, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
    }

    private Touch TouchFor(string customerId, string sender)
    {
        var at = _clock.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime;
        return new Touch(new TouchId(JourneyInstanceId.For(_tenant.Name, "aida-nurture", customerId), 1, "t1"), 0, "attention", Channel.OneToOne, "welfare",
            "aida.attention.welfare", false, customerId, sender, local, at);
    }
}
