using System.Text.Json.Nodes;

namespace PrivateDomain.Deployment.Tests;

/// <summary>
/// Copies infra-bicep/ to a temporary folder (so nothing is written into the work tree) and runs the Bicep CLI over it
/// once for all tests: build of main.bicep and secrets.bicep, build-params and a snapshot (the resources a deployment
/// would create, with the tenant's parameters applied) for every tenant file, and lint of every .bicep and .bicepparam.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    /// <summary>Fake subscription and tenant for snapshots: they only shape resource IDs.</summary>
    private const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    private const string EntraTenantId = "00000000-0000-0000-0000-0000000000bb";

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "pd-deployment-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The temporary copy of infra-bicep/.</summary>
    public string Work => Path.Combine(_temp, "infra-bicep");

    /// <summary>Where compiled JSON goes.</summary>
    public string Out => Path.Combine(_temp, "out");

    /// <summary>Every CLI run, for the tests to assert on.</summary>
    public List<BicepRun> BuildRuns { get; } = [];

    /// <summary>Lint runs (all .bicep files; all .bicepparam files).</summary>
    public List<BicepRun> LintRuns { get; } = [];

    /// <summary>build-params and snapshot runs by tenant file (repository-relative path).</summary>
    public Dictionary<string, BicepRun> ParamRuns { get; } = new(StringComparer.Ordinal);

    /// <summary>Snapshot runs by tenant file.</summary>
    public Dictionary<string, BicepRun> SnapshotRuns { get; } = new(StringComparer.Ordinal);

    /// <summary>Compiled main.bicep (ARM JSON).</summary>
    public JsonObject MainTemplate { get; private set; } = [];

    /// <summary>Compiled secrets.bicep (ARM JSON).</summary>
    public JsonObject SecretsTemplate { get; private set; } = [];

    /// <summary>Compiled parameter files by tenant file.</summary>
    public Dictionary<string, JsonObject> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Snapshots (predictedResources, outputs) by tenant file.</summary>
    public Dictionary<string, JsonObject> Snapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>The tenant files, repository-relative.</summary>
    public IReadOnlyList<string> TenantFiles { get; } = Repo.TenantParameterFiles();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        CopyDirectory(Repo.Infra, Work);
        Directory.CreateDirectory(Out);

        var builds = new[]
        {
            BicepCli.RunAsync(Work, "build", "main.bicep", "--no-restore", "--outfile", Path.Combine(Out, "main.json")),
            BicepCli.RunAsync(Work, "build", "secrets.bicep", "--no-restore", "--outfile", Path.Combine(Out, "secrets.json")),
        };
        var lints = new[]
        {
            BicepCli.RunAsync(Work, "lint", "--pattern", "**/*.bicep", "--no-restore"),
            BicepCli.RunAsync(Work, "lint", "--pattern", "tenants/*.bicepparam", "--no-restore"),
        };
        var paramRuns = TenantFiles.ToDictionary(
            t => t,
            t => BicepCli.RunAsync(Work, "build-params", LocalPath(t), "--no-restore", "--outfile", Path.Combine(Out, Path.GetFileNameWithoutExtension(t) + ".parameters.json")),
            StringComparer.Ordinal);
        var snapshots = TenantFiles.ToDictionary(
            t => t,
            t => BicepCli.RunAsync(
                Work, "snapshot", LocalPath(t), "--mode", "overwrite",
                "--subscription-id", SubscriptionId, "--tenant-id", EntraTenantId,
                "--resource-group", "rg-" + Path.GetFileNameWithoutExtension(t)),
            StringComparer.Ordinal);

        BuildRuns.AddRange(await Task.WhenAll(builds));
        LintRuns.AddRange(await Task.WhenAll(lints));
        foreach (var (tenant, run) in paramRuns)
        {
            ParamRuns[tenant] = await run;
        }

        foreach (var (tenant, run) in snapshots)
        {
            SnapshotRuns[tenant] = await run;
        }

        MainTemplate = ReadJson(Path.Combine(Out, "main.json"));
        SecretsTemplate = ReadJson(Path.Combine(Out, "secrets.json"));
        foreach (var tenant in TenantFiles)
        {
            Parameters[tenant] = ReadJson(Path.Combine(Out, Path.GetFileNameWithoutExtension(tenant) + ".parameters.json"));
            Snapshots[tenant] = ReadJson(Path.Combine(Work, "tenants", Path.GetFileNameWithoutExtension(tenant) + ".snapshot.json"));
        }
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is not a test failure.
        }

        return Task.CompletedTask;
    }

    private static string LocalPath(string repoRelativeTenantFile) => "tenants/" + Path.GetFileName(repoRelativeTenantFile);

    private static JsonObject ReadJson(string path) =>
        File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))!.AsObject() : [];

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            // Earlier snapshots or compiled JSON lying around in the work tree must not stand in for fresh output.
            if (file.EndsWith(".snapshot.json", StringComparison.Ordinal))
            {
                continue;
            }

            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}

/// <summary>Tests sharing one <see cref="InfraFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "infra-bicep";
}
