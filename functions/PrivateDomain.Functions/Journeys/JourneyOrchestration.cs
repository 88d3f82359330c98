using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.Functions.Journeys;

/// <summary>The orchestration input: the tenant, the engine state and the inbox signals applied so far (all carried
/// through ContinueAsNew at each round).</summary>
public sealed record JourneyInput(string Tenant, JourneyState State, IReadOnlyList<string>? AppliedSignals = null);

/// <summary>The nudge raised as the external event <see cref="JourneyOrchestration.SignalEvent"/> after a signal was
/// stored in the inbox: "read your inbox". It carries no signal itself, so a nudge that is dropped (the instance had
/// not started yet) or repeated changes nothing — the inbox is the record.</summary>
/// <param name="SignalId">The signal that caused it (for tracing).</param>
public sealed record SignalNudge(string SignalId);

/// <summary>What an activity needs to read a journey's pending inbox signals.</summary>
public sealed record JourneyInboxRequest(string Tenant, JourneyState State, IReadOnlyList<string> AppliedSignals);

/// <summary>The start of a round: the pinned definition's JSON and the inbox signals not applied yet.</summary>
public sealed record JourneyRoundOpening(string DefinitionJson, IReadOnlyList<InboxSignal> Signals);

/// <summary>The orchestration's custom status, for the operator API: where the journey stands between rounds.</summary>
/// <param name="Round">The round.</param>
/// <param name="Intent">Whether the customer showed intent.</param>
/// <param name="Reactions">The reactions counted.</param>
/// <param name="NextWakeAt">The wait being timed.</param>
public sealed record JourneyProgress(int Round, bool Intent, int Reactions, DateTimeOffset? NextWakeAt);

/// <summary>A touch to record, for the activity.</summary>
public sealed record TouchToRecord(string Tenant, Touch Touch);

/// <summary>
/// The Durable driver of the journey engine: one orchestration per customer journey, instance id from
/// <see cref="JourneyInstanceId"/> (tenant, journey, customer). The same Decide/Apply loop as the local runner.
/// </summary>
/// <remarks>
/// Orchestrator rules a reader could break: only <c>context.CurrentUtcDateTime</c> for time; the definition and the
/// inbox come from activities (I/O) and are applied in the orchestrator, which is pure; a timer that loses to a nudge is
/// cancelled; each round ends in ContinueAsNew so history stays small, and unprocessed nudges are kept across it.
/// Signals are never taken from the event itself: they are stored in the inbox first and read by an activity at the
/// start of every round (so a signal raised before the instance existed, or while it continued as new, is applied) and
/// after every nudge. The applied ids travel with the state, so a signal is applied once.
/// </remarks>
public static class JourneyOrchestration
{
    /// <summary>The external event name for customer signals.</summary>
    public const string SignalEvent = "signal";

    /// <summary>Every activity call retries: one transient storage error must not fail the journey for good (a failed
    /// instance leaves its start row Running, and the customer could never be started on the journey again). Each
    /// activity is safe to repeat: reads, and the ledger's insert-if-absent.</summary>
    private static readonly TaskOptions ActivityRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(5)));

    /// <summary>Runs one round of a customer's journey; returns the end reason, or "next-round" when it continues as new.</summary>
    [Function(nameof(JourneyOrchestrator))]
    public static async Task<string> JourneyOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetInput<JourneyInput>() ?? throw new InvalidOperationException("The journey input is missing.");
        var opening = await context.CallActivityAsync<JourneyRoundOpening>(nameof(OpenJourneyRound),
            new JourneyInboxRequest(input.Tenant, input.State, input.AppliedSignals ?? []), ActivityRetry);
        var definition = JourneyDefinitionReader.Read(Encoding.UTF8.GetBytes(opening.DefinitionJson), $"{input.State.JourneyId}.v{input.State.Version}.json");
        var engine = new JourneyEngine(TouchPolicy.Default);
        var (state, applied) = JourneyInbox.Apply(input.State, [.. input.AppliedSignals ?? []], opening.Signals);

        while (true)
        {
            var now = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    foreach (var touch in send.Touches)
                    {
                        await context.CallActivityAsync<bool>(nameof(RecordTouch), new TouchToRecord(input.Tenant, touch), ActivityRetry);
                        state = JourneyEngine.Apply(state, new TouchSent(touch, now));
                    }

                    break;

                case StartNextRound round:
                    context.ContinueAsNew(new JourneyInput(input.Tenant, JourneyEngine.Apply(state, new RoundStarted(round.Round, now)), applied),
                        preserveUnprocessedEvents: true);
                    return "next-round";

                case CompleteJourney done:
                    return done.Reason.ToString();

                case WaitUntil wait:
                    context.SetCustomStatus(new JourneyProgress(state.Round, state.Intent, state.Reactions, wait.Until));
                    bool nudged;
                    using (var cancel = new CancellationTokenSource())
                    {
                        var timer = context.CreateTimer(wait.Until.UtcDateTime, cancel.Token);
                        var nudge = context.WaitForExternalEvent<SignalNudge>(SignalEvent, cancel.Token);
                        nudged = await Task.WhenAny(timer, nudge) == nudge;
                        cancel.Cancel(); // the loser must not keep the orchestration waiting
                    }

                    if (nudged)
                    {
                        var signals = await context.CallActivityAsync<IReadOnlyList<InboxSignal>>(nameof(ReadJourneySignals),
                            new JourneyInboxRequest(input.Tenant, state, applied), ActivityRetry);
                        (state, applied) = JourneyInbox.Apply(state, applied, signals);
                    }

                    break;
            }
        }
    }

    /// <summary>Opens a round: the pinned definition's JSON (the orchestrator parses it; files are deployed with the app)
    /// and the customer's inbox signals the journey has not applied (one activity for both: a round costs one).</summary>
    [Function(nameof(OpenJourneyRound))]
    public static async Task<JourneyRoundOpening> OpenJourneyRound([ActivityTrigger] JourneyInboxRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var options = context.InstanceServices.GetRequiredService<IOptions<JourneyOptions>>().Value;
        var json = await File.ReadAllTextAsync(Path.Combine(options.ResolvedDefinitionsPath, $"{request.State.JourneyId}.v{request.State.Version}.json"),
            context.CancellationToken).ConfigureAwait(false);
        return new JourneyRoundOpening(json, await ReadJourneySignals(request, context).ConfigureAwait(false));
    }

    /// <summary>The customer's inbox signals that concern the journey and are not applied yet.</summary>
    [Function(nameof(ReadJourneySignals))]
    public static async Task<IReadOnlyList<InboxSignal>> ReadJourneySignals([ActivityTrigger] JourneyInboxRequest request, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return await JourneyInbox.PendingAsync(context.InstanceServices.GetRequiredService<ISignalInbox>(), request.Tenant, request.State,
            request.AppliedSignals, context.CancellationToken).ConfigureAwait(false);
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
    /// Starts a customer's journey, or returns the running (or ended) one. Durable's check-then-start is racy and would
    /// start a completed instance over, so the ETag-checked start row of <see cref="IJourneyStarts"/> decides who starts
    /// it; the winner schedules the orchestration and confirms the row. A winner that dies in between leaves a Starting
    /// row whose claim expires; the next start takes it over, schedules the instance unless the first schedule got
    /// through (Durable already knows the id), and confirms. The row is claimed for new ids only, so the existence
    /// check never finds an old completed instance to start over.
    /// </summary>
    public static async Task<(string InstanceId, bool Started)> StartAsync(
        DurableTaskClient client, IJourneyStarts starts, JourneyCatalog catalog, JourneyEngine engine, TimeProvider time,
        string tenant, string journeyId, string customerId, string senderId, string? occurrence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(time);
        var definition = catalog.Get(journeyId);
        var instanceId = JourneyInstanceId.For(tenant, journeyId, customerId, occurrence);
        var now = time.GetUtcNow();
        var claim = await starts.ClaimAsync(tenant, customerId, instanceId, journeyId, now, cancellationToken).ConfigureAwait(false);
        if (!claim.Won)
        {
            return (instanceId, false);
        }

        var state = engine.Start(definition, instanceId, customerId, senderId, now);
        if (await client.GetInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false) is null)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(JourneyOrchestrator), new JourneyInput(tenant, state),
                new StartOrchestrationOptions(instanceId), cancellationToken).ConfigureAwait(false);
        }

        await starts.ConfirmAsync(tenant, customerId, instanceId, cancellationToken).ConfigureAwait(false);
        return (instanceId, true);
    }
}
