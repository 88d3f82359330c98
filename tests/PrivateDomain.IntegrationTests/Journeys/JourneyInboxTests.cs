using System.Security.Cryptography;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>
/// Signals are never lost: they are stored in the inbox table first, and a journey reads what concerns it and it has not
/// applied — the semantics the Durable orchestrations rely on (they read through an activity at each round and after
/// each nudge), on Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JourneyInboxTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8));

    private readonly string _tenant = "inbox" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
    private readonly StorageClients _clients = new(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }));
    private readonly JourneyEngine _engine = new(TouchPolicy.Default);

    private JourneyState Start(string customerId)
    {
        var definition = JourneyCatalog.Load(RepoRoot.Combine("content-templates", "journeys")).Get("aida-nurture");
        return _engine.Start(definition, JourneyInstanceId.For(_tenant, "aida-nurture", customerId), customerId, "lisi", MondayMorning);
    }

    private CustomerSignal Signal(string customerId, string id, string kind, DateTimeOffset at, string? instanceId = null) =>
        new(_tenant, customerId, id, kind, at, instanceId is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [JourneyInbox.InstanceIdKey] = instanceId });

    [Fact]
    public async Task A_signal_stored_before_the_journey_first_reads_its_inbox_is_applied_and_a_second_read_applies_nothing()
    {
        var inbox = new TableSignalInbox(_clients);
        var state = Start("cEarly");
        // Raised after the journey was requested but before its orchestration ran: a nudge would have been dropped.
        await inbox.RaiseAsync(Signal("cEarly", "del:1", SignalKinds.DeletedUs, MondayMorning.AddMinutes(1)), CancellationToken.None);

        var pending = await JourneyInbox.PendingAsync(inbox, _tenant, state, [], CancellationToken.None);
        var (after, applied) = JourneyInbox.Apply(state, [], pending);

        Assert.Equal(["del:1"], pending.Select(s => s.Id));
        Assert.Equal(JourneyEnd.ManagerDeleted, after.Exit);
        Assert.Empty(await JourneyInbox.PendingAsync(inbox, _tenant, after, applied, CancellationToken.None));
    }

    [Fact]
    public async Task Reading_the_inbox_again_does_not_count_a_reaction_twice()
    {
        var inbox = new TableSignalInbox(_clients);
        var state = Start("cClick");
        var click = Signal("cClick", "click:1", SignalKinds.Clicked, MondayMorning.AddDays(1).AddHours(5));
        await inbox.RaiseAsync(click, CancellationToken.None);
        await inbox.RaiseAsync(click, CancellationToken.None); // raised twice (a retried callback): stored once

        var first = await JourneyInbox.PendingAsync(inbox, _tenant, state, [], CancellationToken.None);
        var (once, applied) = JourneyInbox.Apply(state, [], first);
        // A replayed read (the orchestrator got the same activity result again) and a later read both change nothing.
        var (replayed, _) = JourneyInbox.Apply(once, applied, first);
        var later = await JourneyInbox.PendingAsync(inbox, _tenant, once, applied, CancellationToken.None);

        Assert.Single(first);
        Assert.Equal(1, once.Reactions);
        Assert.Equal(1, replayed.Reactions);
        Assert.Empty(later);
    }

    [Fact]
    public async Task Signals_from_before_the_journey_for_another_instance_or_of_kinds_journeys_ignore_are_not_pending()
    {
        var inbox = new TableSignalInbox(_clients);
        var state = Start("cOld");
        await inbox.RaiseAsync(Signal("cOld", "old", SignalKinds.DeletedUs, MondayMorning.AddDays(-30)), CancellationToken.None);
        await inbox.RaiseAsync(Signal("cOld", "other", "intent", MondayMorning.AddHours(1), instanceId: "someone-else"), CancellationToken.None);
        await inbox.RaiseAsync(Signal("cOld", "refresh", SignalKinds.ProfileRefreshDue, MondayMorning.AddHours(2)), CancellationToken.None);
        await inbox.RaiseAsync(Signal("cOld", "mine", "intent", MondayMorning.AddHours(3), instanceId: state.InstanceId), CancellationToken.None);

        var pending = await JourneyInbox.PendingAsync(inbox, _tenant, state, [], CancellationToken.None);

        Assert.Equal(["mine"], pending.Select(s => s.Id));
    }

    [Fact]
    public async Task The_functions_inbox_stores_every_signal_and_queues_a_nudge_only_for_those_journeys_use()
    {
        var table = new TableSignalInbox(_clients);
        var inbox = new QueuedSignalInbox(table, _clients);
        var queue = new QueueServiceClient(fixture.Azurite.ConnectionString(), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
            .GetQueueClient(QueuedSignalInbox.QueueName);
        await queue.CreateIfNotExistsAsync();
        var customer = "cQueued" + RandomNumberGenerator.GetHexString(4);
        var optOut = Signal(customer, "unsubscribe:" + customer, SignalKinds.OptedOut, MondayMorning);

        await inbox.RaiseAsync(Signal(customer, "refresh:1", SignalKinds.ProfileRefreshDue, MondayMorning), CancellationToken.None);
        await inbox.RaiseAsync(optOut, CancellationToken.None);

        Assert.Equal(["refresh:1", optOut.Id], (await table.ListAsync(_tenant, customer, CancellationToken.None).ToListAsync()).Select(s => s.Id).Order());
        var queued = new List<CustomerSignal>();
        foreach (var m in (await queue.ReceiveMessagesAsync(32)).Value)
        {
            var s = QueuedSignalInbox.Deserialize(m.MessageText);
            if (s.CustomerId == customer)
            {
                queued.Add(s);
            }
        }

        var nudge = Assert.Single(queued);
        Assert.Equal((optOut.Tenant, optOut.Id, optOut.Kind, optOut.At), (nudge.Tenant, nudge.Id, nudge.Kind, nudge.At));
    }
}
