using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Health;

[Collection(AzuriteCollection.Name)]
public sealed class HealthTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task Healthz_reports_healthy_when_storage_answers_and_503_naming_the_service_when_it_does_not()
    {
        await using var tables = new LoopbackProxy(fixture.Azurite.TableEndpoint.Port);
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(tablePort: tables.Port), []);

        var healthy = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", (await healthy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        tables.Cut();
        var unhealthy = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        var storage = (await unhealthy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("storage").EnumerateArray().ToList();
        Assert.False(storage.Single(s => s.GetProperty("service").GetString() == "tables").GetProperty("reachable").GetBoolean());
        Assert.True(storage.Single(s => s.GetProperty("service").GetString() == "queues").GetProperty("reachable").GetBoolean());
    }
}

/// <summary>`./pd run` runs the host in Development, where ASP.NET Core validates every registration when the host is
/// built: a service whose dependency is missing stops the demo before it serves anything.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DevelopmentHostTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task The_development_host_builds_with_every_service_resolvable()
    {
        var tenant = TestTenant.Create("devcheck");
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = fixture.Azurite.ConnectionString(),
            ["Customers:PhoneHashKey"] = LocalHostInstance.TestPhoneHashKey,
            ["Links:SigningKey"] = LocalHostInstance.TestLinksKey,
            ["Local:QueueWorkers"] = "true",
            ["Local:WeComSandbox"] = "true",
            [$"WeCom:Tenants:{tenant.Name}:CorpId"] = tenant.CorpId,
            [$"WeCom:Tenants:{tenant.Name}:Token"] = tenant.Token,
            [$"WeCom:Tenants:{tenant.Name}:EncodingAesKey"] = tenant.EncodingAesKey,
        };
        await using var app = PrivateDomain.Local.LocalHost.Build(["--environment", "Development", "--urls", "http://127.0.0.1:0"], settings);

        // Factory registrations are not validated at build; the queue workers' handlers resolve these on their first message.
        Assert.NotNull(app.Services.GetRequiredService<PrivateDomain.Customers.CustomerEventProcessor>());
        Assert.NotNull(app.Services.GetRequiredService<PrivateDomain.Customers.Crm.CrmIntake>());
        Assert.NotNull(app.Services.GetRequiredService<PrivateDomain.Journeys.Running.JourneyRunner>());
        Assert.NotNull(app.Services.GetRequiredService<PrivateDomain.Delivery.Sending.TouchDispatcher>());
        Assert.NotNull(app.Services.GetRequiredService<PrivateDomain.Campaigns.PayrollCampaignScheduler>());
    }
}
