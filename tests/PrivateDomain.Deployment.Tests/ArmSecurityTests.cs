using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PrivateDomain.Deployment.Tests;

/// <summary>
/// Security properties of what the Bicep compiles to: the ARM JSON of main.bicep (every module's nested template) and,
/// per tenant, the snapshot of the resources a deployment with that tenant's parameters would create.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class ArmSecurityTests(InfraFixture infra)
{
    private static readonly string[] SecretSettingSuffixes = ["__Token", "__EncodingAesKey", "__AppSecret", "Customers__PhoneHashKey", "Links__SigningKey", "Managers__SidebarKey"];

    /// <summary>Built-in role definition IDs the app's identity must hold.</summary>
    private static readonly Dictionary<string, string> AppRoles = new(StringComparer.Ordinal)
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Azure Service Bus Data Receiver"] = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        ["Azure Service Bus Data Sender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
    };

    public static TheoryData<string> Tenants() => [.. Repo.TenantParameterFiles()];

    /// <summary>The compiled template and every tenant snapshot, each as a named list of resources.</summary>
    private IEnumerable<(string Source, List<JsonObject> Resources)> Sources()
    {
        yield return ("main.json", Arm.TemplateResources(infra.MainTemplate).ToList());
        foreach (var (tenant, snapshot) in infra.Snapshots)
        {
            yield return (tenant, Arm.SnapshotResources(snapshot).ToList());
        }
    }

    private List<JsonObject> Snapshot(string tenantFile)
    {
        var resources = Arm.SnapshotResources(infra.Snapshots[tenantFile]).ToList();
        Assert.NotEmpty(resources);
        return resources;
    }

    [Fact]
    public void No_storage_keys_SAS_or_secret_connection_strings_anywhere_in_the_compiled_output()
    {
        var texts = new List<(string, string)> { ("main.json", infra.MainTemplate.ToJsonString()) };
        texts.AddRange(infra.Snapshots.Select(s => (s.Key, s.Value.ToJsonString())));
        foreach (var (source, text) in texts)
        {
            Assert.True(text.Length > 1000, $"{source} is empty.");
            var hit = ForbiddenSecretPattern().Match(text);
            Assert.False(hit.Success, $"{source} contains '{hit.Value}': keys, SAS tokens and secret connection strings must not be used.");
        }
    }

    [Fact]
    public void Storage_account_disables_shared_keys_public_blobs_and_public_network_and_requires_https_and_tls12()
    {
        foreach (var (source, resources) in Sources())
        {
            var account = Assert.Single(resources.OfType("Microsoft.Storage/storageAccounts"));
            Assert.True(account.Bool("properties.allowSharedKeyAccess") == false, $"{source}: allowSharedKeyAccess must be false");
            Assert.True(account.Bool("properties.supportsHttpsTrafficOnly") == true, $"{source}: HTTPS only");
            Assert.Equal("TLS1_2", account.Str("properties.minimumTlsVersion"));
            Assert.True(account.Bool("properties.allowBlobPublicAccess") == false, $"{source}: public blob access must be off");
            Assert.Equal("Disabled", account.Str("properties.publicNetworkAccess"));
            Assert.Equal("Deny", account.Str("properties.networkAcls.defaultAction"));
            Assert.True(account.Bool("properties.defaultToOAuthAuthentication") == true, $"{source}: Entra ID by default");

            var containers = resources.OfType("Microsoft.Storage/storageAccounts/blobServices/containers");
            Assert.NotEmpty(containers);
            Assert.All(containers, c => Assert.Equal("None", c.Str("properties.publicAccess")));
        }
    }

    [Fact]
    public void Function_app_is_https_only_tls12_no_ftp_no_basic_auth_with_a_system_assigned_identity()
    {
        foreach (var (source, resources) in Sources())
        {
            var site = Assert.Single(resources.OfType("Microsoft.Web/sites"));
            Assert.Equal("functionapp,linux", site.Str("kind"));
            Assert.True(site.Bool("properties.httpsOnly") == true, $"{source}: httpsOnly");
            Assert.Equal("1.2", site.Str("properties.siteConfig.minTlsVersion"));
            Assert.Equal("1.2", site.Str("properties.siteConfig.scmMinTlsVersion"));
            Assert.Equal("Disabled", site.Str("properties.siteConfig.ftpsState"));
            Assert.Equal("SystemAssigned", site.Str("identity.type"));
            Assert.Equal("SystemAssigned", site.Str("properties.keyVaultReferenceIdentity"));

            var policies = resources.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
            Assert.Equal(2, policies.Count);
            Assert.All(policies, p => Assert.False(p.Bool("properties.allow") ?? true));
        }
    }

    [Fact]
    public void Function_app_runs_on_flex_consumption_dotnet_isolated_10_with_identity_based_deployment_storage()
    {
        foreach (var (source, resources) in Sources())
        {
            var plan = Assert.Single(resources.OfType("Microsoft.Web/serverfarms"));
            Assert.Equal("FC1", plan.Str("sku.name"));
            Assert.Equal("FlexConsumption", plan.Str("sku.tier"));

            var site = Assert.Single(resources.OfType("Microsoft.Web/sites"));
            Assert.Equal("dotnet-isolated", site.Str("properties.functionAppConfig.runtime.name"));
            Assert.Equal("10.0", site.Str("properties.functionAppConfig.runtime.version"));
            Assert.Equal("blobContainer", site.Str("properties.functionAppConfig.deployment.storage.type"));
            Assert.Equal("SystemAssignedIdentity", site.Str("properties.functionAppConfig.deployment.storage.authentication.type"));
            var alwaysReady = site.At("properties.functionAppConfig.scaleAndConcurrency.alwaysReady") as JsonArray;
            Assert.NotNull(alwaysReady);
            Assert.Contains(alwaysReady, a => a.Str("name") == "http");
            Assert.False(string.IsNullOrEmpty(site.Str("properties.virtualNetworkSubnetId")), $"{source}: VNet integration");
        }
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void Tenant_keeps_warm_http_instances_for_the_wecom_deadlines(string tenantFile)
    {
        var site = Assert.Single(Snapshot(tenantFile).OfType("Microsoft.Web/sites"));
        var alwaysReady = (JsonArray)site.At("properties.functionAppConfig.scaleAndConcurrency.alwaysReady")!;
        var http = Assert.Single(alwaysReady, a => a.Str("name") == "http");
        Assert.True(http.Int("instanceCount") >= 1, $"{tenantFile}: at least one always-ready HTTP instance");
        Assert.EndsWith("/subnets/app", site.Str("properties.virtualNetworkSubnetId"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void App_settings_wire_the_tenant_with_identity_connections_and_key_vault_references(string tenantFile)
    {
        var tenantKey = infra.Parameters[tenantFile].Str("parameters.tenantKey.value")!;
        var config = Assert.Single(Snapshot(tenantFile).OfType("Microsoft.Web/sites/config"), c => Arm.NameOf(c).EndsWith("/appsettings\"", StringComparison.Ordinal));
        var settings = config["properties"] as JsonObject;
        Assert.True(settings is not null, $"{tenantFile}: app settings must be a literal object so they can be checked");

        var prefix = $"WeCom__Tenants__{tenantKey}__";
        string[] required =
        [
            prefix + "CorpId", prefix + "Token", prefix + "EncodingAesKey", prefix + "AppSecret", "Customers__PhoneHashKey",
            "WeCom__MaxClockSkew",
            "Storage__TableServiceUri", "Storage__QueueServiceUri", "Storage__BlobServiceUri",
            "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "AzureWebJobsStorage__credential",
            "ServiceBus__fullyQualifiedNamespace", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "AzureAd__Instance", "AzureAd__TenantId", "AzureAd__ClientId", "AzureAd__Audience",
        ];
        foreach (var name in required)
        {
            Assert.True(settings.ContainsKey(name), $"{tenantFile}: app setting {name} is missing");
        }

        foreach (var (name, value) in settings)
        {
            Assert.Matches(AppSettingName(), name);
            var text = value?.ToString() ?? "";
            if (SecretSettingSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
            {
                Assert.True(text.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal), $"{tenantFile}: {name} must be a Key Vault reference, not a value");
            }

            // The only "connection string" allowed is Application Insights' (an ingestion endpoint, not a credential).
            if (name.Contains("connectionstring", StringComparison.OrdinalIgnoreCase) || name.Contains("CONNECTION_STRING", StringComparison.Ordinal))
            {
                Assert.Equal("APPLICATIONINSIGHTS_CONNECTION_STRING", name);
            }
        }

        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage as a connection string would need a key");
        Assert.Equal("managedidentity", settings.Str("AzureWebJobsStorage__credential"));
        Assert.Equal(infra.Parameters[tenantFile].Str("parameters.weComCorpId.value"), settings.Str(prefix + "CorpId"));
        Assert.Contains("primaryEndpoints.table", settings.Str("Storage__TableServiceUri"), StringComparison.Ordinal);
        Assert.Contains("primaryEndpoints.queue", settings.Str("Storage__QueueServiceUri"), StringComparison.Ordinal);
        Assert.Contains("primaryEndpoints.blob", settings.Str("Storage__BlobServiceUri"), StringComparison.Ordinal);
        Assert.Contains("serviceBusEndpoint", settings.Str("ServiceBus__fullyQualifiedNamespace"), StringComparison.Ordinal);
        Assert.Matches(TimeSpanText(), settings.Str("WeCom__MaxClockSkew"));
    }

    [Fact]
    public void Every_secret_the_app_references_is_one_secrets_bicep_writes()
    {
        var written = (infra.SecretsTemplate.At("variables.secretNames") as JsonObject ?? [])
            .Select(kv => kv.Value?.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(6, written.Count);
        foreach (var (tenant, snapshot) in infra.Snapshots)
        {
            var settings = Arm.SnapshotResources(snapshot).OfType("Microsoft.Web/sites/config").Single()["properties"]!.AsObject();
            var referenced = settings
                .Select(kv => kv.Value?.ToString() ?? "")
                .Where(v => v.Contains("@Microsoft.KeyVault(", StringComparison.Ordinal))
                .Select(v => KeyVaultSecretName().Match(v))
                .Select(m => m.Success ? m.Groups[1].Value : "(unparsed)")
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.True(written.SequenceEqual(referenced), $"{tenant}: app references [{string.Join(", ", referenced)}], secrets.bicep writes [{string.Join(", ", written)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Tenants))]
    public void App_identity_holds_the_data_plane_roles_on_each_resource(string tenantFile)
    {
        var resources = Snapshot(tenantFile);
        var site = resources.OfType("Microsoft.Web/sites").Single();
        var siteName = site.Str("name")!;
        var assignments = resources.OfType("Microsoft.Authorization/roleAssignments");
        foreach (var (role, id) in AppRoles)
        {
            var matching = assignments.Where(a =>
                    (a.Str("properties.roleDefinitionId") ?? "").EndsWith("/roleDefinitions/" + id, StringComparison.Ordinal)
                    && (a.Str("properties.principalId") ?? "").Contains($"Microsoft.Web/sites/{siteName}'", StringComparison.Ordinal)
                    && (a.Str("properties.principalId") ?? "").Contains("identity.principalId", StringComparison.Ordinal))
                .ToList();
            var assignment = Assert.Single(matching);
            Assert.Equal("ServicePrincipal", assignment.Str("properties.principalType"));
            var scope = assignment.Str("id") ?? "";
            var expectedScope = role.StartsWith("Storage", StringComparison.Ordinal) ? "Microsoft.Storage/storageAccounts/"
                : role.StartsWith("Azure Service Bus", StringComparison.Ordinal) ? "Microsoft.ServiceBus/namespaces/"
                : "Microsoft.KeyVault/vaults/";
            Assert.True(scope.Contains(expectedScope, StringComparison.Ordinal), $"{tenantFile}: {role} must be scoped to {expectedScope}, not wider: {scope}");
        }

        // Nothing broader than data-plane roles on single resources: no Owner, Contributor or User Access Administrator.
        string[] broad = ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"];
        Assert.DoesNotContain(assignments, a => broad.Any(b => (a.Str("properties.roleDefinitionId") ?? "").EndsWith(b, StringComparison.Ordinal)));
    }

    [Fact]
    public void Key_vault_uses_rbac_purge_protection_soft_delete_and_no_public_network()
    {
        foreach (var (source, resources) in Sources())
        {
            var vault = Assert.Single(resources.OfType("Microsoft.KeyVault/vaults"));
            Assert.True(vault.Bool("properties.enableRbacAuthorization") == true, $"{source}: RBAC");
            Assert.True(vault.Bool("properties.enablePurgeProtection") == true, $"{source}: purge protection");
            Assert.True(vault.Bool("properties.enableSoftDelete") == true, $"{source}: soft delete");
            Assert.Equal("Disabled", vault.Str("properties.publicNetworkAccess"));
            Assert.Equal("Deny", vault.Str("properties.networkAcls.defaultAction"));
            Assert.Null(vault.At("properties.accessPolicies"));
        }

        // secrets.bicep writes into an existing vault and creates no other resource.
        var secretResources = Arm.TemplateResources(infra.SecretsTemplate).ToList();
        Assert.All(secretResources, r => Assert.Equal("microsoft.keyvault/vaults/secrets", Arm.TypeOf(r)));
    }

    [Fact]
    public void Service_bus_is_entra_only_private_with_a_dead_lettering_crm_changes_queue()
    {
        foreach (var (source, resources) in Sources())
        {
            var ns = Assert.Single(resources.OfType("Microsoft.ServiceBus/namespaces"));
            Assert.True(ns.Bool("properties.disableLocalAuth") == true, $"{source}: SAS keys must be disabled");
            Assert.Equal("Disabled", ns.Str("properties.publicNetworkAccess"));
            Assert.Equal("1.2", ns.Str("properties.minimumTlsVersion"));
            Assert.Equal("Premium", ns.Str("sku.name"));

            var queue = Assert.Single(resources.OfType("Microsoft.ServiceBus/namespaces/queues"));
            Assert.Contains("crm-changes", Arm.NameOf(queue), StringComparison.Ordinal);
            Assert.True(queue.Bool("properties.deadLetteringOnMessageExpiration") == true, $"{source}: dead-lettering on");
            Assert.True(queue.Int("properties.maxDeliveryCount") is > 0 and <= 20, $"{source}: bounded delivery count");
            Assert.Empty(resources.OfType("Microsoft.ServiceBus/namespaces/AuthorizationRules"));
            Assert.Empty(resources.OfType("Microsoft.ServiceBus/namespaces/queues/authorizationRules"));
        }
    }

    [Fact]
    public void Storage_service_bus_and_key_vault_are_reached_through_private_endpoints()
    {
        foreach (var (source, resources) in Sources().Skip(1))
        {
            var groups = resources.OfType("Microsoft.Network/privateEndpoints")
                .SelectMany(p => p.At("properties.privateLinkServiceConnections") as JsonArray ?? [])
                .SelectMany(c => c.At("properties.groupIds") as JsonArray ?? [])
                .Select(g => g!.GetValue<string>())
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.True(groups.SequenceEqual(["blob", "namespace", "queue", "table", "vault"]), $"{source}: private endpoints for {string.Join(", ", groups)}");
            Assert.Equal(5, resources.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Count);
            Assert.Equal(5, resources.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Count);
        }
    }

    [Fact]
    public void Outbound_traffic_leaves_through_a_nat_gateway_with_one_static_public_ip()
    {
        foreach (var (source, resources) in Sources())
        {
            var ip = Assert.Single(resources.OfType("Microsoft.Network/publicIPAddresses"));
            Assert.Equal("Static", ip.Str("properties.publicIPAllocationMethod"));
            Assert.Equal("Standard", ip.Str("sku.name"));
            Assert.Single(resources.OfType("Microsoft.Network/natGateways"));

            var vnet = Assert.Single(resources.OfType("Microsoft.Network/virtualNetworks"));
            var subnets = (JsonArray)vnet.At("properties.subnets")!;
            var app = Assert.Single(subnets, s => s.Str("name") == "app");
            Assert.NotNull(app.At("properties.natGateway.id"));
            Assert.Equal("Microsoft.App/environments", ((JsonArray)app.At("properties.delegations")!).Single().Str("properties.serviceName"));
            Assert.True(app.Bool("properties.defaultOutboundAccess") == false, $"{source}: no default outbound access beside the NAT gateway");
        }
    }

    [Fact]
    public void Alerts_cover_dead_letters_poison_messages_and_the_callback_5xx_rate()
    {
        foreach (var (source, resources) in Sources())
        {
            var metric = Assert.Single(resources.OfType("Microsoft.Insights/metricAlerts"));
            var criterion = Assert.Single((JsonArray)metric.At("properties.criteria.allOf")!);
            Assert.Equal("DeadletteredMessages", criterion.Str("metricName"));
            Assert.Contains("crm-changes", criterion!["dimensions"]!.ToJsonString(), StringComparison.Ordinal);

            var queries = resources.OfType("Microsoft.Insights/scheduledQueryRules")
                .Select(r => ((JsonArray)r.At("properties.criteria.allOf")!).Single().Str("query") ?? "")
                .ToList();
            Assert.Contains(queries, q => q.Contains("wecom-events-poison", StringComparison.Ordinal));
            Assert.Contains(queries, q => q.Contains("/callback", StringComparison.Ordinal) && q.Contains("resultCode", StringComparison.Ordinal));
            Assert.Single(resources.OfType("Microsoft.Insights/actionGroups"));
            Assert.True(resources.OfType("Microsoft.Insights/components").Single().Str("properties.WorkspaceResourceId") is { Length: > 0 }, $"{source}: workspace-based Application Insights");
        }
    }

    [Fact]
    public void An_alert_fires_when_a_payroll_calendar_year_is_missing()
    {
        // The query matches the warning PayrollCalendarWatch logs from the daily run (LogPrefix); keep them together.
        const string LogPrefix = "Payroll calendar missing for ";
        foreach (var (source, resources) in Sources())
        {
            var alert = Assert.Single(resources.OfType("Microsoft.Insights/scheduledQueryRules"),
                r => (((JsonArray)r.At("properties.criteria.allOf")!).Single().Str("query") ?? "").Contains(LogPrefix, StringComparison.Ordinal));
            Assert.True(alert.Bool("properties.enabled"), $"{source}: the calendar alert is enabled");
            Assert.Equal("P1D", alert.Str("properties.windowSize"));
            Assert.NotEmpty((JsonArray)alert.At("properties.actions.actionGroups")!);
        }
    }

    [GeneratedRegex("AccountKey=|SharedAccessKey=|SharedAccessSignature=|DefaultEndpointsProtocol=|listKeys\\(|listConnectionStrings|listAccountSas|listServiceSas|[?&]sig=", RegexOptions.IgnoreCase)]
    private static partial Regex ForbiddenSecretPattern();

    [GeneratedRegex("^[A-Za-z0-9_.]+$")]
    private static partial Regex AppSettingName();

    [GeneratedRegex(@"^\d{2}:\d{2}:\d{2}$")]
    private static partial Regex TimeSpanText();

    /// <summary>The secret name in a compiled Key Vault reference: format('@Microsoft.KeyVault(SecretUri={0}secrets/{1}/)', vaultUri, 'name').</summary>
    [GeneratedRegex(@"secrets/\{1\}/\)', .*, '([a-z0-9-]+)'\)\]$")]
    private static partial Regex KeyVaultSecretName();
}
