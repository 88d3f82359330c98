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
        // Anonymous: a status per dependency, not the connection error (it names hosts and ports).
        var text = await unhealthy.Content.ReadAsStringAsync();
        Assert.DoesNotContain("error", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_reports_a_missing_calendar_year_from_45_days_before_its_first_window_until_the_notice_is_published()
    {
        // Pinned clock. A day:10 employer's January 2027 window could open as early as 17 December 2026 (10 January less
        // 24 days), so 2027 is reported from 2 November 2026; on 1 November it is not yet.
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        var tenant = TestTenant.Create("health" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
        var bank = Guid.NewGuid();
        var tokens = new Operators.OperatorTokens();
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [tenant],
            new Dictionary<string, string?>(Operators.OperatorTokens.Settings(tenant.Name, bank)) { ["Local:PayrollRun"] = "false" },
            services =>
            {
                tokens.Trust(services);
                services.AddSingleton<TimeProvider>(clock);
            });
        await host.Services.GetRequiredService<PrivateDomain.Campaigns.IPayrollEmployers>().SaveAsync(
            tenant.Name, new PrivateDomain.Campaigns.PayrollEmployer("E-1", PrivateDomain.Campaigns.PaydayRule.Parse("day:10")), CancellationToken.None);

        var early = await host.Client.GetAsync("/healthz");
        Assert.Equal("Healthy", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        clock.Now = new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8));
        // Anonymous: the status word per dependency only.
        var due = await host.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, due.StatusCode);
        var report = await due.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        Assert.Equal("Degraded", report.GetProperty("calendars").GetString());
        Assert.False(report.TryGetProperty("warnings", out _));
        Assert.DoesNotContain("2027", await due.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An Admin of the tenant: what is missing, still not for whom.
        var asAdmin = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        asAdmin.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Mint(bank, [PrivateDomain.Operators.OperatorRoles.Admin]));
        var detailed = await host.Client.SendAsync(asAdmin);
        Assert.Equal(HttpStatusCode.OK, detailed.StatusCode);
        var details = await detailed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Degraded", details.GetProperty("status").GetString());
        Assert.Equal(["calendar for 2027 missing; pay months 2027-01 undecided"], details.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        var text = await detailed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("E-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Name, text, StringComparison.Ordinal);

        // An Operator's token is not enough for the details.
        var asOperator = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        asOperator.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Mint(bank, [PrivateDomain.Operators.OperatorRoles.Operator]));
        Assert.False((await (await host.Client.SendAsync(asOperator)).Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("warnings", out _));

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/tenants/{tenant.Name}/payroll/calendars/2027")
        {
            Content = new StringContent("""
                {
                  "year": 2027,
                  "source": { "title": "Synthetic test calendar for 2027 (not an official notice)", "documentNumber": "test-2027",
                              "issuedOn": "2026-11-01", "url": "https://example.invalid/synthetic/2027" },
                  "holidays": [ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ],
                  "makeUpWorkingDays": []
                }
                """, System.Text.Encoding.UTF8, "application/json"),
        };
        put.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Mint(bank, [PrivateDomain.Operators.OperatorRoles.Admin]));
        Assert.Equal(HttpStatusCode.Created, (await host.Client.SendAsync(put)).StatusCode);

        var published = await (await host.Client.GetAsync("/healthz")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", published.GetProperty("status").GetString());
        Assert.Equal("Healthy", published.GetProperty("calendars").GetString());
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
