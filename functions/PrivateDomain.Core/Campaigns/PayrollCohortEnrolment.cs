using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;

namespace PrivateDomain.Campaigns;

/// <summary>One page of a campaign's enrolment into cohorts, at the orchestration's time.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Cursor">Where the enrolment goes on from (null: the start); opaque, from the previous page's result.</param>
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
/// <para>Two passes, a page per call. First the index pages: each customer is decided and staged under their manager
/// (<see cref="IPayrollEnrolmentStaging"/>, a transaction per 100 of a slice). Then the staged slices, in (manager,
/// customer) order: each manager's members are enrolled together, a transaction per 100 whatever the number of managers
/// (straight from index pages, a page's customers spread over every manager serving the employer: at 100 customers per
/// manager, two transactions per manager and page cost 0.17 requests per customer with 100 managers and 1.11 with 1,000).
/// A slice is cleared when the next one starts, once its enrolment is durable.</para>
/// <para>A page is safe to repeat (a retried activity): a member's index is its manager's size before the page plus its
/// position among that manager's staged members in the page, enrolment is insert-if-absent by index, and a slice's rows
/// stay until the page after its last has begun; staging and the no-manager count are per customer, and the enrolled
/// count is added once, from the sizes, when the last slice is done. The run row's cursor and batch
/// count are kept up to date for the progress API only: the orchestration carries the cursor.</para>
/// </remarks>
public sealed class PayrollCohortEnrolment(
    IPayrollCampaigns campaigns,
    IPayrollCampaignRuns runs,
    IPayrollCohort cohort,
    IPayrollEnrolmentStaging staging,
    PayrollFanOut fanOut,
    CohortRunner runner,
    IPayrollCounts counts,
    PayrollFanOutOptions options,
    ILogger<PayrollCohortEnrolment> log)
{
    // The key of the enrolled count (PayrollMetrics.Enrolled: the cohorts' sizes, added once when the last slice is done).
    private const string EnrolmentCountKey = "cohort-enrolment";

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
            for (var s = 0; s < IPayrollEnrolmentStaging.Slices; s++)
            {
                await staging.ClearAsync(tenant, campaignId, s, cancellationToken).ConfigureAwait(false);
            }

            return new PayrollEnrolmentResult(null, true, true, page.Sizes, 0, 0);
        }

        // The run row keeps the index cursor (the per-customer fan-out's, which sweeps a stopped campaign from it).
        var cursor = EnrolmentCursor.Parse(page.Cursor);
        var (result, indexCursor) = cursor.Slice is { } slice
            ? (await EnrolStagedAsync(campaign, page, slice, cursor.After, cancellationToken).ConfigureAwait(false), run.Cursor)
            : await StagePageAsync(campaign, page, cursor.After, cancellationToken).ConfigureAwait(false);
        _ = await runs.TryUpdateRunAsync(run with { Cursor = indexCursor ?? run.Cursor, FannedOut = result.Done, Batches = run.Batches + 1 }, etag, cancellationToken)
            .ConfigureAwait(false);
        return result;
    }

    // The first pass: a page of the index, each customer decided and staged under their manager.
    private async Task<(PayrollEnrolmentResult Result, string? IndexCursor)> StagePageAsync(PayrollCampaign campaign, PayrollEnrolmentPage page, string? after, CancellationToken cancellationToken)
    {
        var (tenant, campaignId) = (page.Tenant, page.CampaignId);
        var read = await cohort.PageAsync(tenant, campaign.EmployerId, after, options.CohortPageSize, cancellationToken).ConfigureAwait(false);
        var members = new ConcurrentBag<StagedMember>();
        var orphans = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(read.Members, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (member, ct) =>
            {
                switch (await fanOut.CohortMemberAsync(tenant, member, campaign.EmployerId, ct).ConfigureAwait(false))
                {
                    case (true, { } active):
                        members.Add(new StagedMember(active, member.CustomerId));
                        break;
                    case (true, null):
                        orphans.Add(member.CustomerId);
                        break;
                }
            }).ConfigureAwait(false);

        await counts.CountManyAsync(tenant, campaignId, PayrollMetrics.NoManager, [.. orphans], cancellationToken).ConfigureAwait(false);
        await staging.StageAsync(tenant, campaignId, [.. members], cancellationToken).ConfigureAwait(false);
        log.LogInformation("Campaign {CampaignId}: page of {Read} read, {Staged} staged, {NoManager} without a manager{Done}",
            campaignId, read.Members.Count, members.Count, orphans.Count, read.Next is null ? "; cohort read" : "");
        var next = read.Next is null ? EnrolmentCursor.Staged(0, null) : EnrolmentCursor.Index(read.Next);
        return (new PayrollEnrolmentResult(next, false, false, page.Sizes, 0, orphans.Count), read.Next);
    }

    // The second pass: a page of one slice of staged members, each manager's enrolled together. The previous slice is
    // cleared first: its last page's result is durable by now, so nothing reads it again.
    private async Task<PayrollEnrolmentResult> EnrolStagedAsync(PayrollCampaign campaign, PayrollEnrolmentPage page, int slice, string? after, CancellationToken cancellationToken)
    {
        var (tenant, campaignId) = (page.Tenant, page.CampaignId);
        if (after is null && slice > 0)
        {
            await staging.ClearAsync(tenant, campaignId, slice - 1, cancellationToken).ConfigureAwait(false);
        }

        if (slice == IPayrollEnrolmentStaging.Slices)
        {
            // Counted once, from the sizes: a marker per customer would cost a transaction per counter shard and page.
            await counts.CountOnceAsync(tenant, campaignId, EnrolmentCountKey, new Dictionary<string, long>(StringComparer.Ordinal)
            {
                [PayrollMetrics.Enrolled] = page.Sizes.Values.Sum(),
            }, cancellationToken).ConfigureAwait(false);
            log.LogInformation("Campaign {CampaignId}: cohort enrolled into {Cohorts} cohorts", campaignId, page.Sizes.Count);
            return new PayrollEnrolmentResult(null, true, false, page.Sizes, 0, 0);
        }

        var read = await staging.ReadAsync(tenant, campaignId, slice, after, options.CohortPageSize, cancellationToken).ConfigureAwait(false);
        var sizes = new SortedDictionary<string, int>(page.Sizes.ToDictionary(), StringComparer.Ordinal);
        var groups = read.Members.GroupBy(m => m.ManagerId, StringComparer.Ordinal)
            .Select(g => (Manager: g.Key, First: sizes.GetValueOrDefault(g.Key), Customers: g.Select(m => m.CustomerId).ToList())) // staged order: the same indexes on a repeat
            .ToList();
        var occasion = PayrollCampaignJourney.Occasion(campaign);
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            async (group, ct) => await runner.EnrolAsync(CohortOf(campaign, group.Manager), group.Customers, group.First, page.Now, occasion, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        foreach (var group in groups)
        {
            sizes[group.Manager] = group.First + group.Customers.Count;
        }

        log.LogInformation("Campaign {CampaignId}: slice {Slice}, {Enrolled} enrolled into {Managers} cohorts", campaignId, slice, read.Members.Count, groups.Count);
        return new PayrollEnrolmentResult(EnrolmentCursor.Staged(read.Next is null ? slice + 1 : slice, read.Next), false, false, sizes, read.Members.Count, 0);
    }

    /// <summary>
    /// Where an enrolment stands: <c>i:{index cursor}</c> in the first pass, <c>s:{slice}:{staged cursor}</c> in the second
    /// (slice <see cref="IPayrollEnrolmentStaging.Slices"/>: the last slice is cleared and the enrolment is done). A
    /// cursor without either prefix is an index cursor of an enrolment begun before the staging (it goes on with it).
    /// </summary>
    private readonly record struct EnrolmentCursor(int? Slice, string? After)
    {
        public static string Index(string after) => "i:" + after;

        public static string Staged(int slice, string? after) => $"s:{slice.ToString(CultureInfo.InvariantCulture)}:{after}";

        public static EnrolmentCursor Parse(string? cursor)
        {
            if (cursor is null)
            {
                return new EnrolmentCursor(null, null);
            }

            if (cursor.StartsWith("i:", StringComparison.Ordinal))
            {
                return new EnrolmentCursor(null, cursor[2..]);
            }

            if (!cursor.StartsWith("s:", StringComparison.Ordinal))
            {
                return new EnrolmentCursor(null, cursor);
            }

            var colon = cursor.IndexOf(':', 2);
            return colon > 2 && int.TryParse(cursor.AsSpan(2, colon - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var slice)
                && slice <= IPayrollEnrolmentStaging.Slices
                ? new EnrolmentCursor(slice, colon == cursor.Length - 1 ? null : cursor[(colon + 1)..])
                : throw new FormatException($"\"{cursor}\" is not an enrolment cursor.");
        }
    }
}
