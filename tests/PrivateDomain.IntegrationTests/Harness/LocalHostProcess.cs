using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// The built local host (<c>PrivateDomain.Local.dll</c> of the tests' own build configuration) as a separate OS
/// process on a free loopback port chosen by the OS and read back from its log, so a test can kill it with SIGKILL
/// (<see cref="Kill"/>) and start another against the same storage. Its output is kept for failure messages; disposing
/// kills it if it still runs.
/// </summary>
public sealed partial class LocalHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _disposed;
    private readonly StringBuilder _output;

    private LocalHostProcess(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The OS process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The folder of the built host, from the same configuration (Debug/Release) and framework as the tests.</summary>
    public static string AppDirectory { get; } = FindAppDirectory();

    /// <summary>Everything the host wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the host with <paramref name="settings"/> as environment variables (<c>:</c> becomes <c>__</c>) and waits,
    /// with a deadline, until it listens and <c>/healthz</c> answers 200.
    /// </summary>
    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppDirectory, "PrivateDomain.Local.dll"));
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add("http://127.0.0.1:0");
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        psi.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start dotnet for the local host.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                return response.IsSuccessStatusCode;
            }, "the local host's /healthz", timeout ?? TimeSpan.FromSeconds(30));
            return new LocalHostProcess(process, output, address);
        }
        catch (Exception e)
        {
            var failed = new LocalHostProcess(process, output, new Uri("http://127.0.0.1/"));
            await failed.DisposeAsync();
            throw new InvalidOperationException($"The local host did not start ({e.Message}). Its output:\n{failed.Output}", e);
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                listening.TrySetException(new InvalidOperationException("The local host exited."));
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (Listening().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }
    }

    /// <summary>Kills the host with SIGKILL (no shutdown, no flush: what a crash or the OOM killer does).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Waits (with a deadline) until the process has exited.</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));

    /// <inheritdoc />
    /// <remarks>Idempotent: a test that disposed a host and then failed to start the next one disposes it again in its
    /// finally block, and that must not replace the start failure with "no process is associated with this object".</remarks>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        await WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static string FindAppDirectory()
    {
        // The tests run from tests/PrivateDomain.IntegrationTests/bin/{configuration}/{framework}/.
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = tests.Name;
        var configuration = tests.Parent?.Name ?? "Release";
        var dir = RepoRoot.Combine("functions", "PrivateDomain.Local", "bin", configuration, framework);
        return File.Exists(Path.Combine(dir, "PrivateDomain.Local.dll"))
            ? dir
            : throw new InvalidOperationException($"{dir}/PrivateDomain.Local.dll is missing: build the solution (dotnet build PrivateDomain.Offline.slnf -c {configuration}) first.");
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
