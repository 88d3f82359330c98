namespace PrivateDomain.Campaigns;

/// <summary>Whether a campaign is running or was stopped by an operator.</summary>
public enum PayrollCampaignStatus
{
    /// <summary>Started; its fan-out and journeys run.</summary>
    Running,
    /// <summary>Stopped by an operator: no more customers are enrolled and their journeys were ended.</summary>
    Stopped,
}

/// <summary>
/// Where a campaign's fan-out stands, kept on the campaign row and updated with its ETag: the cohort cursor (the last
/// index position enrolled), whether the whole cohort was enrolled, and the operator's stop. A fan-out that crashes
/// resumes from the cursor; customers of the batch it was in are found enrolled already (instance ids are deterministic)
/// and are not started twice.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Status">Running or stopped.</param>
/// <param name="Cursor">The cohort position after which the next batch starts; null before the first.</param>
/// <param name="FannedOut">True once the whole cohort was read.</param>
/// <param name="Batches">Batches done.</param>
/// <param name="StoppedAt">When an operator stopped it.</param>
/// <param name="StoppedBy">Who stopped it.</param>
public sealed record PayrollCampaignRun(
    string Tenant, string CampaignId, PayrollCampaignStatus Status, string? Cursor, bool FannedOut, int Batches, DateTimeOffset? StoppedAt, string? StoppedBy);

/// <summary>One customer of an employer's payroll cohort as its index row tells it.</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="EmployerConfirmed">True when the profile was confirmed to name the employer after the row was written
/// (false: a row a profile write added and did not finish, one it is removing, or a row from before the facts).</param>
/// <param name="ManagerKnown">True when <paramref name="ActiveManager"/> is the customer's active account manager as the
/// relationship writes keep it.</param>
/// <param name="ActiveManager">The active account manager (null: none), when <paramref name="ManagerKnown"/>.</param>
public sealed record CohortEntry(string CustomerId, bool EmployerConfirmed = false, bool ManagerKnown = false, string? ActiveManager = null)
{
    /// <summary>True when the row alone decides the customer: in the cohort, sent by <see cref="ActiveManager"/>.</summary>
    public bool Decided => EmployerConfirmed && ManagerKnown;
}

/// <summary>One page of an employer's payroll cohort, read through the index (never a table scan).</summary>
/// <param name="Members">The customers, in index order, with what their index rows know.</param>
/// <param name="Next">The cursor after the last of them; null when the cohort is exhausted.</param>
public sealed record CohortPage(IReadOnlyList<CohortEntry> Members, string? Next)
{
    /// <summary>The customers, in index order.</summary>
    public IReadOnlyList<string> CustomerIds => [.. Members.Select(m => m.CustomerId)];
}

/// <summary>An employer's payroll cohort: the customers whose payroll enrolment names the employer.</summary>
public interface IPayrollCohort
{
    /// <summary>Up to <paramref name="max"/> customers after <paramref name="after"/> (null: from the start).</summary>
    Task<CohortPage> PageAsync(string tenant, string employerId, string? after, int max, CancellationToken cancellationToken);
}

/// <summary>Asks for a fan-out batch of a campaign (a queue message; a Functions queue trigger on Azure).</summary>
public interface IPayrollFanOutQueue
{
    /// <summary>Queues the campaign's next fan-out batch.</summary>
    Task QueueAsync(string tenant, string campaignId, CancellationToken cancellationToken);
}

/// <summary>A campaign's run state, with its ETag.</summary>
public interface IPayrollCampaignRuns
{
    /// <summary>The campaign's run state and ETag; null if the campaign does not exist.</summary>
    Task<(PayrollCampaignRun Run, string ETag)?> GetRunAsync(string tenant, string campaignId, CancellationToken cancellationToken);

    /// <summary>Writes the run state if the ETag still matches.</summary>
    Task<bool> TryUpdateRunAsync(PayrollCampaignRun run, string etag, CancellationToken cancellationToken);
}
