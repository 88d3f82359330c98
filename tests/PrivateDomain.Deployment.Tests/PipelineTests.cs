using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace PrivateDomain.Deployment.Tests;

/// <summary>azure-pipelines.yml parses, and every repository path and project it references exists.</summary>
public sealed partial class PipelineTests
{
    /// <summary>Task inputs and step keys whose value is a path in the repository (unless it starts with a variable).</summary>
    private static readonly HashSet<string> PathKeys = new(StringComparer.Ordinal)
    {
        "projects", "project", "solution", "workingDirectory", "templateFile", "templateLocation", "csmFile",
        "csmParametersFile", "scriptPath", "rootFolderOrFile", "targetPath", "parametersFile", "path", "filePath",
    };

    /// <summary>Keys whose value is a script: repository paths inside it are checked too.</summary>
    private static readonly HashSet<string> ScriptKeys = new(StringComparer.Ordinal) { "script", "bash", "pwsh", "powershell", "inlineScript" };

    private static readonly Lazy<YamlMappingNode> Pipeline = new(Load);

    private static YamlMappingNode Load()
    {
        var path = Repo.PathOf("azure-pipelines.yml");
        Assert.True(File.Exists(path), "azure-pipelines.yml is missing at the repository root");
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    /// <summary>Every (key, scalar value) pair in the document, at any depth (a list item inherits its list's key).</summary>
    private static IEnumerable<(string Key, string Value)> Scalars(YamlNode node, string key = "")
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is not null:
                yield return (key, scalar.Value);
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence)
                {
                    foreach (var pair in Scalars(item, key))
                    {
                        yield return pair;
                    }
                }

                break;
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping)
                {
                    foreach (var pair in Scalars(v, ((YamlScalarNode)k).Value ?? ""))
                    {
                        yield return pair;
                    }
                }

                break;
        }
    }

    /// <summary>Every repository path the pipeline refers to, with where it was found.</summary>
    private static List<(string Path, string Where)> ReferencedPaths()
    {
        var found = new List<(string, string)>();
        foreach (var (key, value) in Scalars(Pipeline.Value))
        {
            if (PathKeys.Contains(key) && !value.Contains("$(", StringComparison.Ordinal) && !value.Contains("${{", StringComparison.Ordinal)
                && !value.StartsWith("**", StringComparison.Ordinal))
            {
                found.Add((value.Trim(), key));
            }

            if (ScriptKeys.Contains(key) || PathKeys.Contains(key))
            {
                found.AddRange(RepoPathInText().Matches(value).Select(m => (m.Groups["path"].Value, $"{key}: {value.Split('\n')[0].Trim()}")));
            }
        }

        return found.Distinct().ToList();
    }

    [Fact]
    public void Pipeline_parses_and_has_build_and_per_tenant_deploy_stages()
    {
        var stages = Pipeline.Value.Children[new YamlScalarNode("stages")];
        Assert.IsType<YamlSequenceNode>(stages);
        var text = File.ReadAllText(Repo.PathOf("azure-pipelines.yml"));
        Assert.Contains("- stage: Build", text, StringComparison.Ordinal);
        Assert.Contains("${{ each tenant in parameters.tenants }}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_path_and_project_the_pipeline_references_exists()
    {
        var paths = ReferencedPaths();
        Assert.NotEmpty(paths);
        var missing = paths.Where(p => !Exists(p.Path)).Select(p => $"{p.Path} (in {p.Where})").ToList();
        Assert.True(missing.Count == 0, "azure-pipelines.yml references paths that do not exist:\n" + string.Join('\n', missing));

        // The pipeline must build the full solution and publish the Functions project.
        Assert.Contains(paths, p => p.Path == "PrivateDomain.sln");
        Assert.Contains(paths, p => p.Path == "functions/PrivateDomain.Functions/PrivateDomain.Functions.csproj");
        Assert.Contains(paths, p => p.Path == "tests/PrivateDomain.Deployment.Tests/PrivateDomain.Deployment.Tests.csproj");
        Assert.Contains(paths, p => p.Path == "infra-bicep");
    }

    [Fact]
    public void Every_project_the_pipeline_references_is_in_the_solution()
    {
        var solution = File.ReadAllText(Repo.PathOf("PrivateDomain.sln")).Replace('\\', '/');
        var projects = ReferencedPaths().Select(p => p.Path).Where(p => p.EndsWith(".csproj", StringComparison.Ordinal)).Distinct().ToList();
        Assert.NotEmpty(projects);
        Assert.All(projects, p => Assert.Contains(p, solution, StringComparison.Ordinal));
    }

    [Fact]
    public void Tenants_in_the_pipeline_match_the_tenant_parameter_files_one_to_one()
    {
        var parameters = (YamlSequenceNode)Pipeline.Value.Children[new YamlScalarNode("parameters")];
        var tenants = parameters.OfType<YamlMappingNode>()
            .Single(p => ((YamlScalarNode)p.Children[new YamlScalarNode("name")]).Value == "tenants");
        var entries = ((YamlSequenceNode)tenants.Children[new YamlScalarNode("default")]).OfType<YamlMappingNode>().ToList();
        string Field(YamlMappingNode entry, string name) => ((YamlScalarNode)entry.Children[new YamlScalarNode(name)]).Value ?? "";

        var files = entries.Select(e => Field(e, "parametersFile")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Repo.TenantParameterFiles(), files);
        foreach (var entry in entries)
        {
            var key = Field(entry, "key");
            var param = File.ReadAllText(Repo.PathOf(Field(entry, "parametersFile")));
            Assert.Contains($"param tenantKey = '{key}'", param, StringComparison.Ordinal);
            Assert.Contains($"param location = '{Field(entry, "location")}'", param, StringComparison.Ordinal);
            foreach (var field in new[] { "serviceConnection", "resourceGroup", "environment" })
            {
                Assert.False(string.IsNullOrWhiteSpace(Field(entry, field)), $"tenant {key}: {field} is empty");
            }
        }
    }

    [Fact]
    public void Deploy_stages_are_gated_by_environments_and_use_the_cli_and_the_flex_consumption_deploy_task()
    {
        var text = File.ReadAllText(Repo.PathOf("azure-pipelines.yml"));
        Assert.Contains("- deployment:", text, StringComparison.Ordinal);
        Assert.Contains("environment: ${{ tenant.environment }}", text, StringComparison.Ordinal);
        Assert.Contains("task: AzureCLI@2", text, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", text, StringComparison.Ordinal);
        Assert.Contains("task: AzureFunctionApp@2", text, StringComparison.Ordinal);
        Assert.Contains("isFlexConsumption: true", text, StringComparison.Ordinal);
        Assert.Contains("task: NodeTool@0", text, StringComparison.Ordinal);
    }

    private static bool Exists(string relative)
    {
        if (relative.Contains('*', StringComparison.Ordinal))
        {
            var dir = Repo.PathOf(Path.GetDirectoryName(relative) ?? ".");
            return Directory.Exists(dir) && Directory.GetFiles(dir, Path.GetFileName(relative)).Length > 0;
        }

        var full = Repo.PathOf(relative);
        return File.Exists(full) || Directory.Exists(full);
    }

    /// <summary>
    /// A repository path inside a script: something under a top-level folder of this repository, or a solution / project
    /// / Bicep file name, not preceded by a variable ($(...)/...) or another path segment.
    /// </summary>
    [GeneratedRegex(@"(?<![\w$)./-])(?<path>(?:functions|tests|infra-bicep|docs|content-templates)(?:/[\w.*-]+)*|[\w.-]+\.(?:sln|slnf|csproj|bicep|bicepparam))(?![\w/.-])")]
    private static partial Regex RepoPathInText();
}
