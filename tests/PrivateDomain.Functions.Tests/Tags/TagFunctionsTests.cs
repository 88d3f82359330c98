using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Tags;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Storage;
using PrivateDomain.Tags;

namespace PrivateDomain.Functions.Tests.Tags;

/// <summary>
/// Dynamic tags through the app's functions on Azurite and the WeCom sandbox: the <c>tag-sync</c> queue trigger marks a
/// customer's managed tags at WeCom and lets the queue retry when WeCom's rate limit outlasts the client's retries; the
/// nightly sweep timer applies the shipped rule (AUM ≥ 50,000 and a product page opened in the last 7 days → 高意向) both
/// ways and its syncs reach WeCom.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class TagFunctionsTests(AzuriteFixture azurite)
{
    private const string Manager = "chenxiao";
    private const string Tag = "高意向";
    private const string WeComTag = "私域标签/高意向";
    private static readonly DateTimeOffset Night = new(2026, 12, 3, 2, 30, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_tag_sync_message_marks_the_tag_at_WeCom_and_a_45009_beyond_the_clients_retries_is_retried_by_the_queue()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Night, [Manager], new Dictionary<string, string?>
        {
            // The client gives up after one quick retry, so the queue's redelivery has to carry the sync through.
            ["WeCom:Api:MaxThrottleRetries"] = "1",
            ["WeCom:Api:ThrottleBaseDelay"] = "00:00:00.050",
        });
        await SeedAsync(app, "c0001", aum: 80_000m, tagged: true);
        app.Sandbox.Sandbox.AddFault(new SandboxFault("externalcontact/mark_tag", 45009, 2));
        await app.Host.Get<ITagSyncQueue>().RequestAsync(app.Tenant, "c0001", CancellationToken.None);

        var runs = await RunTagSyncQueueAsync(app);

        Assert.Equal(2, runs.Count);
        Assert.IsType<TagSyncException>(runs[0]); // thrown to the host: it retries the message (no poison entry)
        Assert.Null(runs[1]);
        Assert.Equal([WeComTag], app.Sandbox.Sandbox.TagsOn(Manager, "wmc0001"));
        var marks = app.Sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/mark_tag").Select(r => r.Errcode);
        Assert.Equal([45009, 45009, 0], marks);
        Assert.Empty(await PoisonedAsync(app));

        // The same request again (a duplicate message) finds WeCom in line and marks nothing.
        await app.Host.Get<ITagSyncQueue>().RequestAsync(app.Tenant, "c0001", CancellationToken.None);
        Assert.Equal([null], await RunTagSyncQueueAsync(app));
        Assert.Equal(3, app.Sandbox.Sandbox.Requests.Count(r => r.Api == "externalcontact/mark_tag"));
    }

    [Fact]
    public async Task The_nightly_sweep_tags_a_rich_customer_with_a_recent_product_click_untags_one_whose_click_is_8_days_old_and_WeCom_follows()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Night, [Manager]);
        var now = app.Host.Get<TimeProvider>().GetUtcNow();
        await SeedAsync(app, "fresh", aum: 80_000m, tagged: false, clickedAt: now.AddDays(-1));
        await SeedAsync(app, "stale", aum: 80_000m, tagged: true, clickedAt: now.AddDays(-8));
        await SeedAsync(app, "poor", aum: 30_000m, tagged: false, clickedAt: now.AddDays(-1));
        // WeCom carries the stale customer's tag from an earlier sync.
        await app.Host.Get<ITagSyncQueue>().RequestAsync(app.Tenant, "stale", CancellationToken.None);
        Assert.Equal([null], await RunTagSyncQueueAsync(app));
        Assert.Equal([WeComTag], app.Sandbox.Sandbox.TagsOn(Manager, "wmstale"));

        await app.Host.Function<TagFunctions>().SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        var store = app.Host.Get<ICustomerStore>();
        async Task<CustomerTag?> TagOf(string id) => (await store.GetAsync(app.Tenant, id, CancellationToken.None))!.Value.Tags.SingleOrDefault(t => t.Name == Tag);
        Assert.Equal("rule:high-intent", (await TagOf("fresh"))?.Source);
        Assert.Null(await TagOf("stale"));
        Assert.Null(await TagOf("poor"));
        var inbox = app.Host.Get<ISignalInbox>();
        Assert.Contains(await inbox.ListAsync(app.Tenant, "fresh", CancellationToken.None).ToListAsync(), s => s.Kind == TagSignalKinds.TagAdded && s.Data["tag"] == Tag);
        Assert.Contains(await inbox.ListAsync(app.Tenant, "stale", CancellationToken.None).ToListAsync(), s => s.Kind == TagSignalKinds.TagRemoved && s.Data["tag"] == Tag);

        // The sweep queued the two changed customers' syncs; the queue trigger brings WeCom in line.
        Assert.Equal([null, null], await RunTagSyncQueueAsync(app));
        Assert.Equal([WeComTag], app.Sandbox.Sandbox.TagsOn(Manager, "wmfresh"));
        Assert.Empty(app.Sandbox.Sandbox.TagsOn(Manager, "wmstale"));
        Assert.Empty(app.Sandbox.Sandbox.TagsOn(Manager, "wmpoor"));
        await DropJourneySignalsAsync(app); // the tag signals would start journeys wherever they are routed next
    }

    [Fact]
    public async Task A_bank_whose_sweep_is_at_03_00_is_swept_at_03_00_and_not_at_the_default_02_30()
    {
        var clock = new ManualTimeProvider(Night);
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Night, [Manager], new Dictionary<string, string?> { ["Tags:SweepAt"] = "03:00" },
            s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await SeedAsync(app, "fresh", aum: 80_000m, tagged: false, clickedAt: Night.AddDays(-1));
        var function = app.Host.Function<TagFunctions>();
        async Task<bool> TaggedAsync() => (await app.Host.Get<ICustomerStore>().GetAsync(app.Tenant, "fresh", CancellationToken.None))!.Value.HasTag(Tag);
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        Assert.Equal("0 */15 * * * *", metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "DynamicTagSweep")
            .GetProperty("bindings")[0].GetProperty("schedule").GetString());

        await function.SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None); // 02:30
        Assert.False(await TaggedAsync());

        clock.Now = Night.AddMinutes(30); // 03:00
        await function.SweepAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.True(await TaggedAsync());
        Assert.Equal([null], await RunTagSyncQueueAsync(app));
        await DropJourneySignalsAsync(app);
    }

    /// <summary>A customer of <see cref="Manager"/> with an AUM, carrying the rule's tag or not, and a product-page click in
    /// the inbox (stored without evaluating the rules, as if the tag's window ran out since).</summary>
    private static async Task SeedAsync(SandboxedApp app, string id, decimal aum, bool tagged, DateTimeOffset? clickedAt = null)
    {
        var at = app.Host.Get<TimeProvider>().GetUtcNow().AddDays(-60);
        var customer = Customer.New(app.Tenant, id, at) with
        {
            Name = "客户" + id,
            ExternalUserIds = ["wm" + id],
            Attributes = new Dictionary<string, string> { ["aum"] = aum.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Tags = tagged ? [new CustomerTag(Tag, TagKind.Dynamic, "rule:high-intent", at)] : [],
        };
        Assert.True(await app.Host.Get<ICustomerStore>().TryInsertAsync(customer, CancellationToken.None));
        Assert.True(await app.Host.Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(app.Tenant, Manager, "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        if (clickedAt is { } click)
        {
            await app.Host.Get<TableSignalInbox>().RaiseAsync(new CustomerSignal(app.Tenant, id, "page:test:view:" + click.UtcTicks, SignalKinds.Clicked, click,
                new Dictionary<string, string> { ["page"] = "product", ["item"] = "steady-income-90", ["senderId"] = Manager }), CancellationToken.None);
        }
    }

    /// <summary>
    /// Runs the <c>TagSync</c> function on this tenant's messages of <c>tag-sync</c> as the queue trigger does: a message
    /// whose run throws is not completed and comes back (here at once) for another try, as the host's retry; a message
    /// that ran is deleted. Answers each run's exception (null when it ran), in order; stops after 10 runs.
    /// </summary>
    private static async Task<List<Exception?>> RunTagSyncQueueAsync(SandboxedApp app)
    {
        var queue = Queue(app, StorageTagSyncQueue.QueueName);
        var function = app.Host.Function<TagFunctions>();
        var runs = new List<Exception?>();
        while (runs.Count < 10 && (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is var messages
            && messages.Where(m => StorageTagSyncQueue.Parse(m.Body.ToString()).Tenant == app.Tenant).ToList() is { Count: > 0 } ours)
        {
            foreach (var other in messages.Except(ours))
            {
                await queue.UpdateMessageAsync(other.MessageId, other.PopReceipt, visibilityTimeout: TimeSpan.Zero); // not ours: back at once
            }

            foreach (var message in ours)
            {
                try
                {
                    await function.SyncAsync(message.Body.ToString(), null!, CancellationToken.None);
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                    runs.Add(null);
                }
                catch (TagSyncException e)
                {
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                    runs.Add(e);
                }
            }
        }

        return runs;
    }

    private static async Task<List<string>> PoisonedAsync(SandboxedApp app)
    {
        var poison = Queue(app, StorageTagSyncQueue.QueueName + "-poison");
        await poison.CreateIfNotExistsAsync();
        return [.. (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).Where(b => b.Contains(app.Tenant, StringComparison.Ordinal))];
    }

    private static async Task DropJourneySignalsAsync(SandboxedApp app)
    {
        var queue = Queue(app, QueuedSignalInbox.QueueName);
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } messages
            && messages.Where(m => m.Body.ToString().Contains(app.Tenant, StringComparison.Ordinal)).ToList() is { Count: > 0 } ours)
        {
            foreach (var m in ours)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            foreach (var other in messages.Except(ours))
            {
                await queue.UpdateMessageAsync(other.MessageId, other.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }
        }
    }

    private static QueueClient Queue(SandboxedApp app, string name) => app.Host.Get<StorageClients>().Queues.GetQueueClient(name);
}
