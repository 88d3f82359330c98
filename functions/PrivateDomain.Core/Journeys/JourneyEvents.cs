namespace PrivateDomain.Journeys;

/// <summary>Something that happened to a journey: a driver reporting a send, or a customer signal. Applied with
/// <see cref="JourneyEngine.Apply"/>; every event is idempotent to apply twice.</summary>
public abstract record JourneyEvent(DateTimeOffset At);

/// <summary>The touch was delivered (the ledger row exists).</summary>
public sealed record TouchSent(Touch Touch, DateTimeOffset At) : JourneyEvent(At);

/// <summary>The touch could not be sent after the driver's retries; it is not retried by the engine and does not count
/// against caps.</summary>
public sealed record TouchFailed(Touch Touch, string Reason, DateTimeOffset At) : JourneyEvent(At);

/// <summary>A reaction: the account manager tagged a reply, or the customer clicked a tracked link or joined an activity.
/// <paramref name="Touch"/> is the touch reacted to when known (tracked links carry it); otherwise the last touch sent.</summary>
public sealed record Reacted(ReactionKind Kind, DateTimeOffset At, TouchId? Touch = null) : JourneyEvent(At);

/// <summary>The customer showed intent (the manager's intent tag, a product page visit): action-stage 1:1 touches use
/// the 3W script from now on, in this round and the next.</summary>
public sealed record IntentShown(DateTimeOffset At) : JourneyEvent(At);

/// <summary>The customer converted (a CRM purchase event or the converted tag).</summary>
public sealed record Converted(DateTimeOffset At) : JourneyEvent(At);

/// <summary>The customer opted out (退订/TD, the unsubscribe page, the opted-out tag).</summary>
public sealed record OptedOut(DateTimeOffset At) : JourneyEvent(At);

/// <summary>The customer deleted the account manager (del_follow_user).</summary>
public sealed record ManagerDeleted(DateTimeOffset At) : JourneyEvent(At);

/// <summary>The driver began the next round (after <see cref="StartNextRound"/>; a Durable driver does it at
/// ContinueAsNew).</summary>
public sealed record RoundStarted(int Round, DateTimeOffset At) : JourneyEvent(At);

/// <summary>How a customer reacted.</summary>
public enum ReactionKind
{
    /// <summary>Replied in chat (known only from the manager's tag: WeCom does not report 1:1 chat content).</summary>
    Replied,

    /// <summary>Clicked a tracked content link.</summary>
    Clicked,

    /// <summary>Joined an activity or quiz page.</summary>
    JoinedActivity,
}
