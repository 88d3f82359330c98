using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.Functions.Tests;

/// <summary>The control that makes the other tests mean something: the host replays orchestrations and fails one that
/// decides differently on replay, as Durable does on Azure.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class ReplayCheckTests(AzuriteFixture azurite)
{
    private static int s_executions;

    [Fact]
    public async Task An_orchestrator_that_decides_differently_on_replay_fails()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, DateTimeOffset.UtcNow, registry =>
        {
            registry.AddActivityFunc<string, string>("Echo", (_, input) => input);
            // Deliberately non-deterministic: the first execution calls Echo, every replay a timer in its place.
            registry.AddOrchestratorFunc<string?, string>("NonDeterministic", async (context, _) =>
            {
                if (Interlocked.Increment(ref s_executions) == 1)
                {
                    await context.CallActivityAsync<string>("Echo", "first");
                }
                else
                {
                    await context.CreateTimer(TimeSpan.FromMilliseconds(10), CancellationToken.None);
                }

                return await context.CallActivityAsync<string>("Echo", "second");
            });
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("NonDeterministic");
        var end = await host.WaitForEndAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, end.RuntimeStatus);
        Assert.Contains("determinis", end.FailureDetails?.ErrorMessage + end.FailureDetails?.ErrorType, StringComparison.OrdinalIgnoreCase);
    }
}
