using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PrivateDomain.Deployment.Tests;

/// <summary>`bicep build`, `bicep build-params` and `bicep lint` are clean (no errors, no warnings) for every tenant.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class BicepValidationTests(InfraFixture infra)
{
    public static TheoryData<string> Tenants() => [.. Repo.TenantParameterFiles()];

    [Fact]
    public void There_are_at_least_two_tenant_parameter_files() =>
        Assert.True(infra.TenantFiles.Count >= 2, $"Expected two or more infra-bicep/tenants/*.bicepparam, found {infra.TenantFiles.Count}.");

    [Fact]
    public void Bicep_build_of_main_and_secrets_is_clean()
    {
        Assert.Equal(2, infra.BuildRuns.Count);
        foreach (var run in infra.BuildRuns)
        {
            run.AssertClean();
        }

        Assert.NotEmpty(Arm.TemplateResources(infra.MainTemplate));
        Assert.NotEmpty(Arm.TemplateResources(infra.SecretsTemplate));
    }

    [Fact]
    public void Bicep_lint_of_every_bicep_and_bicepparam_file_has_no_warnings()
    {
        Assert.Equal(2, infra.LintRuns.Count);
        foreach (var run in infra.LintRuns)
        {
            run.AssertClean();
        }
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Bicep_build_params_is_clean(string tenantFile)
    {
        infra.ParamRuns[tenantFile].AssertClean();
        var parameters = infra.Parameters[tenantFile]["parameters"]?.AsObject();
        Assert.NotNull(parameters);
        Assert.Contains("tenantKey", parameters.Select(p => p.Key));
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Bicep_snapshot_predicts_the_tenant_resources(string tenantFile)
    {
        infra.SnapshotRuns[tenantFile].AssertClean();
        Assert.NotEmpty(Arm.SnapshotResources(infra.Snapshots[tenantFile]));
        Assert.Empty(infra.Snapshots[tenantFile]["diagnostics"] as JsonArray ?? []);
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Tenant_key_is_safe_in_app_setting_names_routes_and_resource_names(string tenantFile)
    {
        var key = infra.Parameters[tenantFile].Str("parameters.tenantKey.value");
        Assert.NotNull(key);
        // Lowercase letters and digits: valid in Linux app setting names (no '-'), storage account names and routes,
        // and within the app's own rule for tenant names.
        Assert.Matches(TenantKey(), key);
    }

    [Fact]
    public void Tenant_keys_and_address_spaces_are_unique()
    {
        var keys = infra.Parameters.Values.Select(p => p.Str("parameters.tenantKey.value")).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        var vnets = infra.Parameters.Values.Select(p => p.Str("parameters.vnetAddressPrefix.value")).ToList();
        Assert.Equal(vnets.Count, vnets.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Templates_use_no_registry_modules_so_the_build_works_offline()
    {
        foreach (var file in Directory.GetFiles(Repo.Infra, "*.bicep*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(RegistryReference(), text);
        }
    }

    [Fact]
    public void Bicepconfig_turns_off_only_rules_that_cannot_work_deterministically()
    {
        var text = File.ReadAllText(Path.Combine(Repo.Infra, "bicepconfig.json"));
        var config = JsonNode.Parse(text, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        var rules = config.At("analyzers.core.rules")?.AsObject() ?? [];
        var off = rules.Where(r => r.Value.Str("level") == "off").Select(r => r.Key).ToList();
        Assert.Equal(["use-recent-api-versions"], off);
        Assert.NotEqual(false, config.Bool("analyzers.core.enabled"));
    }

    [Fact]
    public void Main_template_takes_no_secret_parameters()
    {
        // Secrets reach the vault through secrets.bicep only; the tenant deployment never carries one.
        var parameters = infra.MainTemplate["parameters"]?.AsObject() ?? [];
        Assert.DoesNotContain(parameters, p => p.Value.Str("type") is "securestring" or "secureObject" or "secureobject");
        var secretParameters = (infra.SecretsTemplate["parameters"]?.AsObject() ?? [])
            .Where(p => p.Key != "keyVaultName")
            .ToList();
        Assert.NotEmpty(secretParameters);
        Assert.All(secretParameters, p => Assert.Equal("securestring", p.Value.Str("type")));
    }

    [GeneratedRegex("^[a-z][a-z0-9]{2,11}$")]
    private static partial Regex TenantKey();

    [GeneratedRegex(@"'(br|ts)[:/]")]
    private static partial Regex RegistryReference();
}
