using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>The operator payroll API behind Entra ID bearer tokens (offline): upcoming windows, a start by hand that
/// fans out through the queue worker, a second start returning the first, progress, tasks, a stop that ends the
/// journeys, roles, and the audit.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollCampaignApiTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();

    // 20 November 2026, 10:00 in Shanghai: E-7's December window (payday Thu 10 Dec, D-5 Thu 3 Dec) opens within 40 days,
    // whatever the machine's date is.
    private readonly PinnedClock _clock = new(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private string Payroll => $"/api/tenants/{_tenant.Name}/payroll";

    private static HttpRequestMessage Request(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    [Fact]
    public async Task An_operator_starts_a_campaign_by_hand_once_follows_its_progress_and_stops_it()
    {
        var settings = new Dictionary<string, string?>(OperatorTokens.Settings(_tenant.Name, BankTenant)) { ["Local:PayrollRun"] = "false", ["Local:QueueWorkers"] = "true" };
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], settings, s =>
        {
            _tokens.Trust(s);
            s.AddSingleton<TimeProvider>(_clock);
        });
        var services = host.Services;
        var at = _clock.GetUtcNow().AddDays(-30);
        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer("E-7", PaydayRule.Parse("day:10")), CancellationToken.None);
        for (var i = 0; i < 12; i++)
        {
            var id = $"p{i:D2}";
            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(
                Customer.New(_tenant.Name, id, at) with { Name = "李女士", ExternalUserIds = ["wm" + id], Payroll = new PayrollEnrolment("E-7", "day:10") }, CancellationToken.None));
            Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                new Relationship(_tenant.Name, "zhaoliu", "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        }

        var operatorToken = _tokens.Mint(BankTenant, [OperatorRoles.Operator]);
        var auditorToken = _tokens.Mint(BankTenant, [OperatorRoles.Auditor]);

        var upcoming = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/windows?days=40", auditorToken))).Content.ReadFromJsonAsync<JsonElement>();
        var window = upcoming.GetProperty("windows").EnumerateArray().First(w => w.GetProperty("employerId").GetString() == "E-7");
        Assert.Equal("2026-12", window.GetProperty("payMonth").GetString());
        var payMonth = window.GetProperty("payMonth").GetString()!;
        var campaignId = window.GetProperty("campaignId").GetString()!;
        Assert.False(window.GetProperty("started").GetBoolean());

        Assert.Equal(HttpStatusCode.Forbidden,
            (await host.Client.SendAsync(Request(HttpMethod.Post, $"{Payroll}/campaigns", auditorToken, new { employerId = "E-7", payMonth }))).StatusCode);
        var first = await host.Client.SendAsync(Request(HttpMethod.Post, $"{Payroll}/campaigns", operatorToken, new { employerId = "E-7", payMonth }));
        var second = await host.Client.SendAsync(Request(HttpMethod.Post, $"{Payroll}/campaigns", operatorToken, new { employerId = "E-7", payMonth }));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        Assert.Equal(campaignId, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest,
            (await host.Client.SendAsync(Request(HttpMethod.Post, $"{Payroll}/campaigns", operatorToken, new { employerId = "nobody", payMonth = "2026-13" }))).StatusCode);

        // The queue worker fans the cohort out; progress shows every customer enrolled.
        var url = $"{Payroll}/campaigns/{Uri.EscapeDataString(campaignId)}";
        await Eventually.TrueAsync(async () =>
        {
            var p = await (await host.Client.SendAsync(Request(HttpMethod.Get, url, auditorToken))).Content.ReadFromJsonAsync<JsonElement>();
            return p.GetProperty("fannedOut").GetBoolean() && p.GetProperty("counts").GetProperty("enrolled").GetInt64() == 12;
        }, "the cohort enrolled", TimeSpan.FromSeconds(60));

        // An engaged customer shows on their manager's list.
        await services.GetRequiredService<PayrollEngagement>().EngagedAsync(_tenant.Name, campaignId, "p03", "quiz", _clock.GetUtcNow(), CancellationToken.None);
        var tasks = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/managers/zhaoliu/tasks", auditorToken))).Content.ReadFromJsonAsync<JsonElement>();
        var task = Assert.Single(tasks.EnumerateArray());
        Assert.Equal(("p03", "answeredQuiz"), (task.GetProperty("customerId").GetString(), task.GetProperty("activity").GetString()));

        // Stopping ends every journey of the campaign.
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(Request(HttpMethod.Delete, url, operatorToken))).StatusCode);
        var journeys = services.GetRequiredService<IJourneyStore>();
        await Eventually.TrueAsync(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                if ((await journeys.GetAsync(_tenant.Name, PayrollCampaignJourney.InstanceId(_tenant.Name, $"p{i:D2}", campaignId), CancellationToken.None))?.Record.Status
                    != JourneyStatus.Completed)
                {
                    return false;
                }
            }

            return true;
        }, "the campaign's journeys ended", TimeSpan.FromSeconds(60));
        var stopped = await (await host.Client.SendAsync(Request(HttpMethod.Get, url, auditorToken))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Stopped", stopped.GetProperty("status").GetString());

        var audit = await services.GetRequiredService<IOperatorAudit>().ListAsync(_tenant.Name, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();
        Assert.Contains(audit, a => a.Action == "payroll.start" && a.Outcome == "201");
        Assert.Contains(audit, a => a.Action == "payroll.start" && a.Outcome == "403");
        Assert.Contains(audit, a => a.Action == "payroll.stop" && a.Outcome == "202");
    }
}
