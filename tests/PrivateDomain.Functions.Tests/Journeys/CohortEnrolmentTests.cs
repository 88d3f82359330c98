using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Functions.Tests.Journeys;

/// <summary>The daily enrolment of a journey configured in cohort mode: the timer function puts the segment's customers
/// into one cohort per account manager and starts its orchestration, once.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class CohortEnrolmentTests(AzuriteFixture azurite)
{
    private const string Aida = "aida-nurture";
    private const string NewTag = "新客";

    [Fact]
    public async Task The_daily_enrolment_starts_one_cohort_per_account_manager_with_the_segments_customers_not_on_the_journey_yet_and_only_once()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart, settings: new Dictionary<string, string?>
        {
            [$"{CohortEnrolmentOptions.Section}:{Aida}:Segment"] = $"tag:{NewTag}",
            [$"{CohortEnrolmentOptions.Section}:{Aida}:BatchSize"] = "4",
        });
        // n00–n09 are new customers (tagged) of zhangsan and lisi; n10 is tagged but has no account manager; o00 is not
        // tagged; n09 is on the journey already (started per customer).
        var at = JourneyTestKit.SimulatorStart.AddDays(-1);
        foreach (var (id, tagged, manager) in Enumerable.Range(0, 11).Select(i => ($"n{i:D2}", true, i == 10 ? null : i % 2 == 0 ? "zhangsan" : "lisi"))
                     .Append(("o00", false, "zhangsan")))
        {
            Assert.True(await host.Get<ICustomerStore>().TryInsertAsync(Customer.New(host.Tenant, id, at) with
            {
                ExternalUserIds = ["wm" + id],
                Tags = tagged ? [new CustomerTag(NewTag, TagKind.Dynamic, "test", at)] : [],
            }, CancellationToken.None));
            if (manager is not null)
            {
                Assert.True(await host.Get<IRelationshipStore>().TryWriteAsync(
                    new Relationship(host.Tenant, manager, "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
            }
        }

        await host.StartJourneyAsync(Aida, "n09", "lisi");
        var function = host.Function<CohortEnrolmentFunctions>();

        await function.RunAsync(new TimerInfo(), host.Client, CancellationToken.None);
        await function.RunAsync(new TimerInfo(), host.Client, CancellationToken.None); // the same day again: nothing new

        var day = DateOnly.FromDateTime(host.Get<JourneyEngine>().Local(host.Clock.TimeProvider.GetUtcNow()));
        var expected = new Dictionary<string, string[]>
        {
            ["lisi"] = ["n01", "n03", "n05", "n07"],
            ["zhangsan"] = ["n00", "n02", "n04", "n06", "n08"],
        };
        var silentPlan = JourneyTestKit.SimulatedSilentPerDay(host.Get<JourneyCatalog>().Get(Aida));
        foreach (var (manager, customers) in expected)
        {
            var cohort = new CohortKey(host.Tenant, Aida, day, manager);
            var end = await host.WaitForEndAsync(cohort.InstanceId, TimeSpan.FromMinutes(2));
            Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{cohort.InstanceId}: {end.RuntimeStatus} {end.FailureDetails}");
            var members = (await host.Get<ICohortStates>().ReadAsync(cohort, 0, 100, CancellationToken.None)).Select(m => m.Member).ToList();
            Assert.Equal(customers, members.Select(m => m.State.CustomerId));
            foreach (var member in members)
            {
                Assert.Equal((manager, JourneyStatus.Completed, JourneyEnd.Finished), (member.State.SenderId, member.Status, member.EndReason));
                Assert.Equal(silentPlan, JourneyTestKit.PerDay(host.Get<JourneyCatalog>().Get(Aida), day, await host.LedgerAsync(member.State.InstanceId)));
            }
        }

        // Each enrolled customer is on the journey once, in the start rows signals and later runs read.
        var rows = await host.Get<IJourneyStarts>().ListAsync(host.Tenant, "n00", CancellationToken.None).ToListAsync();
        Assert.Equal(JourneyInstanceId.For(host.Tenant, Aida, "n00"), Assert.Single(rows).InstanceId);
        Assert.Empty(await host.Get<IJourneyStarts>().ListAsync(host.Tenant, "n10", CancellationToken.None).ToListAsync());
        Assert.Empty(await host.Get<IJourneyStarts>().ListAsync(host.Tenant, "o00", CancellationToken.None).ToListAsync());
        Assert.Equal(JourneyStartStatus.Running, Assert.Single(rows).Status);
    }

    [Fact]
    public async Task A_cohort_setting_naming_an_unknown_or_campaign_journey_or_a_bad_segment_stops_the_app_at_start_naming_each()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart, settings: new Dictionary<string, string?>
            {
                [$"{CohortEnrolmentOptions.Section}:no-such-journey:Segment"] = "tag:x",
                [$"{CohortEnrolmentOptions.Section}:payroll-campaign:Segment"] = "tag:x",
                [$"{CohortEnrolmentOptions.Section}:{Aida}:Segment"] = "tag:x AND (",
            });
        });

        var message = e is AggregateException a ? string.Join(" ", a.Flatten().InnerExceptions.Select(i => i.Message)) : e.Message;
        Assert.Contains("Journeys:Cohorts:no-such-journey", message, StringComparison.Ordinal);
        Assert.Contains("Journeys:Cohorts:payroll-campaign", message, StringComparison.Ordinal);
        Assert.Contains($"Journeys:Cohorts:{Aida}:Segment", message, StringComparison.Ordinal);
    }
}
