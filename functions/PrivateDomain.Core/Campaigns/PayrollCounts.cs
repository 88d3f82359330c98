namespace PrivateDomain.Campaigns;

/// <summary>What a campaign counts, each at most once per customer (per customer and step for the step counts).</summary>
public static class PayrollMetrics
{
    /// <summary>Customers the fan-out enrolled (a journey started for them).</summary>
    public const string Enrolled = "enrolled";
    /// <summary>Cohort customers without an active account manager on WeCom (nobody to send in whose name).</summary>
    public const string NoManager = "noManager";
    /// <summary>Customers at least one of whose touches WeCom accepted (status Sent).</summary>
    public const string Reached = "reached";
    /// <summary>Customers who opened the welfare page, answered the quiz or opened the product page.</summary>
    public const string Engaged = "engaged";
    /// <summary>Customers who bought a product after the campaign started.</summary>
    public const string Converted = "converted";
    /// <summary>Customers at least one of whose touches the delivery policy or the content refused.</summary>
    public const string Refused = "refused";

    /// <summary>Touches of a step sent, e.g. <c>sent.welfare</c>.</summary>
    public static string Sent(string step) => "sent." + step;

    /// <summary>Touches of a step refused, e.g. <c>refused.quiz</c>.</summary>
    public static string RefusedStep(string step) => "refused." + step;
}

/// <summary>
/// Per-campaign counters, maintained as things happen so that reading them costs a handful of small queries whatever
/// the cohort size. Counting is idempotent per (metric, customer, key): a retried dispatch, a second click or a
/// replayed signal counts once.
/// </summary>
public interface IPayrollCounts
{
    /// <summary>Counts <paramref name="metric"/> for <paramref name="customerId"/> once; false if it was counted before.</summary>
    Task<bool> CountAsync(string tenant, string campaignId, string metric, string customerId, CancellationToken cancellationToken);

    /// <summary>Counts <paramref name="metric"/> once for each of <paramref name="customerIds"/> (a batch costs a few
    /// storage calls per shard rather than per customer).</summary>
    /// <returns>How many were counted now (the rest were counted before).</returns>
    Task<int> CountManyAsync(string tenant, string campaignId, string metric, IReadOnlyCollection<string> customerIds, CancellationToken cancellationToken);

    /// <summary>Counts the touches one dispatch sent: <see cref="PayrollMetrics.Sent"/> of each touch's step, and
    /// <see cref="PayrollMetrics.Reached"/> for each customer whom no earlier dispatch reached. Exactly once per
    /// dispatch, whatever is retried (a dispatch is the unit that delivery retries). A campaign reaches each customer
    /// through one account manager (<paramref name="senderId"/>, the dispatch's), so the reached markers of a dispatch
    /// sit together under that manager.</summary>
    Task CountDispatchAsync(string tenant, string campaignId, string senderId, string dispatchId, IReadOnlyCollection<(string CustomerId, string StepId)> sent,
        CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="deltas"/> to the campaign's counters exactly once for <paramref name="key"/> (a unit of
    /// work that knows its totals, such as a cohort enrolment, and may be retried), whatever is retried.</summary>
    /// <returns>True if they were added now; false if they were added before.</returns>
    Task<bool> CountOnceAsync(string tenant, string campaignId, string key, IReadOnlyDictionary<string, long> deltas, CancellationToken cancellationToken);

    /// <summary>The campaign's counters by metric (missing ones are zero).</summary>
    Task<IReadOnlyDictionary<string, long>> ReadAsync(string tenant, string campaignId, CancellationToken cancellationToken);
}

/// <summary>A follow-up task for an account manager: a customer engaged with a campaign.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="ManagerId">The account manager (WeCom userid).</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Activity">What the customer did first: openedWelfarePage, answeredQuiz, openedProductPage.</param>
/// <param name="At">When.</param>
public sealed record FollowUpTask(string Tenant, string ManagerId, string CustomerId, string CampaignId, string Activity, DateTimeOffset At)
{
    /// <summary>When the manager marked it done (the card's 已跟进, the sidebar or the API); null while open.</summary>
    public DateTimeOffset? DoneAt { get; init; }

    /// <summary>Where it was marked done: <c>card</c>, <c>sidebar</c>.</summary>
    public string? DoneVia { get; init; }
}

/// <summary>Account managers' follow-up tasks, one per customer and campaign.</summary>
public interface IFollowUpTasks
{
    /// <summary>Adds the task unless the manager already has one for that customer and campaign.</summary>
    Task<bool> AddIfAbsentAsync(FollowUpTask task, CancellationToken cancellationToken);

    /// <summary>A manager's tasks, newest campaign first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<FollowUpTask>> ListAsync(string tenant, string managerId, int max, CancellationToken cancellationToken);

    /// <summary>One task, or null.</summary>
    Task<FollowUpTask?> GetAsync(string tenant, string managerId, string campaignId, string customerId, CancellationToken cancellationToken);

    /// <summary>Marks a task done unless it is done already (ETag-guarded): true only for the call that closed it, so a
    /// repeated button press or callback changes nothing.</summary>
    Task<bool> MarkDoneAsync(string tenant, string managerId, string campaignId, string customerId, DateTimeOffset at, string via, CancellationToken cancellationToken);

    /// <summary>The managers (userids) who have tasks in the tenant.</summary>
    IAsyncEnumerable<string> ManagersAsync(string tenant, CancellationToken cancellationToken);
}
