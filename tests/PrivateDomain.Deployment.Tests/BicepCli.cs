using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PrivateDomain.Deployment.Tests;

/// <summary>Result of one Bicep CLI run.</summary>
public sealed record BicepRun(string Arguments, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Every diagnostic (error, warning or info) the CLI printed, one per line.</summary>
    public IReadOnlyList<string> Diagnostics =>
        (StdOut + "\n" + StdErr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => BicepCli.DiagnosticLine().IsMatch(l))
            .ToList();

    /// <summary>Fails unless the run exited 0 and printed no diagnostic at all (warnings count as failures).</summary>
    public BicepRun AssertClean()
    {
        Assert.True(
            ExitCode == 0 && Diagnostics.Count == 0,
            $"bicep {Arguments} exited {ExitCode} with diagnostics:\n{string.Join('\n', Diagnostics)}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}");
        return this;
    }
}

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (path recorded by the csproj). Runs offline:
/// the templates use no registry modules and every command gets --no-restore where it has one.
/// </summary>
internal static partial class BicepCli
{
    private static readonly Lazy<string> Executable = new(LocateExecutable, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A diagnostic line: "path(line,col) : Warning rule: message".</summary>
    [GeneratedRegex(@"\(\d+,\d+\) : (Error|Warning|Info) ")]
    internal static partial Regex DiagnosticLine();

    /// <summary>Path of the bicep binary (made executable if the package extraction lost the bit).</summary>
    public static string Path => Executable.Value;

    /// <summary>Runs bicep with the arguments in the working directory.</summary>
    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return new BicepRun(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    private static string LocateExecutable()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            throw new PlatformNotSupportedException("The deployment tests use the Bicep CLI for linux-x64 (package Azure.Bicep.CommandLine.linux-x64).");
        }

        var root = Repo.Metadata("BicepPackageRoot");
        var path = System.IO.Path.Combine(root, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at {path}. Restore tests/PrivateDomain.Deployment.Tests (package Azure.Bicep.CommandLine.linux-x64).",
                path);
        }

        const UnixFileMode executeAll = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & executeAll) == executeAll)
        {
            return path;
        }

        try
        {
            File.SetUnixFileMode(path, mode | executeAll | UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's NuGet cache: run a private, executable copy.
            var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pd-bicep-{Environment.ProcessId}", "bicep");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
            File.Copy(path, copy, overwrite: true);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return copy;
        }
    }
}
