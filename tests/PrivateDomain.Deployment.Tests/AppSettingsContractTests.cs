using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Functions;

namespace PrivateDomain.Deployment.Tests;

/// <summary>
/// The configuration contract between the Bicep and the app: the app settings a tenant's deployment would write start
/// the Functions app — every option it validates at start-up passes, with the app's own service registration — and
/// every feature setting the app knows (<see cref="FunctionsAppServices.MissingFeatureSettings"/>) is set. A setting
/// the app starts to need cannot be forgotten in the Bicep without this failing.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class AppSettingsContractTests(InfraFixture infra)
{
    public static TheoryData<string> Tenants() => [.. Repo.TenantParameterFiles()];

    [Theory]
    [MemberData(nameof(Tenants))]
    public void The_deployed_app_settings_pass_the_apps_start_up_validation(string tenantFile)
    {
        var configuration = AppConfiguration(tenantFile);
        var services = new ServiceCollection().AddLogging().AddFunctionsApp(configuration);
        using var provider = services.BuildServiceProvider();

        var exception = Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.True(exception is null, $"{tenantFile}: the app would not start with the deployed settings: {exception?.Message}");
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void The_deployed_app_settings_turn_every_feature_on(string tenantFile)
    {
        Assert.Empty(FunctionsAppServices.MissingFeatureSettings(AppConfiguration(tenantFile)));
    }

    [Fact]
    public void Without_the_feature_settings_the_check_names_each_one()
    {
        var missing = FunctionsAppServices.MissingFeatureSettings(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WeCom:Tenants:bank:CorpId"] = "ww1",
        }).Build());

        Assert.Contains(missing, m => m.StartsWith("Links:SigningKey ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("Operators:Tenants:bank:EntraTenantId ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("WeCom:Tenants:bank:BankSite ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("CampaignPages:BaseUrl ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("CampaignPages:AgentIds:bank ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("Managers:AgentIds:bank ", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.StartsWith("Managers:SidebarKey ", StringComparison.Ordinal));
    }

    /// <summary>The tenant's app settings as the app reads them: <c>__</c> is <c>:</c>; a Key Vault reference is
    /// replaced by a valid value of the secret it names (what secrets.bicep writes); an ARM expression only known at
    /// deployment (a storage endpoint) by an example of its kind.</summary>
    private IConfiguration AppConfiguration(string tenantFile)
    {
        var config = Assert.Single(Arm.SnapshotResources(infra.Snapshots[tenantFile]).ToList().OfType("Microsoft.Web/sites/config"),
            c => Arm.NameOf(c).EndsWith("/appsettings\"", StringComparison.Ordinal));
        var settings = Assert.IsType<JsonObject>(config["properties"]);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, node) in settings)
        {
            var text = node?.ToString() ?? "";
            values[name.Replace("__", ":", StringComparison.Ordinal)] =
                KeyVaultSecret().Match(text) is { Success: true } secret ? SecretValue(secret.Groups["name"].Value)
                : text.StartsWith('[') ? (name.EndsWith("ServiceUri", StringComparison.OrdinalIgnoreCase) ? "https://example.core.windows.net/" : "deployment-time value")
                : text;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static string SecretValue(string secretName) => secretName switch
    {
        "wecom-token" => "Tok0123456789",
        "wecom-encoding-aes-key" => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('='),
        "wecom-app-secret" => "app-secret",
        "customers-phone-hash-key" or "links-signing-key" or "managers-sidebar-key" => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        _ => throw new InvalidOperationException($"Key Vault secret '{secretName}' is referenced by an app setting but this test does not know its form: add it here and to secrets.bicep."),
    };

    // In the snapshot a reference is still the format() expression that builds it: the secret name is its last argument.
    [GeneratedRegex(@"@Microsoft\.KeyVault\(SecretUri=(.*secrets/(?<name>[a-z0-9-]+)/\)$|.*secrets/\{1\}/\)', .*, '(?<name>[a-z0-9-]+)'\)\]$)")]
    private static partial Regex KeyVaultSecret();
}
