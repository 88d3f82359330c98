namespace PrivateDomain.Journeys.Simulation;

/// <summary>
/// What a simulated run would do. Touch counts are per customer: a 1:1 touch is one message to one customer; a Moments
/// touch is one customer in the audience of one Moments post; a group touch is one customer's group receiving one post.
/// <see cref="Deliveries"/> counts what is actually sent after aggregation: 1:1 mass-send tasks and Moments / group
/// posts per account manager, content and slot — each one a confirmation for the account manager.
/// </summary>
public sealed record SimulationReport
{
    /// <summary>The journey simulated.</summary>
    public required JourneyRef Journey { get; init; }

    /// <summary>The options of the run.</summary>
    public required SimulationRun Run { get; init; }

    /// <summary>Per-customer touches by channel, and how many 1:1 touches carried the 3W script.</summary>
    public required TouchTotals Touches { get; init; }

    /// <summary>Aggregated deliveries (tasks and posts), one confirmation each.</summary>
    public required ChannelCounts Deliveries { get; init; }

    /// <summary>Per-customer touches by journey day (days since the journey started, 1-based; day 1 is T+1 for a
    /// next-day journey), every day of the journey listed.</summary>
    public required IReadOnlyList<DayCounts> ByDay { get; init; }

    /// <summary>Per-customer touches by round and stage.</summary>
    public required IReadOnlyList<StageCounts> ByStage { get; init; }

    /// <summary>How the journeys ended.</summary>
    public required Outcomes Outcomes { get; init; }

    /// <summary>Customers who reacted at least once, and who showed intent.</summary>
    public required Funnel Funnel { get; init; }

    /// <summary>Account-manager confirmations (aggregated tasks and posts) per local calendar day.</summary>
    public required IReadOnlyList<ConfirmationDay> Confirmations { get; init; }

    /// <summary>The orchestration actions the run would cost per driver mode and backend.</summary>
    public required OrchestrationCosts Orchestration { get; init; }

    /// <summary>Engine decisions made (calls to Decide).</summary>
    public required long Decisions { get; init; }

    /// <summary>Wall-clock figures, filled in by the command that ran the simulation (the core has no clock).</summary>
    public SimulationPerformance? Performance { get; init; }
}

/// <summary>The pinned definition.</summary>
public sealed record JourneyRef(string Id, int Version, string ContentHash);

/// <summary>The options of a run as reported.</summary>
public sealed record SimulationRun(int Customers, string Response, ulong Seed, int AccountManagers, int StartDays, string FirstStartDate, int CohortBatchSize);

/// <summary>Counts by channel.</summary>
public sealed record ChannelCounts(long OneToOne, long Moments, long Group);

/// <summary>Per-customer touch totals.</summary>
public sealed record TouchTotals(long OneToOne, long Moments, long Group, long ThreeW);

/// <summary>Touches on one journey day.</summary>
public sealed record DayCounts(int Day, long OneToOne, long Moments, long Group);

/// <summary>Touches in one stage of one round.</summary>
public sealed record StageCounts(int Round, string Stage, long OneToOne, long Moments, long Group);

/// <summary>Completed journeys by reason.</summary>
public sealed record Outcomes(long Finished, long Converted, long OptedOut, long ManagerDeleted);

/// <summary>Customers who reacted, and who showed intent.</summary>
public sealed record Funnel(long Reacted, long Intent);

/// <summary>Confirmations on one local date: <see cref="Day"/> counts from the first cohort's day 1.</summary>
public sealed record ConfirmationDay(int Day, string Date, long OneToOne, long Moments, long Group, long Total, long MaxPerAccountManager);

/// <summary>Costs in both driver modes.</summary>
public sealed record OrchestrationCosts(OrchestrationCost PerCustomer, OrchestrationCost Cohort);

/// <summary>
/// What one driver mode costs. Durable Task Scheduler bills and throttles by actions: an activity is 2 (scheduled and
/// completed), a timer 1, an external event 1, a start 1 (ContinueAsNew counts as a start). The Azure Storage backend
/// moves the same things as queue messages (an activity is a work-item message plus its completion on a control queue),
/// so <see cref="Actions"/> doubles as its message count; with 16 control-queue partitions at ~2,000 messages/s each,
/// the backend cannot move more than 32,000 a second however many workers run.
/// </summary>
public sealed record OrchestrationCost(
    string Mode,
    long Instances,
    long Starts,
    long Activities,
    long Timers,
    long Events,
    long Actions,
    double ActionsPerCustomerPerRound,
    long PeakMinuteActions,
    double PeakMinuteDrainSecondsAzureStorage,
    double TotalSecondsAzureStorage,
    long LargestFanOut);

/// <summary>How fast the run went on this machine.</summary>
public sealed record SimulationPerformance(
    double ElapsedSeconds,
    double CustomerJourneysPerSecond,
    double DecisionsPerSecond,
    double PeakWorkingSetMb,
    double GcHeapMb,
    double AllocatedMb,
    int Gen0Collections,
    int Gen2Collections,
    int Threads);
