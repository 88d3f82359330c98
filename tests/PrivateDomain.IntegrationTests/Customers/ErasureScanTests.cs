using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;
using PrivateDomain.Welcome;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>
/// PIPL erasure across every table: a customer who got a welcome, ran the AIDA journey and a payroll campaign and clicked
/// a campaign link is erased; afterwards no row of the tenant in any table of the account names them, except the erasure
/// record, nothing more is sent to them, and a customer of the same account manager keeps everything.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureScanTests(AzuriteFixture fixture)
{
    private const string Manager = "chenxiao";
    private const string Employer = "E-SCAN";
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // Payday Thursday 19 Nov 2026: welfare Thu 12, quiz Fri 13, sales Mon 16 Nov.
    private static readonly DateTimeOffset Start = new(2026, 11, 10, 9, 0, 0, Shanghai);
    private static readonly DateTimeOffset[] StepTimes =
        [new(2026, 11, 12, 10, 0, 0, Shanghai), new(2026, 11, 13, 10, 0, 0, Shanghai), new(2026, 11, 16, 10, 0, 0, Shanghai)];

    [Fact]
    public async Task An_erased_customer_who_had_a_welcome_a_journey_a_payroll_campaign_and_a_click_is_named_by_no_table_but_the_erasure_record()
    {
        var clock = JourneyClock.Manual(Start);
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString(), settings: new Dictionary<string, string?>
        {
            // Touches wait in the outbox until the test dispatches them (workers would only get to them days later).
            ["Delivery:AggregationDelay"] = "5.00:00:00",
        }, services: s =>
        {
            s.AddSingleton(clock);
            // The test runs every dispatch itself. The host's delivery worker would run the outbox whenever a nudge's time
            // passes on the test's clock (an AIDA touch's, a put-off touch's) — in the background, racing the erasure
            // with the erased customer's touches prepared just before it.
            s.AddSingleton<IDeliveryNudges, NoNudges>();
        });
        var tenant = stack.Tenant.Name;
        var services = stack.Host.Services;
        await stack.AddEmployeeAsync(Manager, "陈晓");

        var gone = new Person("wmErase" + RandomNumberGenerator.GetHexString(8), "C-ERASE-" + RandomNumberGenerator.GetHexString(6), "赵敏", "13912345678");
        var kept = new Person("wmKeep" + RandomNumberGenerator.GetHexString(8), "C-KEEP-" + RandomNumberGenerator.GetHexString(6), "钱多多", "13800001111");
        var goneId = await WelcomeAndEnrolAsync(stack, gone);
        var keptId = await WelcomeAndEnrolAsync(stack, kept);
        var phoneHash = (await services.GetRequiredService<ICustomerStore>().GetAsync(tenant, goneId, CancellationToken.None))!.Value.PhoneHash!;

        // The AIDA journey and the payroll campaign of November, for both.
        var runner = services.GetRequiredService<JourneyRunner>();
        foreach (var id in new[] { goneId, keptId })
        {
            await runner.StartAsync(tenant, "aida-nurture", id, Manager, null, CancellationToken.None);
        }

        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(tenant, new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), CancellationToken.None);
        var window = (await services.GetRequiredService<PayrollCalendars>().ScheduleAsync(tenant, CancellationToken.None)).WindowFor(new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), new PayMonth(2026, 11));
        var (campaign, _) = await services.GetRequiredService<PayrollCampaignScheduler>().StartAsync(tenant, window, CancellationToken.None);
        var fanOut = services.GetRequiredService<PayrollFanOut>();
        await Eventually.TrueAsync(async () => (await fanOut.RunBatchAsync(tenant, campaign.CampaignId, CancellationToken.None)).Done, "the fan-out done");
        string[] instances(string id) => [JourneyInstanceId.For(tenant, "aida-nurture", id), PayrollCampaignJourney.InstanceId(tenant, id, campaign.CampaignId)];

        // Welfare and quiz are sent; the welfare page is opened by the customer to be erased.
        var dispatcher = services.GetRequiredService<TouchDispatcher>();
        foreach (var at in StepTimes[..2])
        {
            clock.AdvanceTo(at);
            foreach (var instance in instances(goneId).Concat(instances(keptId)))
            {
                await runner.StepAsync(tenant, instance, CancellationToken.None);
            }

            await dispatcher.DispatchAsync(tenant, Manager, CancellationToken.None);
        }

        var ledger = services.GetRequiredService<ITouchLedger>();
        var goneCampaign = PayrollCampaignJourney.InstanceId(tenant, goneId, campaign.CampaignId);
        // Welfare at least (the quiz may be put off by the daily 1:1 cap, which the AIDA touches share).
        Assert.Contains(await ledger.ListAsync(tenant, goneCampaign, CancellationToken.None).ToListAsync(), e => e.Status == TouchStatus.Sent && e.TouchId.EndsWith("/welfare", StringComparison.Ordinal));
        var link = services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(tenant, goneId, goneCampaign + "/r1/welfare",
            new Uri("https://h5.bank.example/h5/payroll/welfare"), campaign.CampaignId));
        using (var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = stack.Host.BaseAddress })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await http.GetAsync(new Uri($"/l/{link}", UriKind.Relative))).StatusCode);
        }

        Assert.Single(await services.GetRequiredService<IFollowUpTasks>().ListAsync(tenant, Manager, 10, CancellationToken.None));

        // The sales step is recorded (it names the customer) and waits in the outbox when the erasure comes.
        clock.AdvanceTo(StepTimes[2]);
        foreach (var instance in instances(goneId).Concat(instances(keptId)))
        {
            await runner.StepAsync(tenant, instance, CancellationToken.None);
        }

        var identifiers = new[] { goneId, gone.ExternalUserId, phoneHash, gone.Name, gone.CrmId };
        var before = await ScanAsync(tenant, identifiers);
        Assert.Contains(before, h => h.Table == TableDeliveryQueue.TableName);
        Assert.Contains(before, h => h.Table == TableWelcomeLedger.TableName);
        Assert.Contains(before, h => h.Table == TablePayrollCounts.TableName);
        var sentBefore = stack.Sandbox.Sandbox.Requests.Count;

        var record = await services.GetRequiredService<CustomerErasure>().EraseAsync(tenant, goneId, "dpo@bank.example", "PIPL-2026-0100", CancellationToken.None);

        Assert.True(record.ProfileRemoved);
        Assert.Equal((2, 1, 1), (record.Journeys, record.Welcomes, record.FollowUpTasks));
        Assert.All(new[] { record.Touches, record.OutboxTouches, record.DispatchMembers, record.DeliveryHistory, record.PayrollMarkers }, n => Assert.True(n > 0));
        // Anything still due goes out for the other customer only; wake-ups of the erased journeys do nothing.
        clock.AdvanceTo(StepTimes[2].AddHours(1));
        foreach (var instance in instances(goneId).Concat(instances(keptId)))
        {
            await runner.StepAsync(tenant, instance, CancellationToken.None);
        }

        await dispatcher.DispatchAsync(tenant, Manager, CancellationToken.None);
        Assert.DoesNotContain(stack.Sandbox.Sandbox.Requests.Skip(sentBefore), r => r.Body?.Contains(gone.ExternalUserId, StringComparison.Ordinal) == true);

        var after = await ScanAsync(tenant, identifiers);
        Assert.All(after, h => Assert.Equal(TableCustomerErasureStore.ErasuresTable, h.Table));
        Assert.NotEmpty(after); // the erasure record names the customer id, and nothing else
        var keptRows = await ScanAsync(tenant, [keptId, kept.ExternalUserId, kept.Name]);
        foreach (var table in new[]
                 {
                     TableCustomerStore.CustomersTable, TableRelationshipStore.TableName, TableJourneyStore.TableName, TableJourneyStarts.TableName,
                     TableTouchLedger.TableName, TableDispatchStore.MembersTable, TableDeliveryHistory.TableName, TableWelcomeLedger.TableName,
                     TablePayrollCounts.TableName, TableSignalInbox.TableName,
                 })
        {
            Assert.Contains(keptRows, h => h.Table == table);
        }
    }

    private sealed record Person(string ExternalUserId, string CrmId, string Name, string Phone);

    private sealed record Hit(string Table, string PartitionKey, string RowKey, string Identifier);

    // A welcome on adding the manager, then CRM's profile and payroll enrolment.
    private static async Task<string> WelcomeAndEnrolAsync(WelcomeStack stack, Person person)
    {
        var code = "WELCOME-" + RandomNumberGenerator.GetHexString(24);
        // Signed at the host's now: WeCom's signature window is judged on the host's clock, whatever the machine's says.
        var now = stack.Host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var (url, body) = stack.Tenant.SignedPost(stack.Tenant.AddExternalContactXml(Manager, person.ExternalUserId, now, welcomeCode: code), now);
        using (var response = await stack.Host.Client.PostAsync(url, TestTenant.Xml(body)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(WelcomeStatus.Sent, (await stack.FinalRecordAsync(code)).Status);
        var relationships = stack.Host.Services.GetRequiredService<IRelationshipStore>();
        await Eventually.TrueAsync(async () => await relationships.GetAsync(stack.Tenant.Name, Manager, person.ExternalUserId, CancellationToken.None) is not null, "the add applied");
        var crm = stack.Host.Services.GetRequiredService<CrmIntake>();
        foreach (var (type, version, data) in new (string, int, object)[]
                 {
                     (CrmMessageTypes.CustomerUpserted, 1, new { name = person.Name, phone = person.Phone, externalUserIds = new[] { person.ExternalUserId } }),
                     (CrmMessageTypes.PayrollEnrolled, 2, new { employerId = Employer, paydayRule = "day:19" }),
                 })
        {
            var message = JsonSerializer.Serialize(new
            {
                schema = CrmMessage.Schema, messageId = $"{person.CrmId}-{version}", type, tenant = stack.Tenant.Name, crmId = person.CrmId, version,
                occurredAt = Start.ToString("O", CultureInfo.InvariantCulture), data,
            });
            Assert.Equal(CrmOutcome.Applied, (await crm.HandleAsync(message, "test", CancellationToken.None)).Outcome);
        }

        return (await stack.Host.Services.GetRequiredService<ICustomerStore>().FindIdAsync(stack.Tenant.Name, IdentityKinds.External, person.ExternalUserId, CancellationToken.None))!;
    }

    // Every table of the account, every row of the tenant (PK the tenant or starting with it), every key and string
    // property, raw and key-escaped.
    private async Task<List<Hit>> ScanAsync(string tenant, IReadOnlyList<string> identifiers)
    {
        var service = new TableServiceClient(fixture.Azurite.ConnectionString());
        var needles = identifiers.SelectMany(i => new[] { i, TableKeys.Escape(i) }).Distinct(StringComparer.Ordinal).ToList();
        var hits = new List<Hit>();
        await foreach (var item in service.QueryAsync())
        {
            var table = service.GetTableClient(item.Name);
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {tenant} and PartitionKey lt {tenant + "}"}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter))
            {
                var texts = e.Where(p => p.Key is not ("odata.etag" or "Timestamp")).Select(p => p.Value as string).OfType<string>()
                    .Append(e.PartitionKey).Append(e.RowKey).ToList();
                foreach (var needle in needles.Where(n => texts.Any(t => t.Contains(n, StringComparison.Ordinal))))
                {
                    hits.Add(new Hit(item.Name, e.PartitionKey, e.RowKey, needle));
                }
            }
        }

        return hits;
    }

    private sealed class NoNudges : IDeliveryNudges
    {
        public Task NudgeAsync(string tenant, string senderId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task FollowUpAsync(string tenant, string senderId, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
