namespace PrivateDomain.Campaigns;

/// <summary>A customer of a campaign's cohort, decided and waiting to be enrolled into their manager's cohort.</summary>
/// <param name="ManagerId">The active account manager who sends.</param>
/// <param name="CustomerId">The customer.</param>
public sealed record StagedMember(string ManagerId, string CustomerId);

/// <summary>One page of a slice of staged members, in (manager, customer) order.</summary>
/// <param name="Members">The members, each manager's together.</param>
/// <param name="Next">Where the slice goes on after them; null when the slice is exhausted.</param>
public sealed record StagedPage(IReadOnlyList<StagedMember> Members, string? Next);

/// <summary>
/// Where a payroll campaign's enrolment sorts its cohort by account manager (<see cref="PayrollCohortEnrolment"/>). The
/// employer's cohort index is ordered by customer, and each manager's cohort is written a transaction per 100 of its
/// members, so enrolling straight from index pages writes a transaction per manager per page — about one per customer
/// once the managers outnumber a page's customers per manager. Staged in slices by manager instead (a transaction per
/// 100 rows of a slice), each slice reads back with every manager's members together.
/// </summary>
public interface IPayrollEnrolmentStaging
{
    /// <summary>Slices per campaign; a manager's members are all in slice <see cref="SliceOf"/>.</summary>
    const int Slices = 16;

    /// <summary>Stages the members (safe to repeat: a member is one row per manager and customer).</summary>
    Task StageAsync(string tenant, string campaignId, IReadOnlyCollection<StagedMember> members, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> members of the slice after <paramref name="after"/> (null: from its start).</summary>
    Task<StagedPage> ReadAsync(string tenant, string campaignId, int slice, string? after, int max, CancellationToken cancellationToken);

    /// <summary>Deletes the slice's rows (safe to repeat).</summary>
    Task ClearAsync(string tenant, string campaignId, int slice, CancellationToken cancellationToken);

    /// <summary>The slice of a manager's members: the first hex digit of the manager's bucket.</summary>
    static int SliceOf(string managerId) => Convert.ToInt32(Customers.CustomerIds.Bucket(managerId)[..1], 16);
}
