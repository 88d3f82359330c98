using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Functions.Tests.Journeys;

/// <summary>The per-customer journey orchestration of the Functions app, run by Durable's in-process host on a virtual clock.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class JourneyOrchestrationTests(AzuriteFixture azurite)
{
    private const string Aida = "aida-nurture";

    [Fact]
    public async Task A_silent_aida_nurture_journey_sends_each_day_what_the_simulator_plans()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, JourneyTestKit.SimulatorStart);
        var definition = host.Get<JourneyCatalog>().Get(Aida);

        var instanceId = await host.StartJourneyAsync(Aida, "c-silent");
        var end = await host.WaitForEndAsync(instanceId);

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal(nameof(JourneyEnd.Finished), end.ReadOutputAs<string>());
        var ledger = await host.LedgerAsync(instanceId);
        Assert.Equal(JourneyTestKit.SimulatedSilentPerDay(definition),
            JourneyTestKit.PerDay(definition, DateOnly.FromDateTime(host.Get<JourneyEngine>().Local(JourneyTestKit.SimulatorStart)), ledger));
    }
}
