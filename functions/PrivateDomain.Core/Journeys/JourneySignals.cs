namespace PrivateDomain.Journeys;

/// <summary>The signal kinds raised to journeys (by operators, the pool and, later, tracked links), and the engine events they become.</summary>
public static class JourneySignals
{
    /// <summary>The kinds.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["replied", "clicked", "joined-activity", "intent", "converted", "opted-out", "manager-deleted"];

    /// <summary>The engine event for a kind, or null.</summary>
    public static JourneyEvent? ToEvent(string? kind, DateTimeOffset at) => kind switch
    {
        "replied" => new Reacted(ReactionKind.Replied, at),
        "clicked" => new Reacted(ReactionKind.Clicked, at),
        "joined-activity" => new Reacted(ReactionKind.JoinedActivity, at),
        "intent" => new IntentShown(at),
        "converted" => new Converted(at),
        "opted-out" => new OptedOut(at),
        "manager-deleted" => new ManagerDeleted(at),
        _ => null,
    };
}
