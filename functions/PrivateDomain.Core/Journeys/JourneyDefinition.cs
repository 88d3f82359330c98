using System.Collections.Frozen;
using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>
/// A journey as data: read from <c>content-templates/journeys/{id}.v{version}.json</c> by <see cref="JourneyDefinitionReader"/>.
/// A published (id, version) is immutable — <see cref="ContentHash"/> is pinned in <c>published.json</c> and drivers pin
/// it at start — so in-flight journeys never change under a customer; a change is a new version.
/// </summary>
public sealed record JourneyDefinition
{
    /// <summary>Lowercase id such as <c>aida-nurture</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Version, 1 and up; (Id, Version) names one immutable definition.</summary>
    public required int Version { get; init; }

    /// <summary>A line for operators.</summary>
    public required string Title { get; init; }

    /// <summary><c>published</c> definitions may be started and may not change; <c>draft</c> ones are for simulation only.</summary>
    public required bool Published { get; init; }

    /// <summary><c>sha256:</c> + hex of the file's UTF-8 bytes with line endings normalised to LF.</summary>
    public required string ContentHash { get; init; }

    /// <summary>What starts the journey.</summary>
    public required JourneyTrigger Trigger { get; init; }

    /// <summary>Whether day 1 is the day after enrolment (T+1, the AIDA plan) or the day the trigger fired.</summary>
    public required JourneyStart StartsOn { get; init; }

    /// <summary>How many times the round of steps repeats (the A-bank plan: 2).</summary>
    public required int Rounds { get; init; }

    /// <summary>Days per round (the A-bank plan: 12); round r covers days (r-1)·RoundDays+1 .. r·RoundDays.</summary>
    public required int RoundDays { get; init; }

    /// <summary>Stages in order, each with the days of the round it spans (stages may share days).</summary>
    public required ImmutableArray<JourneyStage> Stages { get; init; }

    /// <summary>The steps of one round.</summary>
    public required ImmutableArray<JourneyStep> Steps { get; init; }

    /// <summary>The skip-ahead rule, if any.</summary>
    public SkipAheadRule? SkipAhead { get; init; }

    /// <summary>Signals that end the journey (always including opted out and manager deleted).</summary>
    public required ImmutableArray<JourneyEnd> Exits { get; init; }

    /// <summary>Step indexes in the order they fall due within a round (day, then time).</summary>
    internal ImmutableArray<int> StepOrder { get; init; }

    /// <summary>The stage index of each step.</summary>
    internal ImmutableArray<int> StepStage { get; init; }

    /// <summary>Step index by step id.</summary>
    internal FrozenDictionary<string, int> StepIndex { get; init; } = FrozenDictionary<string, int>.Empty;

    /// <summary>Per step: true if the skip-ahead rule drops it for a customer who reacted in the trigger stage.</summary>
    internal ImmutableArray<bool> SkippedOnReaction { get; init; }

    /// <summary>The index of the skip-ahead trigger stage, or -1.</summary>
    internal int SkipTriggerStage { get; init; } = -1;

    /// <summary>Display name such as <c>aida-nurture v1</c>.</summary>
    public override string ToString() => $"{Id} v{Version}";
}

/// <summary>What starts a journey: an operator enrolment (a customer or a segment) or a customer signal.</summary>
/// <param name="Kind"><c>enrolment</c> or <c>signal</c>.</param>
/// <param name="Signal">For <c>signal</c>: the signal name, e.g. <c>applicationAbandoned</c>.</param>
/// <param name="Recurs">True if the journey may run again for the same customer; its instance id then carries an
/// occurrence key (the application id, say) so a second occurrence is not mistaken for a duplicate start.</param>
/// <param name="Tag">For the signals <c>tagAdded</c> and <c>tagRemoved</c>: the dynamic tag whose change starts the journey.</param>
public sealed record JourneyTrigger(string Kind, string? Signal, bool Recurs, string? Tag = null);

/// <summary>Which local day is day 1.</summary>
public enum JourneyStart
{
    /// <summary>Day 1 is the day after the start (T+1), as in the AIDA plan.</summary>
    NextDay,

    /// <summary>Day 1 is the day the journey started (an event-triggered check-in within hours).</summary>
    SameDay,
}

/// <summary>A stage (attention, interest, desire, action…) and the days of the round it spans, 1-based. A touch that
/// caps or quiet hours push past the stage's last day is dropped rather than sent out of context.</summary>
public sealed record JourneyStage(string Name, int FromDay, int ToDay);

/// <summary>
/// One step of a round. Exactly one of <see cref="Day"/> (with <see cref="At"/>, local time) or <see cref="AfterHours"/>
/// (from the journey's start, for event-triggered journeys) says when it falls due.
/// </summary>
/// <param name="Id">Unique within the definition; part of the touch id, so never reuse one for different content.</param>
/// <param name="Stage">The stage name.</param>
/// <param name="Channel">oneToOne, moments or group.</param>
/// <param name="Day">Day of the round, 1-based.</param>
/// <param name="At">Local time of day.</param>
/// <param name="AfterHours">Hours after the round started.</param>
/// <param name="Kind">The content kind (welfare, persona, values, financeTip…), for reports and content selection.</param>
/// <param name="Content">The content template id.</param>
/// <param name="IntentContent">The 3W script template that replaces <see cref="Content"/> for a customer who has
/// shown intent (1:1 steps only); it replaces the touch's copy, it never adds a touch.</param>
/// <param name="Personal">True if the step's text may differ per customer (<c>{customer.name}</c>), so each customer's
/// touch is a WeCom task of its own; such steps are capped per account manager and day. False (the default) for a mass
/// send: every recipient of a manager gets the same text, in one task (<see cref="Content.MassSendRule"/>).</param>
public sealed record JourneyStep(
    string Id,
    string Stage,
    Channel Channel,
    int? Day,
    TimeOnly? At,
    double? AfterHours,
    string Kind,
    string Content,
    string? IntentContent,
    bool Personal = false);

/// <summary>A customer who reacts (reply, click, joined an activity) to a touch of <see cref="WhenReactedIn"/> skips
/// the steps of <see cref="SkipStages"/> on <see cref="Channels"/> for the rest of that round. The remaining steps keep
/// their days, so the customer still travels in the same per-sender mass-send tasks as the cohort.</summary>
public sealed record SkipAheadRule(string WhenReactedIn, ImmutableArray<string> SkipStages, ImmutableArray<Channel> Channels);
