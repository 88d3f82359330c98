using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>What a driver should do next, as decided by <see cref="JourneyEngine.Decide"/>.</summary>
public abstract record JourneyDecision;

/// <summary>Send these touches now, then apply <see cref="TouchSent"/> or <see cref="TouchFailed"/> for each and decide
/// again. Sends must be idempotent on <see cref="Touch.Id"/>.</summary>
public sealed record SendTouches(ImmutableArray<Touch> Touches) : JourneyDecision;

/// <summary>Nothing is due: sleep until <paramref name="Until"/>. When <paramref name="WakeOnSignal"/> is true a
/// signal should wake the driver at once (apply it, cancel the timer, decide again) because a signal can end the
/// journey; signals never make a touch due earlier, so a driver may also apply them at the next wake.</summary>
public sealed record WaitUntil(DateTimeOffset Until, bool WakeOnSignal) : JourneyDecision;

/// <summary>The journey is over.</summary>
public sealed record CompleteJourney(JourneyEnd Reason) : JourneyDecision;

/// <summary>The round is done and another follows: apply <see cref="RoundStarted"/> (a Durable driver does so across
/// ContinueAsNew, keeping history small; it is also the safe place to move to a new definition version).</summary>
public sealed record StartNextRound(int Round) : JourneyDecision;
