using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>
/// One customer's progress through one journey: everything the engine needs, nothing it can look up (so a driver can
/// persist it as one row or carry it through ContinueAsNew). Step progress is per round, as bit sets indexed by the
/// step's position in the pinned definition — small to store, and safe because a published definition never changes.
/// </summary>
public sealed record JourneyState
{
    /// <summary>How many recent 1:1 send dates are kept for caps (so no cap may allow more than this many).</summary>
    public const int RecentOneToOneKept = 8;

    /// <summary>The instance id (tenant, journey, customer and, for recurring journeys, an occurrence key).</summary>
    public required string InstanceId { get; init; }

    /// <summary>The pinned definition's id.</summary>
    public required string JourneyId { get; init; }

    /// <summary>The pinned definition's version.</summary>
    public required int Version { get; init; }

    /// <summary>The pinned definition's content hash.</summary>
    public required string ContentHash { get; init; }

    /// <summary>The customer.</summary>
    public required string CustomerId { get; init; }

    /// <summary>The account manager who owns the relationship and sends the touches.</summary>
    public required string SenderId { get; init; }

    /// <summary>When the journey started (enrolment or the triggering signal).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The local date of day 1 (T+1 for a next-day journey).</summary>
    public required DateOnly FirstDay { get; init; }

    /// <summary>The local dates round 1's days fall on, when they are not consecutive from <see cref="FirstDay"/>: a payroll
    /// campaign's D-5, D-4 and D-3 counted in working days skip weekends and holidays. Day d of round 1 is
    /// <c>Days[d-1]</c>; days beyond the list (and later rounds) follow on consecutively. Empty for ordinary journeys.</summary>
    public ImmutableArray<DateOnly> Days { get; init; } = [];

    /// <summary>The campaign this journey runs for (a payroll campaign id), copied onto every touch so delivery, counts
    /// and tracked links can name it; null for ordinary journeys.</summary>
    public string? Campaign { get; init; }

    /// <summary>The payday a payroll campaign's copy names (<c>{payroll.payday}</c>), copied onto every touch.</summary>
    public DateOnly? Payday { get; init; }

    /// <summary>The current round, 1-based.</summary>
    public int Round { get; init; } = 1;

    /// <summary>Steps of this round already sent (bit i = step i).</summary>
    public ulong SentSteps { get; init; }

    /// <summary>Steps of this round that failed for good (bit i = step i).</summary>
    public ulong FailedSteps { get; init; }

    /// <summary>The step id of the last touch sent this round; a reaction without a touch id is credited to it.</summary>
    public string? LastSentStepId { get; init; }

    /// <summary>Step ids the customer reacted to this round (drives skip-ahead).</summary>
    public ImmutableArray<string> ReactedTo { get; init; } = [];

    /// <summary>Reactions over the whole journey.</summary>
    public int Reactions { get; init; }

    /// <summary>True once the customer showed intent; it lasts for the rest of the journey.</summary>
    public bool Intent { get; init; }

    /// <summary>True once the customer converted.</summary>
    public bool Converted { get; init; }

    /// <summary>Set when the customer opted out or deleted the account manager.</summary>
    public JourneyEnd? Exit { get; init; }

    /// <summary>Local dates of the most recent 1:1 touches (at most <see cref="RecentOneToOneKept"/>), for caps; kept
    /// across rounds so a cap also holds over the round boundary.</summary>
    public ImmutableArray<DateOnly> RecentOneToOne { get; init; } = [];

    /// <summary>True if step <paramref name="step"/> of this round was sent or failed.</summary>
    public bool IsDone(int step) => ((SentSteps | FailedSteps) & (1UL << step)) != 0;
}
