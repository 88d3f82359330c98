namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>Finds the repository root (the folder holding PrivateDomain.sln) from the test binaries.</summary>
public static class RepoRoot
{
    /// <summary>The repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PrivateDomain.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PrivateDomain.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A path inside the repository.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>node_modules must exist: ./pd test runs npm ci first.</summary>
    public static string NodeModule(string relative)
    {
        var path = Combine("node_modules", relative);
        return File.Exists(path) || Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run ./pd test (it runs npm ci) or npm ci at the repository root.");
    }
}
