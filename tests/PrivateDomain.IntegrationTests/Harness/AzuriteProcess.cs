using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// A real Azurite (blob, queue, table) in-memory on free loopback ports, from the repository's node_modules.
/// Ports are chosen by Azurite itself (port 0) and read from its output, so there is no race for a port.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private AzuriteProcess(Process process, Uri blob, Uri queue, Uri table)
    {
        _process = process;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
    }

    /// <summary>The blob service, e.g. http://127.0.0.1:41234.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The queue service.</summary>
    public Uri QueueEndpoint { get; }

    /// <summary>The table service.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>A connection string to this Azurite, optionally with some services reached through other ports (proxies).</summary>
    public string ConnectionString(int? blobPort = null, int? queuePort = null, int? tablePort = null) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey +
        $";BlobEndpoint=http://127.0.0.1:{blobPort ?? BlobEndpoint.Port}/devstoreaccount1" +
        $";QueueEndpoint=http://127.0.0.1:{queuePort ?? QueueEndpoint.Port}/devstoreaccount1" +
        $";TableEndpoint=http://127.0.0.1:{tablePort ?? TableEndpoint.Port}/devstoreaccount1;";

    /// <summary>Starts Azurite and waits (with a deadline) until all three services listen: in memory, or keeping its data
    /// in <paramref name="location"/> (as <c>./pd run</c> does) when one is given; with a larger JavaScript heap than
    /// node's default when <paramref name="heapMegabytes"/> is given (a benchmark's hundreds of thousands of rows).</summary>
    public static async Task<AzuriteProcess> StartAsync(TimeSpan? timeout = null, string? location = null, int? heapMegabytes = null)
    {
        var script = RepoRoot.NodeModule("azurite/dist/src/azurite.js");
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot.Path,
        };
        var persistence = location is null ? new[] { "--inMemoryPersistence" } : ["--location", location];
        string[] heap = heapMegabytes is { } mb ? [$"--max-old-space-size={mb}"] : [];
        foreach (var arg in (string[])
                 [
                     .. heap, script, .. persistence, "--skipApiVersionCheck", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
                     "--tableHost", "127.0.0.1", "--tablePort", "0",
                 ])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        var endpoints = new Dictionary<string, Uri>();
        var output = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("Azurite exited early:\n" + output));
                return;
            }

            lock (endpoints)
            {
                output.AppendLine(e.Data);
                var m = Listening().Match(e.Data);
                if (m.Success)
                {
                    endpoints[m.Groups[1].Value] = new Uri(m.Groups[2].Value);
                    if (endpoints.Count == 3)
                    {
                        ready.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (endpoints)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(120)); // a busy 2-core machine can take a while to start node
        }
        catch
        {
            Kill(process);
            throw;
        }

        return new AzuriteProcess(process, endpoints["Blob"], endpoints["Queue"], endpoints["Table"]);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service is successfully listening at (http://\S+)")]
    private static partial Regex Listening();
}
