using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
