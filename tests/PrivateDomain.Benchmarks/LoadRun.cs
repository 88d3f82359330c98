using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.WeCom;
using PrivateDomain.WeCom;

namespace PrivateDomain.Benchmarks;

/// <summary>
/// The loopback load run: a real Azurite and the real local host in this process, N distinct signed add_external_contact
/// callbacks over real HTTP with bounded concurrency plus re-encrypted retries, then storage read back to prove every
/// acknowledged event was stored and enqueued exactly once.
/// </summary>
public static class LoadRun
{
    private const string LoadTenant = "load";
    private const string WarmupTenant = "warmup";

    /// <summary>The host's outbox sweep interval (the production default).</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>Entry point of <c>./pd load</c>.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(LoadOptions.Help);
            return 0;
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine("load: " + e.Message);
            Console.Error.WriteLine(LoadOptions.Help);
            return 2;
        }

        // Ctrl+C / SIGTERM: stop sending and clean up (Azurite, the host). A second Ctrl+C terminates at once.
        using var interrupted = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (interrupted.IsCancellationRequested)
            {
                return;
            }

            context.Cancel = true;
            Log(options, "load: interrupted; stopping and cleaning up (Ctrl+C again to kill)");
            interrupted.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        try
        {
            return await RunAsync(options, interrupted.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Log(options, "load: interrupted");
            return 130;
        }
    }

    private static async Task<int> RunAsync(LoadOptions options, CancellationToken interrupted)
    {
        Log(options, $"load: starting Azurite (in memory) and the local host; {Environment.ProcessorCount} CPUs, .NET {Environment.Version}");
        var logCounter = new CountingLoggerProvider();
        var loadTenant = TestTenant.Create(LoadTenant);
        var warmupTenant = TestTenant.Create(WarmupTenant);

        await using var azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);
        var connectionString = azurite.ConnectionString();
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = options.LogLevel,
            // As in functions/PrivateDomain.Local/appsettings.json, which the host does not load from this working directory.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Azure.Core"] = "Warning",
            // An intake-only host: its queue workers would consume wecom-events, and the run must count every message.
            ["Local:QueueWorkers"] = "false",
            ["Intake:OutboxSweepInterval"] = SweepInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        await using var host = await LocalHostInstance.StartAsync(connectionString, [loadTenant, warmupTenant], settings, services =>
        {
            services.AddSingleton<ILoggerProvider>(logCounter);
            // Keep stdout for the summary (or the JSON object): the host's console log goes to stderr.
            services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }).ConfigureAwait(false);
        interrupted.ThrowIfCancellationRequested();
        Log(options, $"load: host at {host.BaseAddress}, Azurite table {azurite.TableEndpoint} queue {azurite.QueueEndpoint}");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        deadline.CancelAfter(options.MaxDuration);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
        })
        {
            BaseAddress = host.BaseAddress,
            Timeout = options.RequestTimeout,
        };

        var random = new Random(options.Seed);
        var runTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

        // Warm-up: a separate tenant, no retries, not measured (but verified like the measured phase).
        var warmupPlan = Plan.Build(warmupTenant, options.Warmup, 0, options.Concurrency, runTag + "w", random);
        PhaseResult? warmup = null;
        if (warmupPlan.Sends.Count > 0)
        {
            Log(options, $"load: warm-up, {warmupPlan.Sends.Count} callbacks at concurrency {options.Concurrency}");
            warmup = await SendAllAsync(client, warmupPlan, options.Concurrency, deadline.Token).ConfigureAwait(false);
            interrupted.ThrowIfCancellationRequested();
        }

        var plan = Plan.Build(loadTenant, options.Callbacks, options.Retries, options.Concurrency, runTag, random);
        Log(options, $"load: measuring {plan.Events.Count} distinct callbacks + {plan.Sends.Count - plan.Events.Count} retries " +
                     $"at concurrency {options.Concurrency}");
        var cpuBefore = CpuSnapshot.Take();
        var measured = await SendAllAsync(client, plan, options.Concurrency, deadline.Token).ConfigureAwait(false);
        var cpuAfter = CpuSnapshot.Take();
        interrupted.ThrowIfCancellationRequested();
        var warningsDuringRun = logCounter.Snapshot();

        // Any request without a 200 may still be running in the host (its budget is 4 s): let it finish before reading back.
        if (measured.Status.Any(s => s != 200) || (warmup?.Status.Any(s => s != 200) ?? false))
        {
            Log(options, "load: some requests were not acknowledged; waiting 5 s for the host to finish them");
            await Task.Delay(TimeSpan.FromSeconds(5), interrupted).ConfigureAwait(false);
        }

        Log(options, "load: reading storage back");
        var queued = await ReadQueueAsync(connectionString, interrupted).ConfigureAwait(false);
        Log(options, $"load: {queued.Count} queue messages read; reading the WeComEvents table");
        var probe = new StorageProbe(connectionString);
        var verified = await VerifyAsync(probe, connectionString, plan, measured, queued, interrupted).ConfigureAwait(false);
        var warmupVerified = warmup is null
            ? null
            : await VerifyAsync(probe, connectionString, warmupPlan, warmup, queued, interrupted).ConfigureAwait(false);
        var enqueuedBySweep = 0;
        if (verified.AwaitingOutbox + (warmupVerified?.AwaitingOutbox ?? 0) > 0)
        {
            // Acknowledged (e.g. a retry answered "in flight") but the enqueue is still pending: the outbox sweep owes it.
            // Wait for the claim lease and one sweep interval, then count again: only what is still missing is lost.
            var wait = CallbackIntake.ClaimLease + SweepInterval + TimeSpan.FromSeconds(10);
            Log(options, $"load: {verified.AwaitingOutbox + (warmupVerified?.AwaitingOutbox ?? 0)} acknowledged events are " +
                         $"stored but not yet enqueued (pending marker); waiting {wait.TotalSeconds:F0} s for the outbox sweep");
            await Task.Delay(wait, interrupted).ConfigureAwait(false);
            var before = queued.Count;
            queued.AddRange(await ReadQueueAsync(connectionString, interrupted).ConfigureAwait(false));
            enqueuedBySweep = queued.Count - before;
            verified = await VerifyAsync(probe, connectionString, plan, measured, queued, interrupted).ConfigureAwait(false);
            warmupVerified = warmup is null
                ? null
                : await VerifyAsync(probe, connectionString, warmupPlan, warmup, queued, interrupted).ConfigureAwait(false);
        }

        Log(options, "load: storage read back");
        var unexpected = queued.Count(m => m.Tenant is not (LoadTenant or WarmupTenant));

        var report = Report.Create(options, plan, measured, verified, warmupVerified, unexpected, enqueuedBySweep, cpuBefore, cpuAfter,
            warningsDuringRun, deadline.IsCancellationRequested);
        var json = JsonSerializer.Serialize(report, Report.JsonOptions);
        var saved = RepoRoot.Combine(".artifacts", "load", $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        await File.WriteAllTextAsync(saved, json, CancellationToken.None).ConfigureAwait(false);
        Log(options, "load: report saved to " + saved);
        if (options.Json)
        {
            Console.WriteLine(json);
        }
        else
        {
            Console.WriteLine(report.ToText());
        }

        return report.Passed ? 0 : 1;
    }

    private static readonly long Started = Stopwatch.GetTimestamp();

    private static void Log(LoadOptions options, string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,6:F1}s] {message}");
        if (options.Json)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>Sends every planned request with at most <paramref name="concurrency"/> in flight.</summary>
    private static async Task<PhaseResult> SendAllAsync(HttpClient client, Plan plan, int concurrency, CancellationToken cancellationToken)
    {
        var sends = plan.Sends;
        var status = new int[sends.Count];
        var ticks = new long[sends.Count];
        var next = -1;
        var started = Stopwatch.GetTimestamp();

        async Task WorkerAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= sends.Count)
                {
                    return;
                }

                var send = sends[i];
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(send.Body, Encoding.UTF8, "text/xml");
                    using var response = await client.PostAsync(send.Url, content, cancellationToken).ConfigureAwait(false);
                    // PostAsync buffers the (empty) body: the acknowledgement is complete here.
                    status[i] = (int)response.StatusCode;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    status[i] = SendStatus.NotSent;
                    return;
                }
                catch (TaskCanceledException)
                {
                    status[i] = SendStatus.Timeout;
                }
                catch (HttpRequestException)
                {
                    status[i] = SendStatus.TransportError;
                }

                ticks[i] = Stopwatch.GetTimestamp() - t0;
            }
        }

        var workers = Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, sends.Count))).Select(_ => Task.Run(WorkerAsync)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new PhaseResult(status, ticks, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Receives every message on wecom-events (hidden for an hour, not deleted: Azurite is thrown away).</summary>
    private static async Task<List<CallbackEventMessage>> ReadQueueAsync(string connectionString, CancellationToken cancellationToken)
    {
        var queue = new QueueClient(connectionString, StorageCallbackEventQueue.QueueName,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var messages = new List<CallbackEventMessage>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                return messages;
            }

            messages.AddRange(batch.Select(m => StorageCallbackEventQueue.Deserialize(m.Body.ToString())));
        }
    }

    private static async Task<Verification> VerifyAsync(
        StorageProbe probe, string connectionString, Plan plan, PhaseResult result, List<CallbackEventMessage> queued, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var tenant = plan.Tenant.Name;
        var rows = (await probe.StoredEventsAsync(tenant).ConfigureAwait(false))
            .GroupBy(r => r.RowKey[2..], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var pending = await PendingKeysAsync(connectionString, tenant, cancellationToken).ConfigureAwait(false);
        var messages = queued.Where(m => m.Tenant == tenant)
            .GroupBy(m => m.EventKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var acknowledged = new bool[plan.Events.Count];
        for (var i = 0; i < plan.Sends.Count; i++)
        {
            if (result.Status[i] == 200)
            {
                acknowledged[plan.Sends[i].Event] = true;
            }
        }

        int lostNotStored = 0, lostNotQueued = 0, lost = 0, awaitingOutbox = 0, unacknowledged = 0, unacknowledgedStored = 0;
        for (var e = 0; e < plan.Events.Count; e++)
        {
            var key = plan.Events[e];
            var stored = rows.ContainsKey(key);
            var enqueued = messages.ContainsKey(key);
            if (acknowledged[e])
            {
                // Stored with its pending marker but no message yet: the outbox sweep will enqueue it (not lost, late).
                var owed = stored && !enqueued && pending.Contains(key);
                awaitingOutbox += owed ? 1 : 0;
                lostNotStored += stored ? 0 : 1;
                lostNotQueued += enqueued || owed ? 0 : 1;
                lost += stored && (enqueued || owed) ? 0 : 1;
            }
            else
            {
                unacknowledged++;
                unacknowledgedStored += stored ? 1 : 0;
            }
        }

        var known = plan.Events.ToHashSet(StringComparer.Ordinal);
        var duplicateRows = rows.Sum(r => known.Contains(r.Key) ? r.Value - 1 : r.Value);
        var duplicateMessages = messages.Sum(m => known.Contains(m.Key) ? m.Value - 1 : m.Value);
        return new Verification(
            plan.Events.Count, acknowledged.Count(a => a), unacknowledged, unacknowledgedStored,
            rows.Values.Sum(), messages.Values.Sum(), pending.Count, awaitingOutbox, lost, lostNotStored, lostNotQueued,
            duplicateRows, duplicateMessages);
    }

    /// <summary>The event keys of a tenant's pending-enqueue markers (rows p|key).</summary>
    private static async Task<HashSet<string>> PendingKeysAsync(string connectionString, string tenant, CancellationToken cancellationToken)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(TableCallbackEventStore.TableName);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant + "|"} and PartitionKey lt {tenant + "}"}");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
        {
            if (row.RowKey.StartsWith("p|", StringComparison.Ordinal))
            {
                keys.Add(row.RowKey[2..]);
            }
        }

        return keys;
    }
}

/// <summary>Status codes for requests that got no HTTP response.</summary>
internal static class SendStatus
{
    public const int NotSent = 0;
    public const int Timeout = -1;
    public const int TransportError = -2;
}

/// <summary>One request to send: which event it carries and its signed URL and envelope.</summary>
internal sealed record PlannedSend(int Event, bool IsRetry, string Url, string Body);

/// <summary>The distinct events of a phase (by event key) and the requests that carry them, in sending order.</summary>
internal sealed record Plan(TestTenant Tenant, IReadOnlyList<string> Events, IReadOnlyList<PlannedSend> Sends)
{
    /// <summary>
    /// N distinct add_external_contact events, each encrypted and signed; a fraction of them re-encrypted and re-signed
    /// (new random prefix, nonce and timestamp, same plaintext) like a WeCom retry, placed 1..4×concurrency requests
    /// after the original so that some race the original and some arrive after it has been acknowledged.
    /// </summary>
    public static Plan Build(TestTenant tenant, int count, double retryFraction, int concurrency, string runTag, Random random)
    {
        var events = new string[count];
        var xmls = new string[count];
        var order = new List<(double Position, PlannedSend Send)>(count + (int)(count * retryFraction) + 1);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var xml = tenant.AddExternalContactXml(
                "emp" + (i % 97).ToString("D3", CultureInfo.InvariantCulture),
                "wmqPmCAAAA" + runTag + i.ToString("D10", CultureInfo.InvariantCulture),
                now.AddSeconds(-random.Next(0, 120)),
                state: "branch-" + (i % 300).ToString("D3", CultureInfo.InvariantCulture),
                welcomeCode: "WELCOME_" + RandomNumberGenerator.GetHexString(24));
            xmls[i] = xml;
            events[i] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(xml)));
            var (url, body) = tenant.SignedPost(xml, now);
            order.Add((i, new PlannedSend(i, false, url, body)));
        }

        var retries = (int)Math.Round(count * retryFraction);
        foreach (var i in Enumerable.Range(0, count).OrderBy(_ => random.Next()).Take(retries))
        {
            var (url, body) = tenant.SignedPost(xmls[i], now);
            order.Add((i + random.Next(1, 4 * concurrency + 1) + 0.5, new PlannedSend(i, true, url, body)));
        }

        return new Plan(tenant, events, order.OrderBy(o => o.Position).Select(o => o.Send).ToList());
    }
}

/// <summary>Per request: HTTP status (or a <see cref="SendStatus"/>) and the time to the complete response.</summary>
internal sealed record PhaseResult(int[] Status, long[] Ticks, TimeSpan Elapsed);

/// <summary>What storage holds for one phase's tenant, against what was sent and acknowledged.</summary>
internal sealed record Verification(
    int DistinctEvents,
    int Acknowledged,
    int Unacknowledged,
    int UnacknowledgedButStored,
    int StoredRows,
    int QueueMessages,
    int PendingMarkersLeft,
    int AwaitingOutbox,
    int Lost,
    int LostNotStored,
    int LostNotQueued,
    int DuplicateRows,
    int DuplicateMessages)
{
    public int Duplicated => DuplicateRows + DuplicateMessages;
}

/// <summary>CPU seconds used so far by this process (host and load client) and by its Azurite (node) child.</summary>
internal sealed record CpuSnapshot(TimeSpan Self, TimeSpan? Azurite, TimeSpan? Machine)
{
    public static CpuSnapshot Take()
    {
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(self.TotalProcessorTime, AzuriteCpu(Environment.ProcessId), MachineCpu());
    }

    /// <summary>Busy CPU time of the whole machine (all processes) from /proc/stat, to see whether anything else ran.</summary>
    private static TimeSpan? MachineCpu()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal ..." in USER_HZ (100 per second on Linux).
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            foreach (var i in new[] { 1, 2, 3, 6, 7, 8 })
            {
                busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            }

            return TimeSpan.FromSeconds(busy / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static TimeSpan? AzuriteCpu(int parent)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (var node in Process.GetProcessesByName("node"))
            {
                using (node)
                {
                    // /proc/<pid>/stat: "pid (comm) state ppid ..." — the comm may hold spaces, so split after the ')'.
                    var stat = File.ReadAllText($"/proc/{node.Id}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                    {
                        return node.TotalProcessorTime;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UnauthorizedAccessException)
        {
            // Diagnostics only.
        }

        return null;
    }
}

/// <summary>Counts the host's warnings and errors (at or above the configured log level) and keeps the first few.</summary>
internal sealed class CountingLoggerProvider : ILoggerProvider
{
    private int _warnings;
    private int _errors;
    private readonly List<string> _first = [];

    public ILogger CreateLogger(string categoryName) => new Counter(this, categoryName);

    public (int Warnings, int Errors, IReadOnlyList<string> First) Snapshot()
    {
        lock (_first)
        {
            return (_warnings, _errors, _first.ToList());
        }
    }

    public void Dispose()
    {
    }

    private sealed class Counter(CountingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning)
            {
                return;
            }

            lock (owner._first)
            {
                if (logLevel == LogLevel.Warning)
                {
                    owner._warnings++;
                }
                else
                {
                    owner._errors++;
                }

                if (owner._first.Count < 5)
                {
                    owner._first.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
                }
            }
        }
    }
}

/// <summary>The result of a load run, as printed (text or JSON).</summary>
internal sealed record Report(
    string Machine,
    int ProcessorCount,
    string Runtime,
    LoadOptions Options,
    int DistinctCallbacks,
    int Requests,
    int RetryRequests,
    int Completed,
    double ElapsedSeconds,
    double RequestsPerSecond,
    double CallbacksPerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    double MeanMs,
    double RetryP99Ms,
    IReadOnlyDictionary<string, int> Statuses,
    int Non200,
    Verification Storage,
    Verification? Warmup,
    int UnexpectedMessages,
    int EnqueuedByOutboxSweepAfterRun,
    double? HostAndClientCpuSeconds,
    double? AzuriteCpuSeconds,
    double? OtherProcessesCpuSeconds,
    int HostWarnings,
    int HostErrors,
    IReadOnlyList<string> FirstHostProblems,
    bool StoppedByTimeLimit,
    bool TargetMet,
    bool Passed)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Report Create(
        LoadOptions options, Plan plan, PhaseResult result, Verification storage, Verification? warmup, int unexpected,
        int enqueuedBySweep, CpuSnapshot before, CpuSnapshot after, (int Warnings, int Errors, IReadOnlyList<string> First) hostLog, bool stoppedByTimeLimit)
    {
        var completed = Enumerable.Range(0, result.Status.Length).Where(i => result.Status[i] != SendStatus.NotSent).ToArray();
        double[] Ms(IEnumerable<int> indexes) =>
            indexes.Select(i => Stopwatch.GetElapsedTime(0, result.Ticks[i]).TotalMilliseconds).Order().ToArray();
        var all = Ms(completed);
        var retries = Ms(completed.Where(i => plan.Sends[i].IsRetry));
        var statuses = result.Status.GroupBy(s => s switch
            {
                SendStatus.NotSent => "not sent",
                SendStatus.Timeout => "timeout",
                SendStatus.TransportError => "transport error",
                _ => s.ToString(CultureInfo.InvariantCulture),
            })
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var seconds = result.Elapsed.TotalSeconds;
        var p99 = Percentile(all, 0.99);
        var lostOrDuplicated = storage.Lost + storage.Duplicated + (warmup?.Lost ?? 0) + (warmup?.Duplicated ?? 0) + unexpected;
        var non200 = result.Status.Count(s => s != 200);
        return new Report(
            Environment.MachineName + " / " + RuntimeInformation.OSDescription + " / " + CpuModel(),
            Environment.ProcessorCount,
            RuntimeInformation.FrameworkDescription,
            options,
            plan.Events.Count,
            plan.Sends.Count,
            plan.Sends.Count(s => s.IsRetry),
            completed.Length,
            Math.Round(seconds, 3),
            Math.Round(completed.Length / seconds, 1),
            Math.Round(plan.Events.Count / seconds, 1),
            Percentile(all, 0.50),
            Percentile(all, 0.90),
            p99,
            all.Length == 0 ? 0 : Math.Round(all[^1], 2),
            all.Length == 0 ? 0 : Math.Round(all.Average(), 2),
            Percentile(retries, 0.99),
            statuses,
            non200,
            storage,
            warmup,
            unexpected,
            enqueuedBySweep,
            Math.Round((after.Self - before.Self).TotalSeconds, 2),
            before.Azurite is { } a0 && after.Azurite is { } a1 ? Math.Round((a1 - a0).TotalSeconds, 2) : null,
            before.Machine is { } m0 && after.Machine is { } m1 && before.Azurite is { } b0 && after.Azurite is { } b1
                ? Math.Round(Math.Max(0, ((m1 - m0) - (after.Self - before.Self) - (b1 - b0)).TotalSeconds), 2)
                : null,
            hostLog.Warnings,
            hostLog.Errors,
            hostLog.First,
            stoppedByTimeLimit,
            TargetMet: p99 < options.TargetP99Ms && lostOrDuplicated == 0 && non200 == 0,
            Passed: lostOrDuplicated == 0 && non200 == 0 && storage.Unacknowledged == 0 && storage.AwaitingOutbox == 0
                    && (warmup?.AwaitingOutbox ?? 0) == 0 && !stoppedByTimeLimit);
    }

    public string ToText()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine();
        s.AppendLine(c, $"== Load run: {DistinctCallbacks} distinct add_external_contact callbacks + {RetryRequests} re-encrypted retries, concurrency {Options.Concurrency} ==");
        s.AppendLine(c, $"machine        {Machine}, {ProcessorCount} CPUs, {Runtime}; host log level {Options.LogLevel}");
        s.AppendLine(c, $"requests       {Completed}/{Requests} completed in {ElapsedSeconds:F2} s");
        s.AppendLine(c, $"throughput     {RequestsPerSecond:F0} requests/s, {CallbacksPerSecond:F0} distinct callbacks/s");
        s.AppendLine(c, $"latency (ms)   p50 {P50Ms:F2}  p90 {P90Ms:F2}  p99 {P99Ms:F2}  max {MaxMs:F2}  mean {MeanMs:F2}  (retries p99 {RetryP99Ms:F2})");
        s.AppendLine(c, $"statuses       {string.Join(", ", Statuses.Select(kv => kv.Key + ": " + kv.Value))}; non-200: {Non200}");
        s.AppendLine(c, $"storage        {Storage.StoredRows} event rows, {Storage.QueueMessages} queue messages, {Storage.PendingMarkersLeft} pending markers left, for {Storage.Acknowledged}/{Storage.DistinctEvents} acknowledged events");
        s.AppendLine(c, $"lost           {Storage.Lost} (not stored {Storage.LostNotStored}, not enqueued even by the outbox sweep {Storage.LostNotQueued})");
        if (EnqueuedByOutboxSweepAfterRun > 0 || Storage.AwaitingOutbox > 0)
        {
            s.AppendLine(c, $"outbox         {EnqueuedByOutboxSweepAfterRun} messages enqueued by the outbox sweep after the run; {Storage.AwaitingOutbox} acknowledged events still only pending");
        }

        s.AppendLine(c, $"duplicated     {Storage.Duplicated} (extra rows {Storage.DuplicateRows}, extra messages {Storage.DuplicateMessages}); unexpected messages {UnexpectedMessages}");
        if (Storage.Unacknowledged > 0)
        {
            s.AppendLine(c, $"unacknowledged {Storage.Unacknowledged} events never got a 200 ({Storage.UnacknowledgedButStored} of them stored; WeCom would retry them)");
        }

        if (Warmup is { } w)
        {
            s.AppendLine(c, $"warm-up        {w.Acknowledged}/{w.DistinctEvents} acknowledged, lost {w.Lost}, duplicated {w.Duplicated}");
        }

        s.AppendLine(c, $"CPU (measured) host+client process {HostAndClientCpuSeconds:F1} s, Azurite {(AzuriteCpuSeconds is { } a ? a.ToString("F1", c) + " s" : "n/a")}, other processes {(OtherProcessesCpuSeconds is { } o ? o.ToString("F1", c) + " s" : "n/a")}, over {ElapsedSeconds:F1} s wall on {ProcessorCount} CPUs");
        s.AppendLine(c, $"host log       {HostWarnings} warnings, {HostErrors} errors");
        foreach (var line in FirstHostProblems)
        {
            s.AppendLine(c, $"               {line}");
        }

        if (StoppedByTimeLimit)
        {
            s.AppendLine(c, $"STOPPED        by the time limit ({Options.MaxDuration.TotalSeconds:F0} s) before every request was sent");
        }

        s.AppendLine(c, $"target         p99 < {Options.TargetP99Ms} ms, none lost or duplicated: {(TargetMet ? "MET" : "NOT MET")}");
        s.Append(c, $"result         {(Passed ? "PASS: every callback acknowledged, stored and enqueued exactly once" : "FAIL: see lost / duplicated / non-200 above")}");
        return s.ToString();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line
                ? line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()
                : RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
