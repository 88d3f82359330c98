using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;
using PrivateDomain.Welcome;

namespace PrivateDomain.Benchmarks;

/// <summary>
/// The welcome burst (<c>./pd bench-welcome</c>): a real Azurite, the WeCom sandbox and the real local host (every queue
/// worker on, so the welcome competes with ordinary event processing) in this process; N signed add_external_contact
/// callbacks with distinct welcome codes POSTed at high concurrency; latency per welcome from the start of its POST to
/// the sandbox receiving send_welcome_msg for its code. Afterwards every code must have been sent exactly once.
/// </summary>
public static class WelcomeBurstRun
{
    private const string Help = """
        ./pd bench-welcome [options]
          --callbacks N        add callbacks in the burst, each with its own welcome code (default 1000)
          --concurrency N      POSTs in flight at once (default 200)
          --warmup N           callbacks sent and welcomed first, not measured (default 50)
          --wait-seconds S     how long to wait for the last welcome after the burst (default 60)
          --json               print the result as one JSON object on stdout
        A callback without a 200 is sent again 5 s later, as WeCom does (three tries in all).
        Exits 0 when every welcome was sent exactly once, 1 otherwise, 2 for bad options.
        """;

    private static readonly long Started = Stopwatch.GetTimestamp();

    /// <summary>Entry point.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        int callbacks = 1000, concurrency = 200, warmup = 50, waitSeconds = 60;
        var json = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                int Next() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 0
                    ? v : throw new FormatException($"{args[i]} needs a whole number.");
                switch (args[i])
                {
                    case "--callbacks": callbacks = Math.Max(1, Next()); break;
                    case "--concurrency": concurrency = Math.Max(1, Next()); break;
                    case "--warmup": warmup = Next(); break;
                    case "--wait-seconds": waitSeconds = Math.Max(1, Next()); break;
                    case "--json": json = true; break;
                    case "--help" or "-h":
                        Console.WriteLine(Help);
                        return 0;
                    default: throw new FormatException($"unknown option {args[i]}");
                }
            }
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine("bench-welcome: " + e.Message);
            Console.Error.WriteLine(Help);
            return 2;
        }

        void Log(string message) => (json ? Console.Error : Console.Out).WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"[{Stopwatch.GetElapsedTime(Started).TotalSeconds,6:F1}s] {message}"));

        Log($"bench-welcome: starting Azurite (in memory), the WeCom sandbox and the local host; {Environment.ProcessorCount} CPUs, .NET {Environment.Version}");
        var logCounter = new CountingLoggerProvider();
        await using var azurite = await AzuriteProcess.StartAsync().ConfigureAwait(false);
        await using var stack = await WelcomeStack.StartAsync(azurite.ConnectionString(), settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        }, services: s =>
        {
            s.AddSingleton<ILoggerProvider>(logCounter);
            s.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }).ConfigureAwait(false);
        await stack.AddEmployeeAsync("chenxiao", "陈晓", "理财经理", "西湖支行").ConfigureAwait(false);
        Log($"bench-welcome: host at {stack.Host.BaseAddress}, sandbox at {stack.Sandbox.BaseAddress}");

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = stack.Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var run = RandomNumberGenerator.GetHexString(6);
        if (warmup > 0)
        {
            Log($"bench-welcome: warm-up, {warmup} callbacks");
            var w = await BurstAsync(stack.Tenant, client, Build(stack, run + "W", warmup), concurrency).ConfigureAwait(false);
            await WaitAsync(stack, azurite.ConnectionString(), w, TimeSpan.FromSeconds(waitSeconds)).ConfigureAwait(false);
        }

        var burst = Build(stack, run, callbacks);
        Log($"bench-welcome: burst of {callbacks} add callbacks at concurrency {concurrency}");
        var cpuBefore = CpuSnapshot.Take();
        var sent = await BurstAsync(stack.Tenant, client, burst, concurrency).ConfigureAwait(false);
        Log($"bench-welcome: {sent.Count(s => s.Status == 200)}/{callbacks} acknowledged in {sent.Max(s => s.AckedAt - sent[0].PostedAt).TotalSeconds:F2} s; waiting for the welcomes");
        var outcome = await WaitAsync(stack, azurite.ConnectionString(), sent, TimeSpan.FromSeconds(waitSeconds)).ConfigureAwait(false);
        var cpuAfter = CpuSnapshot.Take();

        var report = WelcomeBurstReport.Create(callbacks, concurrency, sent, outcome, cpuBefore, cpuAfter, logCounter.Snapshot());
        var text = JsonSerializer.Serialize(report, Report.JsonOptions);
        var saved = RepoRoot.Combine(".artifacts", "load", $"welcome-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        await File.WriteAllTextAsync(saved, text).ConfigureAwait(false);
        Log("bench-welcome: report saved to " + saved);
        Console.WriteLine(json ? text : report.ToText());
        return report.Passed ? 0 : 1;
    }

    private static List<(string Code, string Xml, string Url, string Body)> Build(WelcomeStack stack, string run, int count)
    {
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count).Select(i =>
        {
            var code = string.Create(CultureInfo.InvariantCulture, $"WELCOME-{run}-{i:D6}-{RandomNumberGenerator.GetHexString(16)}");
            var xml = stack.Tenant.AddExternalContactXml("chenxiao", string.Create(CultureInfo.InvariantCulture, $"wm{run}{i:D6}"), now, welcomeCode: code);
            var (url, body) = stack.Tenant.SignedPost(xml, now);
            return (code, xml, url, body);
        }).ToList();
    }

    /// <summary>POSTs every callback with at most <paramref name="concurrency"/> in flight. Like WeCom, a callback that does
    /// not get a 200 is sent again 5 s later (re-encrypted and re-signed), three tries in all; latency counts from the first.</summary>
    private static async Task<List<Posted>> BurstAsync(TestTenant tenant, HttpClient client, List<(string Code, string Xml, string Url, string Body)> plan, int concurrency)
    {
        var results = new Posted[plan.Count];
        using var slots = new SemaphoreSlim(concurrency);
        await Task.WhenAll(Enumerable.Range(0, plan.Count).Select(async i =>
        {
            var (code, xml, url, body) = plan[i];
            var postedAt = DateTimeOffset.UtcNow;
            var status = 0;
            var tries = 0;
            while (tries < 3)
            {
                if (tries > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                    (url, body) = tenant.SignedPost(xml, DateTimeOffset.UtcNow);
                }

                tries++;
                await slots.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (tries == 1)
                    {
                        postedAt = DateTimeOffset.UtcNow;
                    }

                    using var content = new StringContent(body, Encoding.UTF8, "text/xml");
                    using var response = await client.PostAsync(url, content).ConfigureAwait(false);
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = -1;
                }
                catch (TaskCanceledException)
                {
                    status = -2;
                }
                finally
                {
                    slots.Release();
                }

                if (status == 200)
                {
                    break;
                }
            }

            results[i] = new Posted(code, postedAt, DateTimeOffset.UtcNow, status, tries);
        })).ConfigureAwait(false);
        return [.. results];
    }

    /// <summary>Polls the sandbox (and, for codes it has not seen, the ledger) until every acknowledged code has an
    /// outcome or the wait is over.</summary>
    private static async Task<BurstOutcome> WaitAsync(WelcomeStack stack, string connectionString, List<Posted> posted, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        var codes = posted.Where(p => p.Status == 200).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var notSent = new Dictionary<string, WelcomeRecord>(StringComparer.Ordinal);
        while (true)
        {
            var sends = Sends(stack, codes);
            var missing = codes.Where(c => !sends.ContainsKey(c) && !notSent.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                // Codes the sandbox has not seen may have been recorded as not sent (expired, skipped, failed): read the ledger.
                var table = new TableClient(connectionString, TableWelcomeLedger.TableName);
                var tenant = TableKeys.Escape(stack.Tenant.Name);
                var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant + "|0"} and PartitionKey le {tenant + "|f"}");
                await foreach (var row in table.QueryAsync<TableEntity>(filter).ConfigureAwait(false))
                {
                    var code = TableKeys.Unescape(row.RowKey);
                    if (codes.Contains(code) && !sends.ContainsKey(code)
                        && Enum.TryParse<WelcomeStatus>(row.GetString("Status"), out var status)
                        && status is WelcomeStatus.Skipped or WelcomeStatus.Expired or WelcomeStatus.Failed)
                    {
                        notSent[code] = new WelcomeRecord(stack.Tenant.Name, code, "", "", "", default, status, row.GetString("Reason"), default);
                    }
                }

                missing = codes.Where(c => !sends.ContainsKey(c) && !notSent.ContainsKey(c)).ToList();
            }

            if (missing.Count == 0 || DateTime.UtcNow > deadline)
            {
                return new BurstOutcome(sends, notSent, missing);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, List<DateTimeOffset>> Sends(WelcomeStack stack, HashSet<string> codes)
    {
        var sends = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var r in stack.Sandbox.Sandbox.Requests)
        {
            if (r.Api != "externalcontact/send_welcome_msg" || r.Body is null)
            {
                continue;
            }

            var code = JsonDocument.Parse(r.Body).RootElement.GetProperty("welcome_code").GetString()!;
            if (codes.Contains(code))
            {
                (sends.TryGetValue(code, out var list) ? list : sends[code] = []).Add(r.At);
            }
        }

        return sends;
    }
}

/// <summary>One POST of the burst.</summary>
internal sealed record Posted(string Code, DateTimeOffset PostedAt, DateTimeOffset AckedAt, int Status, int Tries);

/// <summary>What the sandbox received per code, the codes recorded as not sent, and the codes with no outcome at all.</summary>
internal sealed record BurstOutcome(Dictionary<string, List<DateTimeOffset>> Sends, Dictionary<string, WelcomeRecord> NotSent, List<string> Missing);

/// <summary>The figures of a welcome burst.</summary>
internal sealed record WelcomeBurstReport(
    string Machine,
    int ProcessorCount,
    string Runtime,
    int Callbacks,
    int Concurrency,
    int Acknowledged,
    int AcknowledgedOnARetry,
    double BurstSeconds,
    double AckP50Ms,
    double AckP99Ms,
    int Welcomed,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    int Within3s,
    int Duplicated,
    IReadOnlyDictionary<string, int> NotSent,
    int Lost,
    double? HostAndClientCpuSeconds,
    double? AzuriteCpuSeconds,
    double? OtherProcessesCpuSeconds,
    double ElapsedSeconds,
    int HostWarnings,
    int HostErrors)
{
    public bool Passed => Acknowledged + AcknowledgedOnARetry == Callbacks && Welcomed == Callbacks && Duplicated == 0 && Lost == 0;

    public static WelcomeBurstReport Create(
        int callbacks, int concurrency, List<Posted> posted, BurstOutcome outcome, CpuSnapshot before, CpuSnapshot after,
        (int Warnings, int Errors, IReadOnlyList<string> First) log)
    {
        var byCode = posted.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var latencies = outcome.Sends.Select(s => (s.Value.Min() - byCode[s.Key].PostedAt).TotalMilliseconds).Order().ToArray();
        var acks = posted.Where(p => p.Status == 200 && p.Tries == 1).Select(p => (p.AckedAt - p.PostedAt).TotalMilliseconds).Order().ToArray();
        var start = posted.Min(p => p.PostedAt);
        var end = outcome.Sends.Count > 0 ? outcome.Sends.Values.Max(v => v.Max()) : posted.Max(p => p.AckedAt);
        var self = (after.Self - before.Self).TotalSeconds;
        double? azurite = before.Azurite is { } a0 && after.Azurite is { } a1 ? (a1 - a0).TotalSeconds : null;
        double? other = before.Machine is { } m0 && after.Machine is { } m1 && azurite is { } az ? Math.Max(0, (m1 - m0).TotalSeconds - self - az) : null;
        return new WelcomeBurstReport(
            Environment.MachineName + " / " + RuntimeInformation.OSDescription,
            Environment.ProcessorCount,
            ".NET " + Environment.Version,
            callbacks,
            concurrency,
            acks.Length,
            posted.Count(p => p.Status == 200 && p.Tries > 1),
            (posted.Max(p => p.AckedAt) - start).TotalSeconds,
            Percentile(acks, 0.50),
            Percentile(acks, 0.99),
            latencies.Length,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? 0 : latencies[^1],
            latencies.Count(l => l <= 3000),
            outcome.Sends.Values.Sum(v => v.Count - 1),
            outcome.NotSent.Values.GroupBy(r => r.Status + " " + (r.Reason ?? "").Split(':')[0]).ToDictionary(g => g.Key, g => g.Count()),
            outcome.Missing.Count,
            self,
            azurite,
            other,
            (end - start).TotalSeconds,
            log.Warnings,
            log.Errors);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"== Welcome burst: {Callbacks} signed add_external_contact callbacks, each with its own welcome_code, {Concurrency} in flight ==");
        s.AppendLine(c, $"machine        {Machine}, {ProcessorCount} CPUs, {Runtime}; host log level Warning; every queue worker on");
        s.AppendLine(c, $"callbacks      {Acknowledged + AcknowledgedOnARetry}/{Callbacks} acknowledged ({AcknowledgedOnARetry} on a WeCom-style retry 5 s later) in {BurstSeconds:F2} s; first-try ack p50 {AckP50Ms:F1} ms  p99 {AckP99Ms:F1} ms");
        s.AppendLine(c, $"welcomes       {Welcomed}/{Callbacks} received by the sandbox; last one {ElapsedSeconds:F2} s after the first POST");
        s.AppendLine(c, $"latency (ms)   POST → sandbox: p50 {P50Ms:F1}  p95 {P95Ms:F1}  p99 {P99Ms:F1}  max {MaxMs:F1}  (within 3 s: {Within3s})");
        s.AppendLine(c, $"not sent       {(NotSent.Count == 0 ? "none" : string.Join(", ", NotSent.Select(kv => $"{kv.Key}: {kv.Value}")))}");
        s.AppendLine(c, $"duplicated     {Duplicated}");
        s.AppendLine(c, $"lost           {Lost}");
        s.AppendLine(c, $"CPU            host+client+sandbox {HostAndClientCpuSeconds:F1} s, Azurite {AzuriteCpuSeconds:F1} s, other processes {OtherProcessesCpuSeconds:F1} s");
        s.AppendLine(c, $"host log       {HostWarnings} warnings, {HostErrors} errors");
        s.Append(Passed ? "result         PASS: every welcome sent exactly once" : "result         FAIL");
        return s.ToString();
    }
}
