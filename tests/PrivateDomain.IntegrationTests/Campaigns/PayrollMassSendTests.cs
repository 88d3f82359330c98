using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Sandbox;

namespace PrivateDomain.IntegrationTests.Campaigns;

/// <summary>
/// What an account manager confirms on their phone during a payroll campaign: one mass-send task per step for all of
/// their customers — measured with 200 customers who each have their own name, so a template that greets customers by
/// name (one task per customer) would show.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollMassSendTests(AzuriteFixture fixture) : IAsyncLifetime
{
    private const string Manager = "am-solo";
    private const int Customers = 200;
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // Payday Thursday 19 Nov 2026; D-5 Thu 12, D-4 Fri 13, D-3 Mon 16 Nov at 10:00.
    private static readonly DateTimeOffset[] StepTimes =
        [new(2026, 11, 12, 10, 0, 0, Shanghai), new(2026, 11, 13, 10, 0, 0, Shanghai), new(2026, 11, 16, 10, 0, 0, Shanghai)];

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly JourneyClock _clock = JourneyClock.Manual(new DateTimeOffset(2026, 11, 12, 9, 0, 0, Shanghai));
    private WeComSandboxHost _sandbox = null!;
    private LocalHostInstance _host = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await WeComSandboxHost.StartAsync(time: _clock);
        var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
        _sandbox.Sandbox.RegisterApp(_tenant.CorpId, secret);
        _host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["WeCom:Api:BaseUrl"] = _sandbox.BaseAddress.ToString(),
            [$"WeCom:Tenants:{_tenant.Name}:AppSecret"] = secret,
            ["Delivery:AggregationDelay"] = "00:00:00",
            ["Storage:NetworkTimeout"] = "00:00:30",
        }, services =>
        {
            services.AddSingleton(_clock);
            services.AddSingleton<TimeProvider>(_clock);
            services.AddSingleton<ISenderContexts>(new FixedSenderContexts());
        });
        await Get<RepositoryContent>().PublishAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _sandbox.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    [Fact]
    public async Task Two_hundred_customers_of_one_manager_each_with_their_own_name_make_one_task_per_payroll_step()
    {
        var at = StepTimes[0].AddDays(-60);
        var names = Enumerable.Range(0, Customers).Select(CustomerNames.Of).ToList();
        Assert.Equal(Customers, names.Distinct().Count());
        for (var i = 0; i < Customers; i++)
        {
            var id = $"n{i:D3}";
            Assert.True(await Get<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, id, at) with
            {
                Name = names[i], ExternalUserIds = ["wm" + id], Payroll = new PayrollEnrolment("E-NAMES", "day:19"),
            }, CancellationToken.None));
            Assert.True(await Get<IRelationshipStore>().TryWriteAsync(
                new Relationship(_tenant.Name, Manager, "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        }

        await Get<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer("E-NAMES", PaydayRule.Parse("day:19")), CancellationToken.None);
        var campaign = Assert.Single((await Get<PayrollCampaignScheduler>().RunAsync(_tenant.Name, CancellationToken.None)).Started);
        while (!(await Get<PayrollFanOut>().RunBatchAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None)).Done)
        {
        }

        var perStep = new List<List<JsonNode>>();
        foreach (var step in StepTimes)
        {
            _clock.AdvanceTo(step);
            await Parallel.ForEachAsync(Enumerable.Range(0, Customers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await Get<JourneyRunner>().StepAsync(_tenant.Name, PayrollCampaignJourney.InstanceId(_tenant.Name, $"n{i:D3}", campaign.CampaignId), ct));
            var before = Tasks().Count;
            while ((await Get<TouchDispatcher>().DispatchAsync(_tenant.Name, Manager, CancellationToken.None)).Outcomes.Count > 0)
            {
            }

            perStep.Add([.. Tasks().Skip(before)]);
        }

        // D-5, D-4 and D-3: one task each for the manager to confirm, carrying all 200 customers, naming none of them.
        Assert.All(perStep, tasks =>
        {
            var task = Assert.Single(tasks);
            Assert.Equal(Customers, task["external_userid"]!.AsArray().Select(n => (string)n!).Distinct().Count());
            var text = (string)task["text"]!["content"]!;
            Assert.DoesNotContain(names, n => text.Contains(n, StringComparison.Ordinal));
        });
        Assert.Equal(3, perStep.Select(t => (string)t[0]["text"]!["content"]!).Distinct().Count());
    }

    private List<JsonNode> Tasks() =>
        [.. _sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/add_msg_template" && r.CorpId == _tenant.CorpId && r.Errcode == 0).Select(r => JsonNode.Parse(r.Body!)!)];
}
