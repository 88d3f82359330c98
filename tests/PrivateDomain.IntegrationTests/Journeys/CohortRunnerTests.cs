using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>
/// Cohort mode on Azurite, without Durable: the batch work the cohort orchestration's activities do (Core's
/// <see cref="CohortRunner"/> over Table Storage), driven by a manual clock from wake-up to wake-up the way the
/// orchestration's timers would, and compared with the per-customer local runner on the same customers and signals.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CohortRunnerTests(AzuriteFixture fixture)
{
    /// <summary>Monday 2026-11-30 08:00 in Shanghai: day 1 of the journey is Tuesday.</summary>
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8));

    private const string Journey = "aida-nurture";
    private const string Manager = "wangwu";

    private readonly string _run = RandomNumberGenerator.GetHexString(6).ToLowerInvariant();

    [Fact]
    public async Task A_cohort_goes_through_both_rounds_and_records_exactly_the_touches_the_per_customer_runner_records()
    {
        var env = new Env(fixture);
        var customers = Enumerable.Range(0, 200).Select(i => "c" + i.ToString("D3", CultureInfo.InvariantCulture)).ToList();
        var signals = SignalPlan(customers);
        var local = "loc" + _run;
        var cohortTenant = "coh" + _run;

        await RunLocallyAsync(env, local, customers, signals);
        var cohort = new CohortKey(cohortTenant, Journey, new DateOnly(2026, 11, 30), Manager);
        var wakes = await RunCohortAsync(env, cohort, customers, signals, batchSize: 50);

        var members = await env.States.ReadAsync(cohort, 0, customers.Count, CancellationToken.None);
        Assert.Equal(customers.Count, members.Count);
        Assert.All(members, m => Assert.Equal(JourneyStatus.Completed, m.Member.Status));
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var m in members)
        {
            var customerId = m.Member.State.CustomerId;
            var expected = await LedgerAsync(env, local, customerId);
            var actual = await LedgerAsync(env, cohortTenant, customerId);
            Assert.Equal(expected, actual);
            var record = (await env.Journeys.GetAsync(local, JourneyInstanceId.For(local, Journey, customerId), CancellationToken.None))!.Value.Record;
            Assert.Equal(record.EndReason, m.Member.EndReason);
            totals[customerId] = actual.Count;
        }

        // Not a vacuous comparison: both rounds ran, and the signals changed what customers got.
        Assert.True(wakes >= 28, $"only {wakes} wake-ups");
        var silent = totals[customers[0]];
        Assert.Equal(28, silent);
        Assert.Contains(members, m => m.Member.EndReason == JourneyEnd.ManagerDeleted);
        Assert.Contains(members, m => m.Member.EndReason == JourneyEnd.Converted);
        Assert.Contains(members, m => m.Member.EndReason == JourneyEnd.OptedOut);
        Assert.True(totals[customers[1]] < silent, "a click in the attention stage skips the interest stage");
        var threeW = env.Catalog.Get(Journey).Steps.Where(s => s.IntentContent is not null).Select(s => s.IntentContent!).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(await LedgerEntriesAsync(env, cohortTenant, customers[2]), e => threeW.Contains(e.Content));
        Assert.DoesNotContain(await LedgerEntriesAsync(env, cohortTenant, customers[0]), e => threeW.Contains(e.Content));
    }

    [Fact]
    public async Task Running_a_batch_again_records_nothing_twice_even_when_the_first_run_died_between_the_ledger_and_the_save()
    {
        var env = new Env(fixture);
        var cohort = new CohortKey("rep" + _run, Journey, new DateOnly(2026, 11, 30), Manager);
        var customers = Enumerable.Range(0, 30).Select(i => "r" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(30, await env.Runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None));
        Assert.Equal(30, await env.Runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None)); // enrolling again adds nothing
        var first = await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, MondayMorning), CancellationToken.None);
        Assert.Equal(0, first.TouchesRecorded);
        var wake = first.NextWakeAt!.Value;

        var crashing = new CrashingLedger(env.Ledger, crashOnRecord: 10);
        var dying = new CohortRunner(env.Catalog, env.Engine, env.States, crashing, env.Inbox, env.Journal, env.Clock, NullLogger<CohortRunner>.Instance);
        await Assert.ThrowsAsync<IOException>(() => dying.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None));

        var retried = await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None);
        var replayed = await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None);

        var ledger = new List<LedgerEntry>();
        foreach (var c in customers)
        {
            ledger.AddRange(await LedgerEntriesAsync(env, cohort.Tenant, c));
        }

        Assert.Equal(30, ledger.Count); // one touch per customer is due at the first wake-up (09:30 Moments)
        Assert.Equal(ledger.Count, ledger.Select(e => e.TouchId).Distinct(StringComparer.Ordinal).Count());
        // The dead run's rows stay (a write cancelled in flight may land too); the retry records only the rest.
        Assert.True(crashing.Recorded >= 10);
        Assert.True(retried.TouchesRecorded <= ledger.Count - crashing.Recorded, $"{retried.TouchesRecorded} recorded again");
        Assert.Equal(30, retried.Decided);
        Assert.Equal(0, replayed.TouchesRecorded);
        Assert.Equal(0, replayed.Decided);
        Assert.Equal(retried.NextWakeAt, replayed.NextWakeAt);
    }

    [Theory]
    [InlineData(false)] // the run died before its outbox transaction
    [InlineData(true)] // the outbox transaction landed and its answer was lost
    public async Task A_batch_that_died_between_its_ledger_rows_and_its_outbox_rows_queues_every_touch_once_when_run_again(bool outboxLanded)
    {
        var env = new Env(fixture);
        var cohort = new CohortKey("obx" + (outboxLanded ? "l" : "d") + _run, Journey, new DateOnly(2026, 11, 30), Manager);
        var customers = Enumerable.Range(0, 30).Select(i => "q" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await env.Runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None);
        var wake = (await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, MondayMorning), CancellationToken.None)).NextWakeAt!.Value;
        var queue = new PrivateDomain.Delivery.Storage.TableDeliveryQueue(env.Clients);
        var dyingLedger = new TableTouchLedger(env.Clients, new OutboxDyingOnBatch(queue, outboxLanded), new NoNudges(), new PrivateDomain.Delivery.Sending.DispatchOptions());
        var dying = new CohortRunner(env.Catalog, env.Engine, env.States, dyingLedger, env.Inbox, env.Journal, env.Clock, NullLogger<CohortRunner>.Instance);

        await Assert.ThrowsAsync<IOException>(() => dying.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None));
        var retried = await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None);
        var replayed = await env.Runner.RunBatchAsync(new CohortBatch(cohort, 0, 30, wake), CancellationToken.None);

        var outbox = await queue.DueAsync(cohort.Tenant, Manager, wake.AddDays(1), 1_000, CancellationToken.None);
        Assert.Equal(0, retried.TouchesRecorded); // the dead run had recorded them all
        Assert.Equal(30, retried.Decided); // but had not saved the states: decided again
        Assert.Equal(0, replayed.Decided);
        Assert.Equal(30, outbox.Count); // every touch in the manager's outbox, once
        Assert.Equal(customers.Order(StringComparer.Ordinal), outbox.Select(t => t.CustomerId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_batch_reads_one_journal_query_and_only_the_inboxes_it_names_including_a_signal_raised_before_enrolment_and_one_journalled_late()
    {
        var env = new Env(fixture);
        var cohort = new CohortKey("jnl" + _run, Journey, new DateOnly(2026, 11, 30), Manager);
        var customers = Enumerable.Range(0, 20).Select(i => "f" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await RelateAsync(env, cohort.Tenant, Manager, customers, MondayMorning.AddDays(-7));
        var clock = JourneyClock.Manual(MondayMorning);
        var raiser = new TableSignalInbox(env.Clients, clock);
        // The campaign's orchestration started the journeys at 08:00, but its enrolment ran a minute later: f5 deleted the
        // manager in between. No reference or flag could have told anyone then; the manager's journal does.
        clock.AdvanceTo(MondayMorning.AddMinutes(1));
        await raiser.RaiseAsync(Signal(cohort, "f5", "sig-f5-deleted", SignalKinds.DeletedUs, clock.GetUtcNow()), CancellationToken.None);
        await env.Runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None);
        var inbox = new CountingInbox(env.Inbox);
        var journal = new CountingJournal(env.Journal);
        var runner = new CohortRunner(env.Catalog, env.Engine, env.States, env.Ledger, inbox, journal, clock, NullLogger<CohortRunner>.Instance);

        var first = await runner.RunBatchAsync(new CohortBatch(cohort, 0, 20, MondayMorning), CancellationToken.None);
        var (readsAtFirst, journalAtFirst) = (inbox.Reads, journal.Queries);
        // f3 deletes the manager before the first touch is due.
        var wake = first.NextWakeAt!.Value;
        clock.AdvanceTo(MondayMorning.AddMinutes(10));
        await raiser.RaiseAsync(Signal(cohort, "f3", "sig-f3-deleted", SignalKinds.DeletedUs, clock.GetUtcNow()), CancellationToken.None);
        (inbox.Reads, journal.Queries) = (0, 0);
        clock.AdvanceTo(wake);
        var second = await runner.RunBatchAsync(new CohortBatch(cohort, 0, 20, wake), CancellationToken.None);
        var (readsAtSecond, journalAtSecond) = (inbox.Reads, journal.Queries);
        // f7 opts out in a raise that read its clock a minute before the second batch read the journal, but journalled
        // only after it: the next batch must still find it.
        var slowRaiser = new TableSignalInbox(env.Clients, JourneyClock.Manual(wake.AddMinutes(-1)));
        await slowRaiser.RaiseAsync(Signal(cohort, "f7", "sig-f7-out", SignalKinds.OptedOut, wake.AddMinutes(-1)), CancellationToken.None);
        (inbox.Reads, journal.Queries) = (0, 0);
        clock.AdvanceTo(second.NextWakeAt!.Value);
        var third = await runner.RunBatchAsync(new CohortBatch(cohort, 0, 20, second.NextWakeAt!.Value), CancellationToken.None);
        var readsAtThird = inbox.Reads;

        var rows = (await env.States.ReadAsync(cohort, 0, 20, CancellationToken.None)).ToDictionary(r => r.Member.State.CustomerId, r => r.Member);
        Assert.Equal((1, 1), (readsAtFirst, journalAtFirst)); // one journal query; only f5's inbox
        Assert.Equal((JourneyStatus.Completed, JourneyEnd.ManagerDeleted), (rows["f5"].Status, rows["f5"].EndReason));
        Assert.Empty(await LedgerEntriesAsync(env, cohort.Tenant, "f5"));
        Assert.Equal((1, 1), (readsAtSecond, journalAtSecond)); // only f3's
        Assert.Equal((JourneyStatus.Completed, 0), (rows["f3"].Status, (await LedgerEntriesAsync(env, cohort.Tenant, "f3")).Count));
        Assert.Equal(18, second.TouchesRecorded); // the others got their touch
        Assert.Equal(1, readsAtThird); // f7, found by looking back past the mark
        Assert.Equal((JourneyStatus.Completed, JourneyEnd.OptedOut), (rows["f7"].Status, rows["f7"].EndReason));
        Assert.Equal(17, third.TouchesRecorded);
        Assert.All(rows.Values.Where(m => m.Status == JourneyStatus.Running), m => Assert.Equal(second.NextWakeAt, m.InboxCheckedAt)); // marked at the read
    }

    [Fact]
    public async Task Erasure_finds_a_cohort_member_through_the_reference_under_its_manager_and_removes_its_journal_rows()
    {
        var env = new Env(fixture);
        var cohort = new CohortKey("era" + _run, Journey, new DateOnly(2026, 11, 30), Manager);
        var customers = Enumerable.Range(0, 5).Select(i => "e" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        await RelateAsync(env, cohort.Tenant, Manager, customers, MondayMorning.AddDays(-7));
        await env.Runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None);
        var raiser = new TableSignalInbox(env.Clients, JourneyClock.Manual(MondayMorning.AddHours(1)));
        await raiser.RaiseAsync(Signal(cohort, "e2", "sig-e2-click", SignalKinds.Clicked, MondayMorning.AddHours(1)), CancellationToken.None);
        Assert.NotNull(await env.States.FindAsync(cohort.Tenant, "e2", cohort.MemberInstanceId("e2"), CancellationToken.None));

        var store = new TableCustomerErasureStore(env.Clients);
        var (members, _) = await store.DeleteCohortMembershipsAsync(cohort.Tenant, "e2", [], null, CancellationToken.None);

        Assert.Equal(1, members);
        Assert.Null(await env.States.FindAsync(cohort.Tenant, "e2", cohort.MemberInstanceId("e2"), CancellationToken.None));
        Assert.Equal(4, (await env.States.ReadAsync(cohort, 0, 5, CancellationToken.None)).Count);
        Assert.Empty(await env.Journal.RaisedSinceAsync(cohort.Tenant, Manager, MondayMorning.AddDays(-1), CancellationToken.None));
        Assert.NotNull(await env.States.FindAsync(cohort.Tenant, "e3", cohort.MemberInstanceId("e3"), CancellationToken.None));
    }

    private static CustomerSignal Signal(CohortKey cohort, string customerId, string id, string kind, DateTimeOffset at) =>
        new(cohort.Tenant, customerId, id, kind, at, new Dictionary<string, string>());

    /// <summary>Who reacts how, and when (Shanghai time): the same plan for both drivers.</summary>
    private static List<CustomerSignal> SignalPlan(List<string> customers)
    {
        var plan = new List<CustomerSignal>();
        for (var i = 0; i < customers.Count; i++)
        {
            (string Kind, DateTimeOffset At)? s = (i % 6) switch
            {
                0 when i % 12 == 6 => ("deleted-us", MondayMorning.AddDays(-2)), // before the journey: ignored
                1 => ("clicked", Local(1, 14)),
                2 => ("intent", Local(7, 15)),
                3 => ("deleted-us", Local(4, 18)),
                4 => ("converted", Local(15, 21)),
                5 => ("opted-out", Local(20, 9)),
                _ => null,
            };
            if (s is { } signal)
            {
                plan.Add(new CustomerSignal("", customers[i], $"sig-{i}-{signal.Kind}", signal.Kind, signal.At, new Dictionary<string, string>()));
            }
        }

        return [.. plan.OrderBy(s => s.At)];

        // Day 1 of the journey is 2026-12-01.
        static DateTimeOffset Local(int day, int hour) => new DateTimeOffset(2026, 11, 30, hour, 0, 0, TimeSpan.FromHours(8)).AddDays(day);
    }

    /// <summary>The per-customer local runner, woken at each scheduled wake-up; signals applied when raised, as the local router does.</summary>
    private static async Task RunLocallyAsync(Env env, string tenant, IReadOnlyList<string> customers, IReadOnlyList<CustomerSignal> plan)
    {
        var clock = new ManualTimeProvider(MondayMorning);
        var wakeups = new RecordedWakeups();
        var runner = new JourneyRunner(env.Catalog, env.Engine, env.Journeys, env.Ledger, wakeups, new TableJourneyStarts(env.Clients), clock, NullLogger<JourneyRunner>.Instance);
        var signals = new Queue<CustomerSignal>(plan.Select(s => s with { Tenant = tenant }));
        await RaiseDueAsync(MondayMorning);
        await Parallel.ForEachAsync(customers, Parallel8, async (c, ct) => await runner.StartAsync(tenant, Journey, c, Manager, null, ct));
        while (wakeups.Earliest() is { } wake || signals.Count > 0)
        {
            var next = wakeups.Earliest() is { } w && (signals.Count == 0 || w <= signals.Peek().At) ? w : signals.Peek().At;
            clock.Now = next;
            await RaiseDueAsync(next);
            await Parallel.ForEachAsync(wakeups.TakeDue(next), Parallel8, async (due, ct) =>
                await runner.StepAsync(tenant, due.InstanceId, ct, due.WakeAt));
        }

        async Task RaiseDueAsync(DateTimeOffset now)
        {
            while (signals.Count > 0 && signals.Peek().At <= now)
            {
                var s = signals.Dequeue();
                await env.Inbox.RaiseAsync(s, CancellationToken.None);
                await runner.SignalAsync(tenant, JourneyInstanceId.For(tenant, Journey, s.CustomerId), JourneyInbox.ToEvent(s.Kind, s.At, null)!, CancellationToken.None);
            }
        }
    }

    /// <summary>What the cohort orchestration does: every batch at the orchestration's time, then a timer to the earliest
    /// wake-up. Signals only go to the inbox (cohort orchestrations are never nudged).</summary>
    private static async Task<int> RunCohortAsync(Env env, CohortKey cohort, IReadOnlyList<string> customers, IReadOnlyList<CustomerSignal> plan, int batchSize)
    {
        var signals = new Queue<CustomerSignal>(plan.Select(s => s with { Tenant = cohort.Tenant }));
        // Signals are raised at their own moment of the journey clock (which the journal records), as a live raise is.
        var clock = JourneyClock.Manual(MondayMorning.AddDays(-7));
        var raiser = new TableSignalInbox(env.Clients, clock);
        var runner = new CohortRunner(env.Catalog, env.Engine, env.States, env.Ledger, env.Inbox, env.Journal, clock, NullLogger<CohortRunner>.Instance);
        await RelateAsync(env, cohort.Tenant, cohort.SenderId, customers, MondayMorning.AddDays(-7));
        await RaiseUntilAsync(MondayMorning);
        var size = await runner.EnrolAsync(cohort, customers, MondayMorning, CancellationToken.None);
        DateTimeOffset? now = MondayMorning;
        var wakes = 0;
        while (now is { } at)
        {
            await RaiseUntilAsync(at);
            clock.AdvanceTo(at);
            var results = await Task.WhenAll(CohortPlan.Batches(size, batchSize)
                .Select(b => runner.RunBatchAsync(new CohortBatch(cohort, b.From, b.Count, at), CancellationToken.None)));
            now = results.Where(r => r.NextWakeAt is not null).Select(r => r.NextWakeAt).Min();
            wakes++;
            Assert.True(wakes < 200, "the cohort does not settle");
        }

        return wakes;

        async Task RaiseUntilAsync(DateTimeOffset at)
        {
            while (signals.Count > 0 && signals.Peek().At <= at)
            {
                var signal = signals.Dequeue();
                clock.AdvanceTo(signal.At);
                await raiser.RaiseAsync(signal, CancellationToken.None);
            }
        }
    }

    private static readonly ParallelOptions Parallel8 = new() { MaxDegreeOfParallelism = 8 };

    /// <summary>Each customer's relationship with the cohort's manager, as enrolment requires of every member.</summary>
    private static async Task RelateAsync(Env env, string tenant, string manager, IEnumerable<string> customers, DateTimeOffset at) =>
        await Parallel.ForEachAsync(customers, Parallel8, async (c, ct) => Assert.True(await env.Relationships.TryWriteAsync(
            new Relationship(tenant, manager, "wm" + c, c, at, null, null, null, RelationshipStatus.Active, at, null), null, ct)));

    private static async Task<List<LedgerEntry>> LedgerEntriesAsync(Env env, string tenant, string customerId) =>
        await env.Ledger.ListAsync(tenant, JourneyInstanceId.For(tenant, Journey, customerId), CancellationToken.None).ToListAsync();

    /// <summary>A customer's ledger without the tenant: touch id (instance id less the tenant), channel, content, slot.</summary>
    private static async Task<List<string>> LedgerAsync(Env env, string tenant, string customerId) =>
        [.. (await LedgerEntriesAsync(env, tenant, customerId))
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.TouchId[(tenant.Length + 1)..]} {e.Channel} {e.Content} {e.SlotAt:O} {e.SenderId}"))
            .Order(StringComparer.Ordinal)];

    private sealed class Env
    {
        public Env(AzuriteFixture fixture)
        {
            var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }));
            Catalog = JourneyCatalog.Load(RepoRoot.Combine("content-templates", "journeys"));
            Engine = new JourneyEngine(TouchPolicy.Default);
            Inbox = new TableSignalInbox(clients);
            Ledger = new TableTouchLedger(clients, new PrivateDomain.Delivery.Storage.TableDeliveryQueue(clients), new NoNudges(), new PrivateDomain.Delivery.Sending.DispatchOptions());
            States = new TableCohortStates(clients);
            Journeys = new TableJourneyStore(clients);
            Clients = clients;
            Journal = new TableSignalJournal(clients);
            Relationships = new TableRelationshipStore(clients);
            Clock = JourneyClock.Manual(MondayMorning); // the batches' marks; no test here moves it past a signal
            Runner = new CohortRunner(Catalog, Engine, States, Ledger, Inbox, Journal, Clock, NullLogger<CohortRunner>.Instance);
        }

        public JourneyCatalog Catalog { get; }
        public JourneyEngine Engine { get; }
        public TableSignalInbox Inbox { get; }
        public TableSignalJournal Journal { get; }
        public JourneyClock Clock { get; }
        public TableRelationshipStore Relationships { get; }
        public TableTouchLedger Ledger { get; }
        public TableCohortStates States { get; }
        public TableJourneyStore Journeys { get; }
        public StorageClients Clients { get; }
        public CohortRunner Runner { get; }
    }

    /// <summary>Delivery is not under test here: touches wait in their outboxes.</summary>
    private sealed class NoNudges : PrivateDomain.Delivery.Sending.IDeliveryNudges
    {
        public Task NudgeAsync(string tenant, string senderId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task FollowUpAsync(string tenant, string senderId, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Wake-ups as the local runner asks for them; the test delivers them by moving the clock.</summary>
    private sealed class RecordedWakeups : IJourneyWakeups
    {
        private readonly ConcurrentDictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);

        public Task ScheduleAsync(string tenant, string instanceId, DateTimeOffset wakeAt, CancellationToken cancellationToken)
        {
            _next[instanceId] = wakeAt;
            return Task.CompletedTask;
        }

        public DateTimeOffset? Earliest() => _next.IsEmpty ? null : _next.Values.Min();

        public List<(string InstanceId, DateTimeOffset WakeAt)> TakeDue(DateTimeOffset now)
        {
            var due = _next.Where(p => p.Value <= now).Select(p => (p.Key, p.Value)).ToList();
            foreach (var (id, at) in due)
            {
                _next.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, at));
            }

            return due;
        }
    }

    /// <summary>Counts inbox reads.</summary>
    private sealed class CountingInbox(ISignalInbox inner) : ISignalInbox
    {
        private int _reads;

        public int Reads { get => Volatile.Read(ref _reads); set => Volatile.Write(ref _reads, value); }

        public Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken) => inner.RaiseAsync(signal, cancellationToken);

        public IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.ListAsync(tenant, customerId, cancellationToken);
        }
    }

    /// <summary>Counts journal queries.</summary>
    private sealed class CountingJournal(ISignalJournal inner) : ISignalJournal
    {
        private int _queries;

        public int Queries { get => Volatile.Read(ref _queries); set => Volatile.Write(ref _queries, value); }

        public Task<IReadOnlyDictionary<string, DateTimeOffset>> RaisedSinceAsync(string tenant, string managerId, DateTimeOffset since, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _queries);
            return inner.RaisedSinceAsync(tenant, managerId, since, cancellationToken);
        }
    }

    /// <summary>An outbox whose batched write dies once: before writing, or after the write landed (the answer lost).</summary>
    private sealed class OutboxDyingOnBatch(PrivateDomain.Delivery.Sending.IDeliveryQueue inner, bool landFirst) : PrivateDomain.Delivery.Sending.IDeliveryQueue
    {
        private int _died;

        public Task AddAsync(string tenant, Touch touch, CancellationToken cancellationToken) => inner.AddAsync(tenant, touch, cancellationToken);

        public async Task AddManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken)
        {
            if (landFirst)
            {
                await inner.AddManyAsync(tenant, touches, cancellationToken);
            }

            if (Interlocked.Exchange(ref _died, 1) == 0)
            {
                throw new IOException("simulated crash around the outbox transaction");
            }

            if (!landFirst)
            {
                await inner.AddManyAsync(tenant, touches, cancellationToken);
            }
        }

        public Task<IReadOnlyList<Touch>> DueAsync(string tenant, string senderId, DateTimeOffset now, int max, CancellationToken cancellationToken) =>
            inner.DueAsync(tenant, senderId, now, max, cancellationToken);

        public Task PostponeAsync(string tenant, Touch touch, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
            inner.PostponeAsync(tenant, touch, notBefore, cancellationToken);

        public Task RemoveAsync(string tenant, string senderId, IReadOnlyCollection<TouchId> ids, CancellationToken cancellationToken) =>
            inner.RemoveAsync(tenant, senderId, ids, cancellationToken);
    }

    /// <summary>A batch activity dying right after the Nth new ledger row, before the states are saved.</summary>
    private sealed class CrashingLedger(ITouchLedger inner, int crashOnRecord) : ITouchLedger
    {
        private int _recorded;

        public int Recorded => _recorded;

        public async Task<bool> RecordAsync(string tenant, Touch touch, CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _recorded) >= crashOnRecord)
            {
                throw new IOException("simulated crash after the ledger write");
            }

            var recorded = await inner.RecordAsync(tenant, touch, cancellationToken);
            if (recorded && Interlocked.Increment(ref _recorded) >= crashOnRecord)
            {
                throw new IOException("simulated crash after the ledger write");
            }

            return recorded;
        }

        public IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken) =>
            inner.ListAsync(tenant, instanceId, cancellationToken);
    }
}
