using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.Functions.Journeys;

/// <summary>The orchestration input: the tenant and the engine state (carried through ContinueAsNew at each round).</summary>
public sealed record JourneyInput(string Tenant, JourneyState State);

/// <summary>A customer signal raised to a running journey as the external event <see cref="JourneyOrchestration.SignalEvent"/>.</summary>
/// <param name="Kind">replied, clicked, joined-activity, intent, converted, opted-out or manager-deleted.</param>
/// <param name="At">When it happened.</param>
public sealed record JourneySignal(string Kind, DateTimeOffset At)
{
    /// <summary>The engine event for this signal, or null for a kind the engine does not know.</summary>
    public JourneyEvent? ToEvent() => JourneySignals.ToEvent(Kind, At);
}

/// <summary>A touch to record, for the activity.</summary>
public sealed record TouchToRecord(string Tenant, Touch Touch);

/// <summary>
/// The Durable driver of the journey engine: one orchestration per customer journey, instance id from
/// <see cref="JourneyInstanceId"/> (tenant, journey, customer). The same Decide/Apply loop as the local runner.
/// </summary>
/// <remarks>
/// Orchestrator rules a reader could break: only <c>context.CurrentUtcDateTime</c> for time; the definition comes from
/// an activity (file I/O) and is parsed in the orchestrator, which is pure; a timer that loses to a signal is cancelled;
/// each round ends in ContinueAsNew so history stays small, and unprocessed signals are kept across it.
/// </remarks>
public static class JourneyOrchestration
{
    /// <summary>The external event name for customer signals.</summary>
    public const string SignalEvent = "signal";

    private static readonly TaskOptions SendRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>Runs one round of a customer's journey; returns the end reason, or "next-round" when it continues as new.</summary>
    [Function(nameof(JourneyOrchestrator))]
    public static async Task<string> JourneyOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<JourneyInput>() ?? throw new InvalidOperationException("The journey input is missing.");
        var state = input.State;
        var json = await context.CallActivityAsync<string>(nameof(LoadJourneyDefinition), new JourneyKey(state.JourneyId, state.Version));
        var definition = JourneyDefinitionReader.Read(Encoding.UTF8.GetBytes(json), $"{state.JourneyId}.v{state.Version}.json");
        var engine = new JourneyEngine(TouchPolicy.Default);

        while (true)
        {
            var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    foreach (var touch in send.Touches)
                    {
                        await context.CallActivityAsync<bool>(nameof(RecordTouch), new TouchToRecord(input.Tenant, touch), SendRetry);
                        state = JourneyEngine.Apply(state, new TouchSent(touch, now));
                    }

                    break;

                case StartNextRound round:
                    context.ContinueAsNew(new JourneyInput(input.Tenant, JourneyEngine.Apply(state, new RoundStarted(round.Round, now))), preserveUnprocessedEvents: true);
                    return "next-round";

                case CompleteJourney done:
                    return done.Reason.ToString();

                case WaitUntil wait:
                    using (var cancel = new CancellationTokenSource())
                    {
                        var timer = context.CreateTimer(wait.Until.UtcDateTime, cancel.Token);
                        var signal = context.WaitForExternalEvent<JourneySignal>(SignalEvent, cancel.Token);
                        var winner = await Task.WhenAny(timer, signal);
                        cancel.Cancel(); // the loser must not keep the orchestration waiting
                        if (winner == signal && signal.Result.ToEvent() is { } journeyEvent)
                        {
                            state = JourneyEngine.Apply(state, journeyEvent);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>The pinned definition's JSON (the orchestrator parses it; files are deployed with the app).</summary>
    [Function(nameof(LoadJourneyDefinition))]
    public static Task<string> LoadJourneyDefinition([ActivityTrigger] JourneyKey key, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(context);
        var options = context.InstanceServices.GetRequiredService<IOptions<JourneyOptions>>().Value;
        return File.ReadAllTextAsync(Path.Combine(options.ResolvedDefinitionsPath, $"{key.Id}.v{key.Version}.json"));
    }

    /// <summary>Records a touch in the ledger (insert-if-absent, so a replayed or retried activity records it once).</summary>
    [Function(nameof(RecordTouch))]
    public static Task<bool> RecordTouch([ActivityTrigger] TouchToRecord request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return context.InstanceServices.GetRequiredService<ITouchLedger>().RecordAsync(request.Tenant, request.Touch, context.CancellationToken);
    }

    /// <summary>
    /// Starts a customer's journey, or returns the running one. Durable's check-then-start is racy and would overwrite a
    /// completed instance, so the ETag-guarded instance row of <see cref="IJourneyStore"/> decides who starts it.
    /// </summary>
    public static async Task<(string InstanceId, bool Started)> StartAsync(
        DurableTaskClient client, IJourneyStore store, JourneyCatalog catalog, JourneyEngine engine, TimeProvider time,
        string tenant, string journeyId, string customerId, string senderId, string? occurrence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(time);
        var definition = catalog.Get(journeyId);
        var instanceId = JourneyInstanceId.For(tenant, journeyId, customerId, occurrence);
        var state = engine.Start(definition, instanceId, customerId, senderId, time.GetUtcNow());
        if (!await store.TryInsertAsync(new JourneyRecord(tenant, state, JourneyStatus.Running, null, null), cancellationToken).ConfigureAwait(false))
        {
            return (instanceId, false);
        }

        await client.ScheduleNewOrchestrationInstanceAsync(nameof(JourneyOrchestrator), new JourneyInput(tenant, state),
            new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken).ConfigureAwait(false);
        return (instanceId, true);
    }
}

/// <summary>A definition's id and version.</summary>
public sealed record JourneyKey(string Id, int Version);
