using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;

namespace PrivateDomain.IntegrationTests.Campaigns;

/// <summary>
/// A payroll campaign end to end on the local host with a manual clock: a 1,000-customer employer cohort is enrolled by
/// the fan-out (with a crash in the middle), runs welfare, quiz and sales on the window's working days into the WeCom
/// sandbox, and engaged customers become follow-up tasks. Queue workers are off and their work is done by hand — a
/// fan-out batch per message, a journey step per wake-up, a dispatch per account manager — so each phase is finished
/// before the clock moves and the outcome does not depend on the machine's speed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollCampaignTests : IAsyncLifetime
{
    private const string Employer = "E-ACME";
    private const int Managers = 20;
    // 1,000, not 2,000: Azurite scans a whole table for every query, so the time grows with the square of the cohort,
    // and 2,000 took 7 minutes alone on the 2-core machine (past the suite's 5-minute hang guard). Scale is measured by
    // ./pd bench-payroll, not here.
    private const int Cohort = 1_000;
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // Payday Thursday 19 Nov 2026; D-5 Thu 12, D-4 Fri 13, D-3 Mon 16 Nov (working days).
    private static readonly DateTimeOffset OpeningMorning = new(2026, 11, 12, 9, 0, 0, Shanghai);
    private static readonly DateTimeOffset[] StepTimes =
        [new(2026, 11, 12, 10, 0, 0, Shanghai), new(2026, 11, 13, 10, 0, 0, Shanghai), new(2026, 11, 16, 10, 0, 0, Shanghai)];

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly JourneyClock _clock = JourneyClock.Manual(OpeningMorning);
    private readonly CrashingJourneyStore.Switch _crash = new();
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;
    private AzuriteProcess _azurite = null!;

    public async Task InitializeAsync()
    {
        // Its own Azurite: 1,000 customers' rows would slow every later test's queries on the shared emulator (Azurite
        // scans its tables), and they are dropped with the process at the end. Still in the collection, so still alone.
        _azurite = await AzuriteProcess.StartAsync();
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _host = await LocalHostInstance.StartAsync(_azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            ["Delivery:AggregationDelay"] = "00:00:00",
            ["Links:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Payroll:FanOut:BatchSize"] = "300",
            // 3 s suits the callback path; this test drives 1,000 customers through a 2-core machine's Azurite, where a
            // busy moment must not fail a correct run.
            ["Storage:NetworkTimeout"] = "00:00:30",
        }, services =>
        {
            services.AddSingleton(_clock);
            services.AddSingleton<TimeProvider>(_clock); // the daily run's clock is the journeys' clock here
            services.AddSingleton<ISenderContexts>(new FixedSenderContexts());
            services.AddSingleton<IJourneyStore>(sp => new CrashingJourneyStore(ActivatorUtilities.CreateInstance<TableJourneyStore>(sp), _crash));
        });
        await _host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        // With the workers off, thousands of wake-ups, dispatch nudges and fan-out messages stay queued on the shared
        // Azurite; the next test's host would drain them (and time out under the load). Tests in the collection run
        // one at a time, so these messages are all ours.
        var queues = Get<PrivateDomain.Storage.StorageClients>().Queues;
        foreach (var name in new[] { StorageJourneyWakeups.QueueName, PrivateDomain.Delivery.Storage.StorageDeliveryNudges.QueueName, StoragePayrollFanOutQueue.QueueName })
        {
            var queue = queues.GetQueueClient(name);
            if (await queue.ExistsAsync())
            {
                await queue.ClearMessagesAsync();
            }
        }

        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    private static string Manager(int i) => $"am{i % Managers:D2}";

    [Fact]
    public async Task A_1000_customer_cohort_runs_all_three_steps_once_each_and_engaged_customers_become_tasks()
    {
        // The cohort: 1,000 customers of the employer, 5 of them without an account manager and 10 opted out; plus 50
        // customers of another employer, who must hear nothing.
        await SeedAsync(Employer, Cohort, withoutManager: 5, optedOut: 10);
        await SeedAsync("E-OTHER", 50, withoutManager: 0, optedOut: 0, prefix: "o");
        await Get<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), CancellationToken.None);
        await Get<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer("E-OTHER", PaydayRule.Parse("day:25")), CancellationToken.None);

        var scheduler = Get<PayrollCampaignScheduler>();
        var run = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);
        var campaign = Assert.Single(run.Started);
        Assert.Equal(("payroll:E-ACME:2026-11", new DateOnly(2026, 11, 19)), (campaign.CampaignId, campaign.Payday));

        // Fan-out, one batch per queue message; the journey store dies right after inserting the 700th journey.
        _crash.CrashOnInsert = 700;
        var batches = await FanOutAsync(campaign.CampaignId);
        Assert.True(_crash.Crashed);
        Assert.True(batches >= Cohort / 300);
        var enrolled = Enumerable.Range(0, Cohort).Where(i => i >= 5).Select(i => $"c{i:D4}").ToList();
        var counts = await Get<IPayrollCounts>().ReadAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None);
        Assert.Equal((enrolled.Count, 5L), (counts[PayrollMetrics.Enrolled], counts[PayrollMetrics.NoManager]));
        // No customer was inserted twice, the crashed batch included (a storage retry that finds its own insert reads as
        // "already there", so the wrapper may see fewer; the ledger below shows every customer's journey ran).
        Assert.InRange(_crash.Inserted, enrolled.Count - 10, enrolled.Count);

        // A second timer run the same day starts nothing, and its fan-out has nothing left to do.
        var again = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);
        Assert.Empty(again.Started);
        Assert.Equal(0, (await Get<PayrollFanOut>().RunBatchAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None)).Started);

        for (var step = 0; step < 3; step++)
        {
            _clock.AdvanceTo(StepTimes[step]);
            await StepAllAsync(campaign.CampaignId, enrolled);
            await DispatchAllAsync();
        }

        // Every customer touched at most once per step (ledger), every reachable one exactly once per step (WeCom).
        var ledger = new ConcurrentBag<LedgerEntry>();
        await Parallel.ForEachAsync(enrolled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) =>
        {
            await foreach (var e in Get<ITouchLedger>().ListAsync(_tenant.Name, PayrollCampaignJourney.InstanceId(_tenant.Name, c, campaign.CampaignId), ct))
            {
                ledger.Add(e);
            }
        });
        Assert.Equal(enrolled.Count * 3, ledger.Count);
        Assert.Equal(ledger.Count, ledger.Select(e => e.TouchId).Distinct().Count());
        Assert.Equal(30, ledger.Count(e => e.Status == TouchStatus.Refused)); // 10 opted out × 3 steps, each with its reason
        Assert.Equal(ledger.Count - 30, ledger.Count(e => e.Status == TouchStatus.Sent)); // none left Due or Pending
        Assert.All(ledger.Where(e => e.Status == TouchStatus.Refused), e => Assert.False(string.IsNullOrEmpty(e.Reason)));

        var sends = _sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == _tenant.CorpId && r.Errcode == 0)
            .Select(r => JsonNode.Parse(r.Body!)!).ToList();
        var byStep = sends.GroupBy(s => (string)s["text"]!["content"]!).ToList();
        Assert.Equal(3, byStep.Count); // three texts: welfare, quiz, sales — one task per account manager each
        foreach (var step in byStep)
        {
            var recipients = step.SelectMany(s => s["external_userid"]!.AsArray().Select(n => (string)n!)).ToList();
            Assert.Equal(recipients.Count, recipients.Distinct().Count());
            Assert.Equal(enrolled.Count - 10, recipients.Count);
            Assert.Equal(Managers, step.Count());
            Assert.DoesNotContain(recipients, r => r.StartsWith("wmo", StringComparison.Ordinal));
        }

        Assert.Contains(byStep, s => s.Key.Contains("11月19日就是发薪日", StringComparison.Ordinal)); // {payroll.payday} filled

        // Engagement: 40 customers open a campaign page (welfare, quiz or product), one of them twice.
        var links = Get<TrackedLinkSigner>();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _host.Client.BaseAddress };
        var engaged = enrolled.Where((_, i) => i % 25 == 7).Take(40).ToList();
        foreach (var (c, i) in engaged.Select((c, i) => (c, i)).Append((engaged[0], 0)))
        {
            var stepId = PayrollCampaignJourney.Steps[i % 3];
            var token = links.Create(new TrackedLink(_tenant.Name, c, $"{PayrollCampaignJourney.InstanceId(_tenant.Name, c, campaign.CampaignId)}/r1/{stepId}",
                new Uri($"https://h5.bank.example/h5/payroll/{stepId}"), campaign.CampaignId));
            Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(new Uri($"/l/{token}", UriKind.Relative))).StatusCode);
        }

        // Conversions: three customers buy a product after the campaign started.
        foreach (var c in enrolled.Take(3))
        {
            await PurchaseAsync(c);
        }

        var tasks = new List<FollowUpTask>();
        for (var m = 0; m < Managers; m++)
        {
            tasks.AddRange(await Get<IFollowUpTasks>().ListAsync(_tenant.Name, Manager(m), 1000, CancellationToken.None));
        }

        Assert.Equal(engaged.Order(StringComparer.Ordinal), tasks.Select(t => t.CustomerId).Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.Equal(Manager(int.Parse(t.CustomerId[1..], System.Globalization.CultureInfo.InvariantCulture)), t.ManagerId));
        Assert.Contains(tasks, t => t.Activity == "answeredQuiz");

        counts = await Get<IPayrollCounts>().ReadAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None);
        Assert.Equal(enrolled.Count - 10, counts[PayrollMetrics.Reached]);
        Assert.Equal(10, counts[PayrollMetrics.Refused]);
        Assert.Equal(engaged.Count, counts[PayrollMetrics.Engaged]);
        Assert.Equal(3, counts[PayrollMetrics.Converted]);
        Assert.All(PayrollCampaignJourney.Steps, s => Assert.Equal(enrolled.Count - 10, counts[PayrollMetrics.Sent(s)]));
    }

    private async Task SeedAsync(string employer, int count, int withoutManager, int optedOut, string prefix = "c")
    {
        var at = OpeningMorning.AddDays(-60);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var id = $"{prefix}{i:D4}";
            var customer = Customer.New(_tenant.Name, id, at) with
            {
                Name = CustomerNames.Of(prefix == "c" ? i : 10_000 + i), // distinct names: one task per manager must be earned
                CrmId = "crm-" + id,
                ExternalUserIds = ["wm" + id],
                Payroll = new PayrollEnrolment(employer, "day:19"),
                Tags = i >= withoutManager && i < withoutManager + optedOut ? [new CustomerTag(PrivateDomain.Delivery.Policy.DeliveryPolicy.OptedOutTag, TagKind.Dynamic, "test", at)] : [],
            };
            Assert.True(await Get<ICustomerStore>().TryInsertAsync(customer, ct));
            if (i >= withoutManager)
            {
                Assert.True(await Get<IRelationshipStore>().TryWriteAsync(
                    new Relationship(_tenant.Name, Manager(i), "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, ct));
            }
        });
    }

    private async Task<int> FanOutAsync(string campaignId)
    {
        var fanOut = Get<PayrollFanOut>();
        var batches = 0;
        var elapsed = System.Diagnostics.Stopwatch.StartNew(); // a deadline on elapsed time, independent of any clock the test moves
        while (elapsed.Elapsed < TimeSpan.FromMinutes(5))
        {
            try
            {
                batches++;
                if ((await fanOut.RunBatchAsync(_tenant.Name, campaignId, CancellationToken.None)).Done)
                {
                    return batches;
                }
            }
            catch (SimulatedCrashException)
            {
                // The message would become visible again; the next delivery resumes from the cursor.
            }
        }

        throw new TimeoutException("The fan-out did not finish within 5 minutes.");
    }

    private async Task StepAllAsync(string campaignId, IReadOnlyList<string> customers)
    {
        var runner = Get<JourneyRunner>();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) =>
            await runner.StepAsync(_tenant.Name, PayrollCampaignJourney.InstanceId(_tenant.Name, c, campaignId), ct));
    }

    private async Task DispatchAllAsync()
    {
        var dispatcher = Get<TouchDispatcher>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Managers), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (m, ct) =>
            await dispatcher.DispatchAsync(_tenant.Name, Manager(m), ct));
    }

    private async Task PurchaseAsync(string customerId)
    {
        var outcome = await Get<CrmIntake>().HandleAsync(JsonSerializer.Serialize(new
        {
            schema = CrmMessage.Schema, messageId = "buy-" + customerId, type = CrmMessageTypes.ProductPurchased, tenant = _tenant.Name,
            crmId = "crm-" + customerId, version = 5, occurredAt = StepTimes[2].AddHours(2), data = new { product = "定期存款" },
        }), "test", CancellationToken.None);
        Assert.Equal(CrmOutcome.Applied, outcome.Outcome);
    }


    private sealed class SimulatedCrashException() : Exception("simulated crash after a journey was inserted");

    /// <summary>The journey store, dying once right after the Nth successful insert (the journey exists, its first step
    /// never ran) — the worst place for the fan-out to crash.</summary>
    private sealed class CrashingJourneyStore(IJourneyStore inner, CrashingJourneyStore.Switch crash) : IJourneyStore
    {
        public Task<(JourneyRecord Record, string ETag)?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken) =>
            inner.GetAsync(tenant, instanceId, cancellationToken);

        public async Task<bool> TryInsertAsync(JourneyRecord record, CancellationToken cancellationToken)
        {
            var inserted = await inner.TryInsertAsync(record, cancellationToken);
            if (inserted && Interlocked.Increment(ref crash.InsertedCount) == crash.CrashOnInsert)
            {
                crash.Crashed = true;
                throw new SimulatedCrashException();
            }

            return inserted;
        }

        public Task<bool> TryReplaceAsync(JourneyRecord record, string etag, CancellationToken cancellationToken) =>
            inner.TryReplaceAsync(record, etag, cancellationToken);

        public IAsyncEnumerable<JourneyRecord> ListRunningAsync(CancellationToken cancellationToken) => inner.ListRunningAsync(cancellationToken);

        public sealed class Switch
        {
            internal int InsertedCount;

            public int CrashOnInsert { get; set; }

            public bool Crashed { get; set; }

            public int Inserted => Volatile.Read(ref InsertedCount);
        }
    }
}
