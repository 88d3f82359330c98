using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;

namespace PrivateDomain.Campaigns;

/// <summary>One page of a campaign's enrolment into cohorts, at the orchestration's time.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Cursor">Where the employer's cohort index is read from (null: the start).</param>
/// <param name="Sizes">Members enrolled so far per account manager (the next member's index in each manager's cohort).</param>
/// <param name="Now">The orchestration's time: the journeys' start, so a retried page starts them exactly as the first try did.</param>
public sealed record PayrollEnrolmentPage(string Tenant, string CampaignId, string? Cursor, IReadOnlyDictionary<string, int> Sizes, DateTimeOffset Now);

/// <summary>What a page did.</summary>
/// <param name="Next">The cursor after the page (null when the cohort is exhausted).</param>
/// <param name="Done">True when there is nothing more to enrol (exhausted, stopped or unknown).</param>
/// <param name="Stopped">True when an operator stopped the campaign (nothing was enrolled).</param>
/// <param name="Sizes">Members per account manager after the page.</param>
/// <param name="Enrolled">Customers this page enrolled.</param>
/// <param name="NoManager">Customers of this page without an active account manager.</param>
public sealed record PayrollEnrolmentResult(string? Next, bool Done, bool Stopped, IReadOnlyDictionary<string, int> Sizes, int Enrolled, int NoManager);

/// <summary>
/// The payroll campaign in cohort mode (the Durable driver on Azure): the employer's cohort is read through the index in
/// pages, exactly as the local host's fan-out reads it (the profile must still name the employer, the active account
/// manager sends, the same enrolled and no-manager counts), but instead of a journey row per customer each customer
/// becomes a member of their account manager's cohort for the campaign — one cohort, and one orchestration, per
/// campaign × account manager. Members get the same instance ids, occasion and start as the per-customer journeys, so
/// touch ids, ledger rows, deliveries and follow-up tasks are the same whichever driver runs the campaign.
/// </summary>
/// <remarks>
/// A page is safe to repeat (a retried activity): a member's index is its manager's size before the page plus its
/// position among that manager's customers in the page, and enrolment is insert-if-absent by index; counts are per
/// customer. The run row's cursor and batch count are kept up to date for the progress API only: the orchestration
/// carries the cursor.
/// </remarks>
public sealed class PayrollCohortEnrolment(
    IPayrollCampaigns campaigns,
    IPayrollCampaignRuns runs,
    IPayrollCohort cohort,
    PayrollFanOut fanOut,
    CohortRunner runner,
    IPayrollCounts counts,
    PayrollFanOutOptions options,
    ILogger<PayrollCohortEnrolment> log)
{
    /// <summary>The cohort of <paramref name="managerId"/>'s customers in <paramref name="campaign"/>.</summary>
    public static CohortKey CohortOf(PayrollCampaign campaign, string managerId)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new CohortKey(campaign.Tenant, PayrollCampaignJourney.JourneyId, campaign.CampaignDays[0], managerId, campaign.CampaignId);
    }

    /// <summary>The campaign, or null if it does not exist.</summary>
    public Task<PayrollCampaign?> CampaignAsync(string tenant, string campaignId, CancellationToken cancellationToken) =>
        campaigns.GetAsync(tenant, campaignId, cancellationToken);

    /// <summary>True when the campaign was stopped by an operator (or does not exist).</summary>
    public async Task<bool> IsStoppedAsync(string tenant, string campaignId, CancellationToken cancellationToken) =>
        await runs.GetRunAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is not ({ Status: PayrollCampaignStatus.Running }, _);

    /// <summary>Enrols one page of the campaign's cohort into its managers' cohorts. Safe to repeat.</summary>
    public async Task<PayrollEnrolmentResult> EnrolPageAsync(PayrollEnrolmentPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var (tenant, campaignId) = (page.Tenant, page.CampaignId);
        var campaign = await campaigns.GetAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false);
        if (campaign is null || await runs.GetRunAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is not var (run, etag))
        {
            log.LogWarning("Enrolment of unknown campaign {CampaignId} ignored", campaignId);
            return new PayrollEnrolmentResult(null, true, true, page.Sizes, 0, 0);
        }

        if (run.Status == PayrollCampaignStatus.Stopped)
        {
            return new PayrollEnrolmentResult(null, true, true, page.Sizes, 0, 0);
        }

        var read = await cohort.PageAsync(tenant, campaign.EmployerId, page.Cursor, options.CohortPageSize, cancellationToken).ConfigureAwait(false);
        var manager = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // customer → manager
        var orphans = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(read.Members, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (member, ct) =>
            {
                switch (await fanOut.CohortMemberAsync(tenant, member, campaign.EmployerId, ct).ConfigureAwait(false))
                {
                    case (true, { } active):
                        manager[member.CustomerId] = active;
                        break;
                    case (true, null):
                        orphans.Add(member.CustomerId);
                        break;
                }
            }).ConfigureAwait(false);

        // Counted before the enrolment, as the fan-out counts before its starts: a crash in between counts nothing twice.
        await counts.CountManyAsync(tenant, campaignId, PayrollMetrics.NoManager, [.. orphans], cancellationToken).ConfigureAwait(false);
        await counts.CountManyAsync(tenant, campaignId, PayrollMetrics.Enrolled, [.. manager.Keys], cancellationToken).ConfigureAwait(false);

        var sizes = new SortedDictionary<string, int>(page.Sizes.ToDictionary(), StringComparer.Ordinal);
        var occasion = PayrollCampaignJourney.Occasion(campaign);
        foreach (var group in read.CustomerIds.Where(manager.ContainsKey).GroupBy(c => manager[c], StringComparer.Ordinal))
        {
            var first = sizes.GetValueOrDefault(group.Key);
            var members = group.ToList(); // in index order: the same indexes on a repeat
            await runner.EnrolAsync(CohortOf(campaign, group.Key), members, first, page.Now, occasion, cancellationToken).ConfigureAwait(false);
            sizes[group.Key] = first + members.Count;
        }

        var done = read.Next is null;
        _ = await runs.TryUpdateRunAsync(run with { Cursor = read.Next ?? run.Cursor, FannedOut = done, Batches = run.Batches + 1 }, etag, cancellationToken)
            .ConfigureAwait(false);
        log.LogInformation("Campaign {CampaignId}: page of {Read} read, {Enrolled} enrolled into {Cohorts} cohorts, {NoManager} without a manager{Done}",
            campaignId, read.CustomerIds.Count, manager.Count, sizes.Count, orphans.Count, done ? "; cohort done" : "");
        return new PayrollEnrolmentResult(read.Next, done, false, sizes, manager.Count, orphans.Count);
    }
}
