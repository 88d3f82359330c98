using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
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

namespace PrivateDomain.Benchmarks;

/// <summary>
/// SendTouch throughput (./pd bench-dispatch): S account managers × C customers on Azurite, one 1:1 step and one Moments
/// step each, recorded in the ledger (as a journey does) and then delivered by <see cref="TouchDispatcher"/> into the WeCom
/// sandbox on loopback. Prints touches/s for recording and for delivery, the WeCom tasks made, and checks every touch
/// reached WeCom exactly once.
/// </summary>
public static class DispatchRun
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly DateTimeOffset TuesdayMorning = new(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Runs it: <c>--senders S</c> (default 20), <c>--customers C</c> per sender (default 250),
    /// <c>--names distinct|same</c> (default distinct: every 1:1 text differs, one task per customer), <c>--json</c>.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var senders = Option(args, "--senders", 20);
        var perSender = Option(args, "--customers", 250);
        var sameNames = Array.IndexOf(args, "same") > 0;
        var json = args.Contains("--json");

        await using var azurite = await AzuriteProcess.StartAsync();
        await using var sandbox = await WeComSandboxHost.StartAsync();
        var tenant = TestTenant.Create("bench" + RandomNumberGenerator.GetHexString(4).ToLowerInvariant());
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        sandbox.Sandbox.RegisterApp(tenant.CorpId, secret);
        var clock = JourneyClock.Manual(TuesdayMorning);
        await using var host = await LocalHostInstance.StartAsync(azurite.ConnectionString(), [tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{tenant.Name}:AppSecret"] = secret,
            ["Delivery:AggregationDelay"] = "00:00:00",
            ["Storage:NetworkTimeout"] = "00:00:30", // a busy 2-core machine, not the callback path
        }, services =>
        {
            services.AddSingleton(clock);
            services.AddSingleton<ISenderContexts>(new BenchSenderContexts());
        });
        await host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);

        // The pool (not timed): customers and their relationship with their manager.
        var customers = host.Services.GetRequiredService<ICustomerStore>();
        var relationships = host.Services.GetRequiredService<IRelationshipStore>();
        var pairs = Enumerable.Range(0, senders * perSender).Select(i => (Sender: "am" + (i % senders).ToString("D3", CultureInfo.InvariantCulture), Customer: "c" + i.ToString("D7", CultureInfo.InvariantCulture), Index: i)).ToList();
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (p, ct) =>
        {
            var at = TuesdayMorning.AddDays(-30);
            await customers.TryInsertAsync(Customer.New(tenant.Name, p.Customer, at) with
            {
                Name = sameNames ? "王先生" : CustomerNames.Of(p.Index),
                ExternalUserIds = ["wmBench" + p.Customer],
            }, ct);
            await relationships.TryWriteAsync(new Relationship(tenant.Name, p.Sender, "wmBench" + p.Customer, p.Customer, at, null, null, null,
                RelationshipStatus.Active, at, null), null, ct);
        });

        var ledger = host.Services.GetRequiredService<ITouchLedger>();
        var dispatcher = host.Services.GetRequiredService<TouchDispatcher>();
        var steps = new List<object>();
        foreach (var (step, template, channel) in new[] { ("t1-welfare", "aida.attention.welfare", Channel.OneToOne), ("t1-persona", "aida.attention.persona", Channel.Moments) })
        {
            var touches = pairs.Select(p => TouchFor(tenant.Name, p.Customer, p.Sender, step, template, channel)).ToList();
            var clockRecord = Stopwatch.StartNew();
            await Parallel.ForEachAsync(touches, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (t, ct) => await ledger.RecordAsync(tenant.Name, t, ct));
            var recordSeconds = clockRecord.Elapsed.TotalSeconds;

            var tasks = 0;
            var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
            var clockDispatch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(pairs.Select(p => p.Sender).Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (s, ct) =>
            {
                var report = await dispatcher.DispatchAsync(tenant.Name, s, ct);
                lock (outcomes)
                {
                    tasks += report.Tasks;
                    foreach (var (k, v) in report.Outcomes)
                    {
                        outcomes[k] = outcomes.GetValueOrDefault(k) + v;
                    }
                }
            });
            var dispatchSeconds = clockDispatch.Elapsed.TotalSeconds;
            steps.Add(new
            {
                step = channel.ToString(),
                touches = touches.Count,
                recordSeconds = Math.Round(recordSeconds, 1),
                recordedPerSecond = Math.Round(touches.Count / recordSeconds),
                dispatchSeconds = Math.Round(dispatchSeconds, 1),
                deliveredPerSecond = Math.Round(touches.Count / dispatchSeconds),
                weComTasks = tasks,
                outcomes,
            });
        }

        // Exactly once: every customer appears in exactly one 1:1 task and every manager made exactly one post.
        var mass = sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.Errcode == 0)
            .SelectMany(r => JsonNode.Parse(r.Body!)!["external_userid"]!.AsArray().Select(n => (string)n!)).ToList();
        var posts = sandbox.Sandbox.Requests.Count(r => r.Api == "externalcontact/add_moment_task" && r.Errcode == 0);
        var exactlyOnce = mass.Count == pairs.Count && mass.Distinct(StringComparer.Ordinal).Count() == pairs.Count && posts == senders;
        var result = new { senders, customersPerSender = perSender, names = sameNames ? "same" : "distinct", steps, exactlyOnce, peakWorkingSetMb = Environment.WorkingSet / 1024 / 1024 };
        Console.WriteLine(json ? JsonSerializer.Serialize(result) : JsonSerializer.Serialize(result, Indented));
        return exactlyOnce ? 0 : 1;
    }

    private static Touch TouchFor(string tenant, string customerId, string sender, string step, string content, Channel channel)
    {
        var local = TuesdayMorning.DateTime;
        return new Touch(new TouchId(JourneyInstanceId.For(tenant, "aida-nurture", customerId), 1, step), 0, "attention", channel, "welfare",
            content, false, customerId, sender, local, TuesdayMorning);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed class BenchSenderContexts : ISenderContexts
    {
        public Task<SenderContext?> GetAsync(string tenant, string senderId, CancellationToken cancellationToken) =>
            Task.FromResult<SenderContext?>(new SenderContext(tenant, null, new PlaceholderValues
            {
                EmployeeName = "经理" + senderId,
                EmployeeTitle = "理财经理",
                BankName = "示例银行",
                BankHotline = "95500",
                BankSite = new Uri("https://h5.bank.example"),
                BranchName = "城东支行",
            }));
    }
}
