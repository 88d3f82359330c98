using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Campaigns;

/// <summary>The daily payroll run on Azurite: employers from CRM, one campaign per employer and pay month.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollDailyRunTests(AzuriteFixture fixture)
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private async Task EnrolAsync(LocalHostInstance host, string crmId, string employerId, string rule) =>
        Assert.Equal(CrmOutcome.Applied, (await host.Services.GetRequiredService<CrmIntake>().HandleAsync(JsonSerializer.Serialize(new
        {
            schema = CrmMessage.Schema, messageId = crmId, type = CrmMessageTypes.PayrollEnrolled, tenant = _tenant.Name, crmId, version = 1,
            occurredAt = "2026-10-20T10:00:00+08:00", data = new { employerId, paydayRule = rule },
        }), "test", CancellationToken.None)).Outcome);

    [Fact]
    public async Task A_window_opening_today_starts_its_campaign_once_and_a_day_missed_is_caught_up_next_run()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 3, 9, 0, 0, Shanghai));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false", ["Local:PayrollRun"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock));
        await EnrolAsync(host, "P1", "E-9", "day:10");     // payday Tue 10 Nov: D-5..D-3 = 3, 4, 5 Nov (working days)
        await EnrolAsync(host, "P2", "E-10", "day:11");    // payday Wed 11 Nov: its window opens Wed 4 Nov
        var scheduler = host.Services.GetRequiredService<PayrollCampaignScheduler>();

        var first = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);
        var again = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);

        var started = Assert.Single(first.Started);
        Assert.Equal(("payroll:E-9:2026-11", new DateOnly(2026, 11, 10)), (started.CampaignId, started.Payday));
        Assert.Equal([new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 4), new DateOnly(2026, 11, 5)], started.CampaignDays);
        Assert.Empty(again.Started);
        Assert.Equal(1, again.AlreadyStarted);

        clock.Now = new DateTimeOffset(2026, 11, 5, 9, 0, 0, Shanghai); // the host was down on 4 Nov
        var caughtUp = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);

        Assert.Equal(new DateOnly(2026, 11, 4), caughtUp.From);
        Assert.Equal(["payroll:E-10:2026-11"], caughtUp.Started.Select(c => c.CampaignId));
        var stored = await host.Services.GetRequiredService<IPayrollCampaigns>().GetAsync(_tenant.Name, "payroll:E-10:2026-11", CancellationToken.None);
        Assert.Equal(new DateOnly(2026, 11, 11), stored!.Payday);
    }

    [Fact]
    public async Task A_payday_in_the_National_Day_holiday_moves_its_window_before_the_holiday()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 9, 21, 9, 0, 0, Shanghai));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false", ["Local:PayrollRun"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock));
        await EnrolAsync(host, "P3", "E-NAT", "day:5"); // 5 Oct is in the 1–7 Oct holiday: payday moves to Wed 30 Sep
        var scheduler = host.Services.GetRequiredService<PayrollCampaignScheduler>();

        var result = await scheduler.RunAsync(_tenant.Name, CancellationToken.None);
        clock.Now = new DateTimeOffset(2026, 9, 24, 9, 0, 0, Shanghai);
        result = result with { Started = [.. result.Started, .. (await scheduler.RunAsync(_tenant.Name, CancellationToken.None)).Started] };

        var campaign = Assert.Single(result.Started);
        Assert.Equal(("payroll:E-NAT:2026-10", new DateOnly(2026, 9, 30)), (campaign.CampaignId, campaign.Payday));
        Assert.All(campaign.CampaignDays, d => Assert.True(d < new DateOnly(2026, 9, 30), d.ToString(CultureInfo.InvariantCulture)));
    }
}
