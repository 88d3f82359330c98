using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Functions.Tests.Journeys;

/// <summary>Signals, nudges and cancellation reaching the per-customer journey orchestration.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class JourneySignalTests(AzuriteFixture azurite)
{
    private const string Aida = "aida-nurture";

    [Fact]
    public async Task A_customer_who_deleted_us_between_rounds_gets_nothing_from_round_two_though_the_nudge_was_lost()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        var raised = false;
        // Into the inbox table only (no journey-signals message, so no nudge), just before round 2 opens.
        host.Faults.BeforeRun = async (activity, input) =>
        {
            if (activity == nameof(JourneyOrchestration.OpenJourneyRound) && input is JourneyInboxRequest { State.Round: 2 } request && !raised)
            {
                raised = true;
                await host.Get<TableSignalInbox>().RaiseAsync(new CustomerSignal(host.Tenant, request.State.CustomerId,
                    "test:deleted", SignalKinds.DeletedUs, host.Clock.TimeProvider.GetUtcNow(), new Dictionary<string, string>()), CancellationToken.None);
            }
        };

        var instanceId = await host.StartJourneyAsync(Aida, "c-deletes");
        var end = await host.WaitForEndAsync(instanceId);

        Assert.True(raised);
        Assert.Equal(nameof(JourneyEnd.ManagerDeleted), end.ReadOutputAs<string>());
        var ledger = await host.LedgerAsync(instanceId);
        Assert.NotEmpty(ledger);
        Assert.All(ledger, e => Assert.Contains("/r1/", e.TouchId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_customer_who_deletes_us_during_a_round_gets_no_further_touch()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        host.Clock.HoldAfter = JourneyTestKit.SimulatorStart.AddDays(3);
        var instanceId = await host.StartJourneyAsync(Aida, "c-deletes-now");
        await host.WaitForStatusAsync(instanceId, host.WaitsHeld, "the journey waiting after day 3");
        var before = await host.LedgerAsync(instanceId);
        host.Clock.HoldAfter = null;

        await host.RaiseAndRouteAsync("c-deletes-now", SignalKinds.DeletedUs, host.Clock.TimeProvider.GetUtcNow());
        var end = await host.WaitForEndAsync(instanceId);

        Assert.Equal(nameof(JourneyEnd.ManagerDeleted), end.ReadOutputAs<string>());
        Assert.NotEmpty(before);
        Assert.Equal(before.Select(e => e.TouchId), (await host.LedgerAsync(instanceId)).Select(e => e.TouchId));
    }

    [Fact]
    public async Task Nudges_racing_the_journey_timers_apply_a_click_exactly_once_and_the_journey_still_finishes()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        host.Clock.HoldAfter = JourneyTestKit.SimulatorStart.AddDays(2);
        var instanceId = await host.StartJourneyAsync(Aida, "c-clicks");
        await host.WaitForStatusAsync(instanceId, host.WaitsHeld, "the journey waiting after day 2");
        host.Clock.HoldAfter = null;

        await host.RaiseAndRouteAsync("c-clicks", SignalKinds.Clicked, host.Clock.TimeProvider.GetUtcNow());
        // The same nudge again and again while the (now short) timers fire: each wakes the journey, none may count twice.
        for (var i = 0; i < 15; i++)
        {
            await host.Client.RaiseEventAsync(instanceId, JourneyOrchestration.SignalEvent, new SignalNudge("repeat-" + i));
        }

        var end = await host.WaitForEndAsync(instanceId);

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal(nameof(JourneyEnd.Finished), end.ReadOutputAs<string>());
        Assert.Equal(1, end.ReadCustomStatusAs<JourneyProgress>()!.Reactions);
        var ledger = await host.LedgerAsync(instanceId);
        Assert.Equal(ledger.Count, ledger.Select(e => e.TouchId).Distinct().Count());
    }

    [Fact]
    public async Task An_operator_cancels_a_running_journey_and_it_sends_nothing_more()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        host.Clock.HoldAfter = JourneyTestKit.SimulatorStart.AddDays(2);
        var instanceId = await host.StartJourneyAsync(Aida, "c-cancelled");
        await host.WaitForStatusAsync(instanceId, host.WaitsHeld, "the journey waiting after day 2");
        var before = await host.LedgerAsync(instanceId);
        var operations = new DurableJourneyOperations(host.Client, host.Get<IJourneyStarts>(), host.Get<ITouchLedger>(), host.Get<ISignalInbox>(),
            host.Get<JourneyCatalog>(), host.Get<JourneyEngine>(), host.Get<TimeProvider>());

        Assert.True(await operations.CancelAsync(host.Tenant, instanceId, CancellationToken.None));
        var end = await host.WaitForEndAsync(instanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, end.RuntimeStatus);
        var view = await operations.GetAsync(host.Tenant, instanceId, CancellationToken.None);
        Assert.Equal(("Completed", nameof(JourneyEnd.Cancelled)), (view!.Status, view.EndReason));
        Assert.Equal(before.Select(e => e.TouchId), view.Touches.Select(e => e.TouchId));
        var row = await host.Get<IJourneyStarts>().ListAsync(host.Tenant, "c-cancelled", CancellationToken.None).SingleAsync();
        Assert.Equal((JourneyStartStatus.Ended, JourneyEnd.Cancelled), (row.Status, row.EndReason));
        Assert.False(await operations.CancelAsync(host.Tenant, instanceId, CancellationToken.None));
    }

    [Fact]
    public async Task A_journey_survives_a_transient_failure_of_every_activity()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        var definition = host.Get<JourneyCatalog>().Get(Aida);
        host.Faults.FailFirstRun = true;
        host.Clock.HoldAfter = JourneyTestKit.SimulatorStart.AddDays(2);
        var instanceId = await host.StartJourneyAsync(Aida, "c-flaky");
        await host.WaitForStatusAsync(instanceId, host.WaitsHeld, "the journey waiting after day 2");
        host.Clock.HoldAfter = null;
        await host.Client.RaiseEventAsync(instanceId, JourneyOrchestration.SignalEvent, new SignalNudge("read-the-inbox"));

        var end = await host.WaitForEndAsync(instanceId);

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal(nameof(JourneyEnd.Finished), end.ReadOutputAs<string>());
        Assert.Equal(JourneyTestKit.SimulatedSilentPerDay(definition),
            JourneyTestKit.PerDay(definition, DateOnly.FromDateTime(host.Get<JourneyEngine>().Local(JourneyTestKit.SimulatorStart)), await host.LedgerAsync(instanceId)));
        Assert.Equal(
            [nameof(JourneyOrchestration.OpenJourneyRound), nameof(JourneyOrchestration.ReadJourneySignals), nameof(JourneyOrchestration.RecordTouch)],
            host.Faults.Failed.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_signal_for_a_customer_with_a_failed_journey_still_reaches_their_other_journeys()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        const string customer = "c-two-journeys";
        // A journey whose orchestration failed for good (its pinned definition version does not exist), with its start row.
        var starts = host.Get<IJourneyStarts>();
        var failedId = JourneyInstanceId.For(host.Tenant, Aida, customer);
        var now = host.Clock.TimeProvider.GetUtcNow();
        Assert.True((await starts.ClaimAsync(host.Tenant, customer, failedId, Aida, now, CancellationToken.None)).Won);
        var broken = host.Get<JourneyEngine>().Start(host.Get<JourneyCatalog>().Get(Aida), failedId, customer, "zhangsan", now) with { Version = 999 };
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(JourneyOrchestration.JourneyOrchestrator), new JourneyInput(host.Tenant, broken),
            new Microsoft.DurableTask.StartOrchestrationOptions(failedId));
        await starts.ConfirmAsync(host.Tenant, customer, failedId, CancellationToken.None);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.WaitForEndAsync(failedId)).RuntimeStatus);
        // And a running one.
        host.Clock.HoldAfter = JourneyTestKit.SimulatorStart.AddDays(1);
        var runningId = await host.StartJourneyAsync(JourneySignalRouting.LoanJourney, customer, occurrence: "app-1");
        await host.WaitForStatusAsync(runningId, host.WaitsHeld, "the check-in journey waiting");
        host.Clock.HoldAfter = null;

        await host.RaiseAndRouteAsync(customer, SignalKinds.DeletedUs, host.Clock.TimeProvider.GetUtcNow());

        Assert.Equal(nameof(JourneyEnd.ManagerDeleted), (await host.WaitForEndAsync(runningId)).ReadOutputAs<string>());
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.Client.GetInstanceAsync(failedId))!.RuntimeStatus);
    }
}
