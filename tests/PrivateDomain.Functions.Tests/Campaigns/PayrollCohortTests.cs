using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Campaigns;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using static PrivateDomain.Functions.Tests.Harness.PayrollTestKit;

namespace PrivateDomain.Functions.Tests.Campaigns;

/// <summary>
/// A payroll campaign on Azure: the daily run starts it, its <c>payroll-fanout</c> message starts the campaign
/// orchestration, which enrols the cohort into one cohort per account manager and runs them through D-5, D-4 and D-3 on
/// the virtual clock — with the same ledger, counts and follow-up tasks as the local host's driver (its fan-out and
/// per-customer runner, stepped on a manual clock) gives the same cohort in a tenant of its own.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class PayrollCohortTests(AzuriteFixture azurite)
{
    // 200: Azurite scans a whole table per query, so the time grows with the square of the rows.
    private const int Cohort = 200;
    private const int WithoutManager = 3;

    private static bool DeletesUsAfterWelfare(int i) => i % 20 == 5;

    private static bool Engages(int i) => i % 25 == 7;

    private static readonly DateTimeOffset DeletedAt = new(2026, 11, 12, 12, 0, 0, Shanghai);

    [Fact]
    public async Task A_200_customer_campaign_runs_D5_D4_D3_through_the_durable_cohorts_with_the_local_hosts_ledger_counts_and_tasks()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, OpeningMorning);
        var local = "l" + Guid.NewGuid().ToString("N")[..10]; // the local driver's tenant: same cohort, its own rows
        await SeedAsync(host.Services, host.Tenant, Cohort, WithoutManager);
        await SeedAsync(host.Services, local, Cohort, WithoutManager);

        // The local host's driver, as LocalHost runs it: the scheduler, the table-driven fan-out and the per-customer
        // runner, on a manual clock the test moves to each step time (its queues left out: the test does their work).
        var clock = JourneyClock.Manual(OpeningMorning);
        var runner = ActivatorUtilities.CreateInstance<JourneyRunner>(host.Services, (TimeProvider)clock, new NoWakeups());
        var fanOut = ActivatorUtilities.CreateInstance<PayrollFanOut>(host.Services, runner, new NoQueue());
        var localRun = await ActivatorUtilities.CreateInstance<PayrollCampaignScheduler>(host.Services, (TimeProvider)clock, new NoQueue())
            .RunAsync(local, CancellationToken.None);
        Assert.Equal(CampaignId, Assert.Single(localRun.Started).CampaignId);
        while (!(await fanOut.RunBatchAsync(local, CampaignId, CancellationToken.None)).Done)
        {
        }

        for (var step = 0; step < 3; step++)
        {
            clock.AdvanceTo(StepTimes[step]);
            await Parallel.ForEachAsync(Enumerable.Range(WithoutManager, Cohort - WithoutManager), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
                await runner.StepAsync(local, PayrollCampaignJourney.InstanceId(local, Customer(i), CampaignId), ct));
            if (step == 0)
            {
                // Some customers delete their account manager after the welfare step: the local router applies it at once.
                clock.AdvanceTo(DeletedAt);
                foreach (var i in Enumerable.Range(0, Cohort).Where(DeletesUsAfterWelfare))
                {
                    var signal = Deleted(local, i);
                    await host.Get<TableSignalInbox>().RaiseAsync(signal, CancellationToken.None);
                    Assert.True(await runner.SignalAsync(local, PayrollCampaignJourney.InstanceId(local, Customer(i), CampaignId),
                        JourneyInbox.ToEvent(signal.Kind, signal.At, null)!, CancellationToken.None));
                }
            }
        }

        // The same customers delete us in the Durable run: in the inbox before the cohorts' D-4 wake-up reads it.
        var raised = 0;
        var gate = new SemaphoreSlim(1, 1);
        host.Faults.BeforeRun = async (activity, input) =>
        {
            if (activity != nameof(CohortOrchestration.RunCohortBatch) || input is not CohortBatch batch || batch.Now < StepTimes[1])
            {
                return;
            }

            await gate.WaitAsync();
            try
            {
                if (raised == 0)
                {
                    foreach (var i in Enumerable.Range(0, Cohort).Where(DeletesUsAfterWelfare))
                    {
                        await host.Get<TableSignalInbox>().RaiseAsync(Deleted(host.Tenant, i), CancellationToken.None);
                        raised++;
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        };

        // Azure: the daily timer's run starts the campaign and queues its fan-out; the queue's function starts the
        // campaign orchestration; a second run and a second message change nothing.
        var functions = host.Function<PayrollFunctions>();
        await functions.RunAsync(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);
        Assert.Equal(1, await host.RunFanOutQueueAsync());
        var instanceId = PayrollCampaignOrchestration.InstanceId(host.Tenant, CampaignId);
        // (The second run queues the fan-out again while the enrolment is not finished; so does a redelivery.)
        Assert.Empty((await host.Get<PayrollCampaignScheduler>().RunAsync(host.Tenant, CancellationToken.None)).Started);
        await host.Get<IPayrollFanOutQueue>().QueueAsync(host.Tenant, CampaignId, CancellationToken.None);
        Assert.InRange(await host.RunFanOutQueueAsync(), 1, 2);
        var end = await host.WaitForEndAsync(instanceId, TimeSpan.FromMinutes(3));

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal($"completed: {Managers} cohorts, {Cohort - WithoutManager} members", end.ReadOutputAs<string>());
        Assert.True(raised > 0, "the deletions were raised before D-4");
        var cohortRun = await host.Client.GetInstanceAsync(
            PayrollCohortEnrolment.CohortOf((await host.Get<IPayrollCampaigns>().GetAsync(host.Tenant, CampaignId, CancellationToken.None))!, Manager(0)).InstanceId,
            getInputsAndOutputs: true);
        Assert.Equal("completed", cohortRun?.ReadOutputAs<string>());

        // The ledgers: the same customers, steps, content, senders, slots and outcomes.
        var azure = await LedgerRowsAsync(host.Services, host.Tenant, CampaignId, Cohort);
        var onLocal = await LedgerRowsAsync(host.Services, local, CampaignId, Cohort);
        var deleted = Enumerable.Range(0, Cohort).Count(DeletesUsAfterWelfare);
        Assert.Equal(((Cohort - WithoutManager) * 3) - (deleted * 2), onLocal.Count);
        Assert.True(onLocal.SetEquals(azure),
            $"only on the local host: {string.Join("; ", onLocal.Except(azure).Order(StringComparer.Ordinal).Take(3))}; only on Azure: {string.Join("; ", azure.Except(onLocal).Order(StringComparer.Ordinal).Take(3))}");

        // Engagement: the same customers open a campaign page in both; the same tasks and counts come out.
        foreach (var tenant in new[] { host.Tenant, local })
        {
            foreach (var (i, n) in Enumerable.Range(0, Cohort).Where(Engages).Select((i, n) => (i, n)))
            {
                Assert.NotNull(await host.Get<PayrollEngagement>().EngagedAsync(tenant, CampaignId, Customer(i), PayrollCampaignJourney.Steps[n % 3],
                    StepTimes[2].AddHours(1), CancellationToken.None));
            }
        }

        var tasks = await TasksAsync(host.Services, host.Tenant);
        Assert.Equal(Enumerable.Range(0, Cohort).Count(Engages), tasks.Count);
        Assert.Equal(await TasksAsync(host.Services, local), tasks);
        var counts = await host.Get<IPayrollCounts>().ReadAsync(host.Tenant, CampaignId, CancellationToken.None);
        var localCounts = await host.Get<IPayrollCounts>().ReadAsync(local, CampaignId, CancellationToken.None);
        foreach (var metric in new[] { PayrollMetrics.Enrolled, PayrollMetrics.NoManager, PayrollMetrics.Engaged })
        {
            Assert.Equal(localCounts.GetValueOrDefault(metric), counts.GetValueOrDefault(metric));
        }

        Assert.Equal((Cohort - WithoutManager, (long)WithoutManager), (counts[PayrollMetrics.Enrolled], counts[PayrollMetrics.NoManager]));
    }

    private static CustomerSignal Deleted(string tenant, int i) =>
        new(tenant, Customer(i), $"test:deleted:{Customer(i)}", SignalKinds.DeletedUs, DeletedAt, new Dictionary<string, string>());
}
