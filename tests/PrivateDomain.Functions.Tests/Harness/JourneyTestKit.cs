using System.Globalization;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Simulation;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>What the journey tests do with a <see cref="FunctionsHost"/>: start journeys the way the app does, raise
/// signals the way the app does (inbox, then the <c>journey-signals</c> queue), run the queue's function, read the ledger.</summary>
public static class JourneyTestKit
{
    /// <summary>The simulator's default start: 3 March 2025, 15:00 in Asia/Shanghai.</summary>
    public static DateTimeOffset SimulatorStart { get; } = new JourneyEngine(TouchPolicy.Default).Instant(new SimulationOptions().FirstStartDate.ToDateTime(new SimulationOptions().EnrolAt));

    /// <summary>Starts a customer's journey through the app's start (start row, then Durable).</summary>
    public static async Task<string> StartJourneyAsync(this FunctionsHost host, string journeyId, string customerId, string senderId = "zhangsan", string? occurrence = null)
    {
        var (instanceId, started) = await JourneyOrchestration.StartAsync(host.Client, host.Get<IJourneyStarts>(), host.Get<JourneyCatalog>(), host.Get<JourneyEngine>(),
            host.Get<TimeProvider>(), host.Tenant, journeyId, customerId, senderId, occurrence, CancellationToken.None);
        Assert.True(started, $"{instanceId} should have been started now");
        return instanceId;
    }

    /// <summary>Raises a signal as the app does (inbox first, then a <c>journey-signals</c> message) and runs the queue's
    /// function on every message waiting there.</summary>
    public static async Task RaiseAndRouteAsync(this FunctionsHost host, string customerId, string kind, DateTimeOffset at, IDictionary<string, string>? data = null)
    {
        var signal = new CustomerSignal(host.Tenant, customerId, $"test:{customerId}:{kind}:{at.UtcTicks}", kind, at,
            new Dictionary<string, string>(data ?? new Dictionary<string, string>()));
        await host.Get<ISignalInbox>().RaiseAsync(signal, CancellationToken.None);
        await host.RouteSignalsAsync();
    }

    /// <summary>Runs <c>JourneySignalRouter</c> on each message of <c>journey-signals</c>, as the queue trigger would; a
    /// message whose function throws stays on the queue and the exception surfaces.</summary>
    public static async Task RouteSignalsAsync(this FunctionsHost host)
    {
        var queue = host.Get<StorageClients>().Queues.GetQueueClient(QueuedSignalInbox.QueueName);
        var router = host.Function<JourneySignalFunctions>();
        while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await router.RouteAsync(message.Body.ToString(), host.Client, null!, CancellationToken.None); // no binding data: poison entries go without a message id
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    /// <summary>The touches recorded for an instance.</summary>
    public static async Task<IReadOnlyList<LedgerEntry>> LedgerAsync(this FunctionsHost host, string instanceId) =>
        await host.Get<ITouchLedger>().ListAsync(host.Tenant, instanceId, CancellationToken.None).ToListAsync();

    /// <summary>Touches per journey day and channel, as the simulator reports them ("day:1to1/moments/group").</summary>
    public static IReadOnlyList<string> PerDay(JourneyDefinition definition, DateOnly startDate, IEnumerable<LedgerEntry> ledger)
    {
        var engine = new JourneyEngine(TouchPolicy.Default);
        var firstDay = startDate.AddDays(definition.StartsOn == JourneyStart.NextDay ? 1 : 0);
        return [.. ledger
            .GroupBy(e => DateOnly.FromDateTime(engine.Local(e.SlotAt)).DayNumber - firstDay.DayNumber + 1)
            .OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Key}:{g.Count(e => e.Channel == Channel.OneToOne)}/{g.Count(e => e.Channel == Channel.Moments)}/{g.Count(e => e.Channel == Channel.Group)}"))];
    }

    /// <summary>The simulator's plan for one silent customer, in the form of <see cref="PerDay"/>.</summary>
    public static IReadOnlyList<string> SimulatedSilentPerDay(JourneyDefinition definition)
    {
        var report = new JourneySimulator(new JourneyEngine(TouchPolicy.Default))
            .Run(definition, new SimulationOptions { Customers = 1, Response = ResponseMix.Silent });
        return [.. report.ByDay.Where(d => d.OneToOne + d.Moments + d.Group > 0)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Day}:{d.OneToOne}/{d.Moments}/{d.Group}"))];
    }

    /// <summary>Polls the instance until <paramref name="condition"/> holds for its metadata; fails at once if the
    /// instance ends first.</summary>
    public static Task WaitForStatusAsync(this FunctionsHost host, string instanceId, Func<Microsoft.DurableTask.Client.OrchestrationMetadata, bool> condition, string what) =>
        PrivateDomain.IntegrationTests.Harness.Eventually.TrueAsync(async () =>
        {
            if (await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true) is not { } m)
            {
                return false;
            }

            return condition(m) || (m.IsCompleted
                ? throw new InvalidOperationException($"{instanceId} ended ({m.RuntimeStatus}: {m.FailureDetails}) before {what}.")
                : false);
        }, what, TimeSpan.FromSeconds(60));

    /// <summary>True once the journey waits on a held timer (its custom status names a wake-up after the hold).</summary>
    public static bool WaitsHeld(this FunctionsHost host, Microsoft.DurableTask.Client.OrchestrationMetadata metadata) =>
        metadata.RuntimeStatus == Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Running
        && metadata.SerializedCustomStatus is not null
        && metadata.ReadCustomStatusAs<JourneyProgress>() is { NextWakeAt: { } wake } && wake > host.Clock.HoldAfter;
}
