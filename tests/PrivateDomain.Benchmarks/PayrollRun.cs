using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Storage;

namespace PrivateDomain.Benchmarks;

/// <summary>
/// <c>./pd bench-payroll --customers N</c>: an employer cohort of N customers (100 per account manager) through a payroll
/// campaign on the local host — fan-out, then welfare, quiz and sales — with the journey runner stepping every journey
/// and the dispatcher sending into the WeCom sandbox, all on one in-memory Azurite. A manual journey clock jumps to
/// each step's time once the previous phase is done, so only work is timed, never waiting. Prints touches/s and the
/// time per phase.
/// </summary>
public static class PayrollRun
{
    private const string Employer = "E-BENCH";
    private const int PerManager = 100;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>Runs it: <c>--customers N</c> (default 100,000), <c>--parallelism N</c> (default 32), <c>--json</c>; with the
    /// environment variable <c>PD_BENCH_STORAGE</c> set to a connection string, against that account instead of Azurite.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var customers = Option(args, "--customers", 100_000);
        var parallelism = Option(args, "--parallelism", 32);
        var json = args.Contains("--json");
        var cohortMode = OptionText(args, "--mode", "cohort") switch
        {
            "cohort" => true,
            "per-customer" => false,
            var other => throw new ArgumentException($"--mode {other}: expected cohort (the Durable driver's batches, as on Azure) or per-customer (the local runner)."),
        };
        var counter = new StorageRequestCounter();
        var tenant = TestTenant.Create("bench" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
        var clock = JourneyClock.Manual(new DateTimeOffset(2026, 11, 12, 9, 0, 0, Shanghai)); // payday Thu 19 Nov: D-5 Thu 12, D-4 Fri 13, D-3 Mon 16
        DateTimeOffset[] stepTimes = [new(2026, 11, 12, 10, 0, 0, Shanghai), new(2026, 11, 13, 10, 0, 0, Shanghai), new(2026, 11, 16, 10, 0, 0, Shanghai)];
        var managers = Math.Max(1, customers / PerManager);

        // PD_BENCH_STORAGE: a Storage account's connection string (kept out of the command line and shell history); the
        // tables and queues are created there, under a fresh tenant name. Without it, the run's own in-memory Azurite.
        var storage = Environment.GetEnvironmentVariable("PD_BENCH_STORAGE");
        // 100,000 customers' tables outgrow node's default heap: the emulator gets 16 GB (the machine has 23).
        await using var azurite = storage is null ? await AzuriteProcess.StartAsync(heapMegabytes: 16_384) : null;
        await using var sandbox = await WeComSandboxHost.StartAsync(o => o.MaxRecordedRequests = 1_000_000, clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        sandbox.Sandbox.RegisterApp(tenant.CorpId, secret);
        await using var host = await LocalHostInstance.StartAsync(storage ?? azurite!.ConnectionString(), [tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            // The callback outbox sweep queries WeComEvents every 30 s: timer work, not the campaign's (at 100,000
            // customers it made 1,024 of enrolment's requests); off, so the figures count what the campaign costs.
            ["Intake:OutboxSweepInterval"] = "1.00:00:00",
            ["Storage:NetworkTimeout"] = "00:01:00",
            ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
            ["WeCom:Api:PermitsPerMinute"] = "10000",
            [$"WeCom:Tenants:{tenant.Name}:AppSecret"] = secret,
            ["Payroll:FanOut:Parallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
        }, services =>
        {
            services.AddSingleton(clock);
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ISenderContexts>(new BenchSenderContexts());
            services.AddSingleton(counter); // every request the host's Storage clients make is counted
            services.AddSingleton<PayrollCohortEnrolment>();
        });
        T Get<T>() where T : notnull => host.Services.GetRequiredService<T>();
        await Get<RepositoryContent>().PublishAsync(CancellationToken.None);

        var total = Stopwatch.StartNew();
        var seeding = Stopwatch.StartNew();
        var at = clock.GetUtcNow().AddDays(-60);
        var ids = Enumerable.Range(0, customers).Select(i => $"c{i:D7}").ToList();
        await Get<CustomerBulkImport>().ImportAsync(ids.Select((id, i) => Customer.New(tenant.Name, id, at) with
        {
            Name = CustomerNames.Of(i), // every customer their own name: one task per manager and step must be earned, not assumed
            ExternalUserIds = ["wm" + id],
            Payroll = new PayrollEnrolment(Employer, "day:19"),
        }).ToAsyncEnumerable(), null, CancellationToken.None);
        var relationships = Get<IRelationshipStore>();
        await Parallel.ForEachAsync(Enumerable.Range(0, customers), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, ct) =>
            await relationships.TryWriteAsync(new Relationship(tenant.Name, Manager(i, managers), "wm" + ids[i], ids[i], at, null, null, null, RelationshipStatus.Active, at, null), null, ct));
        await Get<IPayrollEmployers>().SaveAsync(tenant.Name, new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), CancellationToken.None);
        seeding.Stop();
        Console.Error.WriteLine($"seeded {customers:N0} customers and {managers:N0} account managers in {seeding.Elapsed.TotalSeconds:F0} s");

        var phases = new List<Phase>();
        var stages = new List<Stage>();
        var clockWatch = Stopwatch.StartNew();
        var mark = counter.Snapshot();
        void EndStage(string name, int touches, TimeSpan elapsed)
        {
            var now = counter.Snapshot();
            stages.Add(new Stage(name, touches, elapsed, now.Since(mark)));
            mark = now;
            Console.Error.WriteLine(stages[^1].ToString(customers)); // as it ends: a run stopped early still shows its stages
        }

        var campaign = Assert(await Get<PayrollCampaignScheduler>().RunAsync(tenant.Name, CancellationToken.None)).Started.Single();
        var cohorts = new List<(CohortKey Key, int Size)>();
        if (cohortMode)
        {
            // What PayrollCampaignOrchestrator does on Azure, without Durable: enrol the employer's cohort a page at a
            // time into one cohort per account manager.
            var enrolment = Get<PayrollCohortEnrolment>();
            var row = await enrolment.CampaignAsync(tenant.Name, campaign.CampaignId, CancellationToken.None) ?? throw new InvalidOperationException("campaign row missing");
            IReadOnlyDictionary<string, int> sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            string? cursor = null;
            PayrollEnrolmentResult page;
            do
            {
                page = await enrolment.EnrolPageAsync(new PayrollEnrolmentPage(tenant.Name, campaign.CampaignId, cursor, sizes, clock.GetUtcNow()), CancellationToken.None);
                (cursor, sizes) = (page.Next, page.Sizes);
            }
            while (!page.Done);

            cohorts.AddRange(sizes.Select(kv => (PayrollCohortEnrolment.CohortOf(row, kv.Key), kv.Value)));
        }
        else
        {
            var fanOut = Get<PayrollFanOut>();
            while (!(await fanOut.RunBatchAsync(tenant.Name, campaign.CampaignId, CancellationToken.None)).Done)
            {
            }
        }

        phases.Add(new Phase("fan-out", customers, clockWatch.Elapsed));
        EndStage("enrolment", 0, clockWatch.Elapsed);
        Console.Error.WriteLine(phases[^1]);

        var runner = Get<JourneyRunner>();
        var cohortRunner = Get<CohortRunner>();
        var dispatcher = Get<TouchDispatcher>();
        var sentBefore = 0;
        var tasksByStep = new List<int>();
        for (var s = 0; s < 3; s++)
        {
            clock.AdvanceTo(stepTimes[s]);
            clockWatch.Restart();
            if (cohortMode)
            {
                var now = clock.GetUtcNow();
                var batches = cohorts.SelectMany(c => CohortPlan.Batches(c.Size, CohortRunner.MaxBatchSize).Select(b => new CohortBatch(c.Key, b.From, b.Count, now)));
                await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism / 4) }, async (b, ct) =>
                    await cohortRunner.RunBatchAsync(b, ct));
            }
            else
            {
                await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (c, ct) =>
                    await runner.StepAsync(tenant.Name, PayrollCampaignJourney.InstanceId(tenant.Name, c, campaign.CampaignId), ct));
            }

            var recorded = clockWatch.Elapsed;
            EndStage($"{PayrollCampaignJourney.Steps[s]}: journeys", 0, recorded);
            await Parallel.ForEachAsync(Enumerable.Range(0, managers), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism / 8) }, async (m, ct) =>
            {
                while ((await dispatcher.DispatchAsync(tenant.Name, $"am{m:D5}", ct)).Outcomes.Count > 0)
                {
                }
            });
            var counts = await Get<IPayrollCounts>().ReadAsync(tenant.Name, campaign.CampaignId, CancellationToken.None);
            var sent = (int)counts.GetValueOrDefault(PayrollMetrics.Sent(PayrollCampaignJourney.Steps[s]));
            phases.Add(new Phase(PayrollCampaignJourney.Steps[s], sent, clockWatch.Elapsed, recorded));
            EndStage($"{PayrollCampaignJourney.Steps[s]}: dispatch", sent, clockWatch.Elapsed - recorded);
            var tasksSoFar = sandbox.Sandbox.Requests.Count(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == tenant.CorpId && r.Errcode == 0);
            tasksByStep.Add(tasksSoFar - tasksByStep.Sum());
            sentBefore += sent;
            Console.Error.WriteLine(phases[^1]);
        }

        var tasks = sandbox.Sandbox.Requests.Count(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == tenant.CorpId && r.Errcode == 0);
        var tasksPerStep = tasksByStep.Select(n => Math.Round((double)n / managers, 2)).ToList();
        var stepsTime = TimeSpan.FromTicks(phases.Skip(1).Sum(p => p.Elapsed.Ticks));
        var storageTotal = stages.Aggregate(0L, (n, st) => n + st.Storage.Total);
        var report = new
        {
            mode = cohortMode ? "cohort" : "per-customer",
            customers,
            managers,
            parallelism,
            machine = $"{Environment.ProcessorCount} CPUs, {Environment.OSVersion}, .NET {Environment.Version}",
            seedingSeconds = Math.Round(seeding.Elapsed.TotalSeconds, 1),
            phases = phases.Select(p => new { p.Name, items = p.Items, seconds = Math.Round(p.Elapsed.TotalSeconds, 1), perSecond = Math.Round(p.PerSecond, 1), recordedSeconds = p.Recorded is { } r ? Math.Round(r.TotalSeconds, 1) : (double?)null }),
            touchesSent = sentBefore,
            weComTasks = tasks,
            weComTasksPerManagerPerStep = tasksPerStep,
            touchesPerSecond = Math.Round(sentBefore / stepsTime.TotalSeconds, 1),
            storageRequests = storageTotal,
            storageRequestsPerTouch = sentBefore == 0 ? 0 : Math.Round((double)storageTotal / sentBefore, 3),
            stages = stages.Select(st => new
            {
                st.Name,
                seconds = Math.Round(st.Elapsed.TotalSeconds, 1),
                requests = st.Storage.Total,
                requestsPerTouch = Math.Round(st.Storage.Total / (double)Math.Max(1, customers), 3),
                entitiesWritten = st.Storage.EntitiesWritten,
                busiestPartition = st.Storage.Busiest.Partition,
                busiestPartitionEntitiesPerSecond = Math.Round(st.Storage.Busiest.Entities / Math.Max(0.001, st.Elapsed.TotalSeconds), 1),
                top = st.Storage.Requests.OrderByDescending(kv => kv.Value).Take(8).Select(kv => new { operation = kv.Key.ToString(), requests = kv.Value }),
            }),
            totalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
        Console.WriteLine(json ? JsonSerializer.Serialize(report, Indented)
            : string.Create(CultureInfo.InvariantCulture, $"""
                == Payroll campaign ({report.mode} mode): {customers:N0} customers, {managers:N0} account managers, parallelism {parallelism} ==
                {string.Join(Environment.NewLine, phases)}
                storage requests per stage (per touch = per customer of the cohort; entities/s of the busiest partition over the stage):
                {string.Join(Environment.NewLine, stages.Select(st => st.ToString(customers)))}
                storage        {storageTotal:N0} requests for {sentBefore:N0} touches = {report.storageRequestsPerTouch:0.000} requests per touch over the campaign
                touches sent   {sentBefore:N0} in {tasks:N0} WeCom tasks; {report.touchesPerSecond:N1} touches/s over the three steps (journey step + dispatch)
                WeCom tasks per account manager per step: {string.Join(" / ", tasksPerStep.Select(t => t.ToString("0.##", CultureInfo.InvariantCulture)))} (welfare / quiz / sales; each customer has their own name)
                seeding        {seeding.Elapsed.TotalSeconds:F0} s (not counted); total {total.Elapsed.TotalSeconds:F0} s; {report.machine}
                """));
        return sentBefore == 3 * customers ? 0 : 1;
    }

    private static PayrollRunResult Assert(PayrollRunResult result) =>
        result.Started.Count == 1 ? result : throw new InvalidOperationException($"Expected one campaign to start, got {result.Started.Count}.");

    private static string Manager(int i, int managers) => $"am{i % managers:D5}";

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string OptionText(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record Stage(string Name, int Touches, TimeSpan Elapsed, StorageRequestSnapshot Storage)
    {
        public string ToString(int customers)
        {
            var (partition, entities) = Storage.Busiest;
            var top = string.Join(", ", Storage.Requests.OrderByDescending(kv => kv.Value).Take(5).Select(kv => $"{kv.Key} {kv.Value:N0}"));
            return string.Create(CultureInfo.InvariantCulture,
                $"  {Name,-18} {Storage.Total,10:N0} req = {Storage.Total / (double)Math.Max(1, customers),7:0.000}/customer  {Storage.EntitiesWritten,9:N0} entities  busiest {entities / Math.Max(0.001, Elapsed.TotalSeconds),7:N0}/s ({Truncate(partition)})")
                + Environment.NewLine + "      top: " + top;
        }

        private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
    }

    private sealed record Phase(string Name, int Items, TimeSpan Elapsed, TimeSpan? Recorded = null)
    {
        public double PerSecond => Items / Elapsed.TotalSeconds;

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Name,-14} {Items,9:N0} in {Elapsed.TotalSeconds,7:F1} s = {PerSecond,8:N1}/s")
            + (Recorded is { } r
                ? string.Create(CultureInfo.InvariantCulture, $" (journeys stepped and touches recorded in {r.TotalSeconds:F1} s, then dispatched)")
                : " customers enrolled");
    }

    private sealed class BenchSenderContexts : ISenderContexts
    {
        public Task<SenderContext?> GetAsync(string tenant, string senderId, CancellationToken cancellationToken) =>
            Task.FromResult<SenderContext?>(new SenderContext(tenant, null, new PlaceholderValues
            {
                EmployeeName = "张三", EmployeeTitle = "理财经理", BankName = "示例银行", BankHotline = "95500",
                BankSite = new Uri("https://h5.bank.example"), BranchName = "城东支行",
            }));
    }
}
