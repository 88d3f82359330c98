using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Functions.Tests.Journeys;

/// <summary>Cohort mode of the Durable driver: one orchestration for a cohort of customers.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class CohortOrchestrationTests(AzuriteFixture azurite)
{
    private const string Aida = "aida-nurture";

    [Fact]
    public async Task A_cohort_of_50_with_mixed_signals_ends_each_customer_as_their_signal_says_and_gives_the_silent_ones_the_whole_plan()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        var engine = host.Get<JourneyEngine>();
        var definition = host.Get<JourneyCatalog>().Get(Aida);
        var kinds = new[] { SignalKinds.DeletedUs, SignalKinds.OptedOut, SignalKinds.Converted, SignalKinds.Clicked, "" };
        var customers = Enumerable.Range(0, 50).Select(i => $"m{i:00}").ToList();
        string KindOf(string customer) => kinds[int.Parse(customer[1..], System.Globalization.CultureInfo.InvariantCulture) % kinds.Length];
        var signalsAt = JourneyTestKit.SimulatorStart.AddDays(5);
        DateTimeOffset? raisedAt = null;
        var gate = new SemaphoreSlim(1, 1);
        // On day 5 the signals land in the inbox (no Durable event: cohorts read the inbox at each wake-up).
        host.Faults.BeforeRun = async (activity, input) =>
        {
            if (activity != nameof(CohortOrchestration.RunCohortBatch) || input is not CohortBatch batch || batch.Now < signalsAt)
            {
                return;
            }

            await gate.WaitAsync();
            try
            {
                if (raisedAt is null)
                {
                    foreach (var c in customers.Where(c => KindOf(c).Length > 0))
                    {
                        await host.Get<TableSignalInbox>().RaiseAsync(
                            new CustomerSignal(host.Tenant, c, $"test:{c}", KindOf(c), batch.Now, new Dictionary<string, string>()), CancellationToken.None);
                    }

                    raisedAt = batch.Now;
                }
            }
            finally
            {
                gate.Release();
            }
        };
        var cohort = new CohortKey(host.Tenant, Aida, DateOnly.FromDateTime(engine.Local(JourneyTestKit.SimulatorStart)), "zhangsan");
        // Members are their manager's customers (enrolment takes the active manager): signals are journalled under them.
        var related = JourneyTestKit.SimulatorStart.AddDays(-30);
        foreach (var c in customers)
        {
            Assert.True(await host.Get<IRelationshipStore>().TryWriteAsync(
                new Relationship(host.Tenant, cohort.SenderId, "wm" + c, c, related, null, null, null, RelationshipStatus.Active, related, null), null, CancellationToken.None));
        }

        var instanceId = await CohortOrchestration.StartAsync(host.Client, host.Get<CohortRunner>(), cohort, customers, batchSize: 20,
            host.Clock.TimeProvider.GetUtcNow(), CancellationToken.None);
        var end = await host.WaitForEndAsync(instanceId, TimeSpan.FromSeconds(90));

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal("completed", end.ReadOutputAs<string>());
        Assert.NotNull(raisedAt);
        var members = (await host.Get<ICohortStates>().ReadAsync(cohort, 0, 50, CancellationToken.None)).Select(m => m.Member).ToList();
        Assert.Equal(50, members.Count);
        var silentPlan = JourneyTestKit.SimulatedSilentPerDay(definition);
        foreach (var member in members)
        {
            var ledger = await host.LedgerAsync(member.State.InstanceId);
            var kind = KindOf(member.State.CustomerId);
            Assert.Equal(JourneyStatus.Completed, member.Status);
            switch (kind)
            {
                case "":
                    Assert.Equal(JourneyEnd.Finished, member.EndReason);
                    Assert.Equal(silentPlan, JourneyTestKit.PerDay(definition, cohort.StartDay, ledger));
                    break;
                case SignalKinds.Clicked:
                    Assert.Equal(JourneyEnd.Finished, member.EndReason);
                    Assert.Equal(1, member.State.Reactions);
                    break;
                default:
                    Assert.Equal(kind switch
                    {
                        SignalKinds.DeletedUs => JourneyEnd.ManagerDeleted,
                        SignalKinds.OptedOut => JourneyEnd.OptedOut,
                        _ => JourneyEnd.Converted,
                    }, member.EndReason);
                    Assert.NotEmpty(ledger);
                    Assert.All(ledger, e => Assert.True(e.SlotAt < raisedAt, $"{e.TouchId} at {e.SlotAt} after the {kind} signal at {raisedAt}"));
                    break;
            }
        }
    }
}
