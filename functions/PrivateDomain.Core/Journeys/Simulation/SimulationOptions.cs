namespace PrivateDomain.Journeys.Simulation;

/// <summary>What to simulate. Customer <c>i</c> belongs to account manager <c>i mod AccountManagers</c> and starts on
/// day <c>(i / AccountManagers) mod StartDays</c>, so cohorts (start day × manager) are as even as they can be.</summary>
public sealed record SimulationOptions
{
    /// <summary>How many customers to run through the journey.</summary>
    public int Customers { get; init; } = 1_000;

    /// <summary>How they respond.</summary>
    public ResponseMix Response { get; init; } = ResponseMix.Mixed;

    /// <summary>The seed: the same seed and options give the same report.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Account managers the customers are spread over; null means one per <see cref="CustomersPerManager"/>.</summary>
    public int? AccountManagers { get; init; }

    /// <summary>Customers per account manager when <see cref="AccountManagers"/> is not given.</summary>
    public int CustomersPerManager { get; init; } = 500;

    /// <summary>Consecutive days over which enrolments are spread (1: everybody starts the same day).</summary>
    public int StartDays { get; init; } = 1;

    /// <summary>The first enrolment date (local).</summary>
    public DateOnly FirstStartDate { get; init; } = new(2025, 3, 3);

    /// <summary>Local time operators enrol customers; signal-triggered journeys instead start at times spread by the seed
    /// between 08:00 and midnight, so quiet hours come into play.</summary>
    public TimeOnly EnrolAt { get; init; } = new(15, 0);

    /// <summary>Customers per engine batch activity in cohort mode (Table Storage batches hold 100 entities).</summary>
    public int CohortBatchSize { get; init; } = 100;

    /// <summary>Worker threads; the report does not depend on it.</summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>The account managers actually used.</summary>
    public int Managers => AccountManagers ?? Math.Max(1, (int)Math.Ceiling(Customers / (double)CustomersPerManager));

    /// <summary>Throws if an option is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public SimulationOptions Validated()
    {
        if (Customers < 1)
        {
            throw new ArgumentException("--customers must be at least 1.");
        }

        if (Managers < 1 || CustomersPerManager < 1)
        {
            throw new ArgumentException("--account-managers must be at least 1.");
        }

        if (StartDays is < 1 or > 366)
        {
            throw new ArgumentException("--start-days must be from 1 to 366.");
        }

        if (CohortBatchSize < 1)
        {
            throw new ArgumentException("--batch must be at least 1.");
        }

        if (Parallelism < 1)
        {
            throw new ArgumentException("--threads must be at least 1.");
        }

        return this;
    }
}
