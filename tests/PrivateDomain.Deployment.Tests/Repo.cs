using System.Reflection;

namespace PrivateDomain.Deployment.Tests;

/// <summary>Paths of the repository under test, as recorded at build time (see the csproj).</summary>
internal static class Repo
{
    /// <summary>The repository root (the folder holding PrivateDomain.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>infra-bicep/ in the repository.</summary>
    public static string Infra => Path.Combine(Root, "infra-bicep");

    /// <summary>A repository-relative path (forward slashes) made absolute.</summary>
    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>The tenant parameter files, repository-relative, sorted.</summary>
    public static IReadOnlyList<string> TenantParameterFiles() =>
        Directory.GetFiles(Path.Combine(Infra, "tenants"), "*.bicepparam")
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Assembly metadata written by the csproj.</summary>
    public static string Metadata(string key) =>
        typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; is the csproj intact?");

    private static string FindRoot()
    {
        var recorded = Metadata("RepositoryRoot");
        if (File.Exists(Path.Combine(recorded, "PrivateDomain.sln")))
        {
            return Path.GetFullPath(recorded);
        }

        // The build-time path moved (copied output): walk up from the test assembly instead.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrivateDomain.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find PrivateDomain.sln above {AppContext.BaseDirectory} or at {recorded}.");
    }
}
