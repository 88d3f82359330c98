using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Campaigns;

/// <summary>How the fan-out enrols a cohort.</summary>
public sealed record PayrollFanOutOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Payroll:FanOut";

    /// <summary>Customers per batch (one queue message each). Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>Customers enrolled at once within a batch. Default 16.</summary>
    public int Parallelism { get; init; } = 16;

    /// <summary>Customers per page of a campaign's enrolment in cohort mode (one activity each). Default 2,000: a page's
    /// members are grouped by account manager, each group written with one transaction per 100 (its member rows) plus
    /// one for its references, so the larger the page the fuller those transactions.</summary>
    public int CohortPageSize { get; init; } = 2_000;

    /// <summary>Throws if a value is out of range.</summary>
    public PayrollFanOutOptions Validated() =>
        BatchSize is < 1 or > 10_000 ? throw new ArgumentException("Payroll:FanOut:BatchSize must be 1–10,000.")
        : CohortPageSize is < 1 or > 10_000 ? throw new ArgumentException("Payroll:FanOut:CohortPageSize must be 1–10,000.")
        : Parallelism is < 1 or > 256 ? throw new ArgumentException("Payroll:FanOut:Parallelism must be 1–256.")
        : this;
}

/// <summary>What one fan-out batch did.</summary>
/// <param name="Read">Cohort index rows read.</param>
/// <param name="Started">Journeys this batch started.</param>
/// <param name="Ended">Journeys this batch ended (a stopped campaign).</param>
/// <param name="NoManager">Customers without an active account manager.</param>
/// <param name="Done">True when the cohort is exhausted (or the campaign is unknown).</param>
public sealed record FanOutBatch(int Read, int Started, int Ended, int NoManager, bool Done);

/// <summary>
/// Enrols a campaign's cohort — the customers whose payroll enrolment names the employer, read through the index in
/// pages — one batch per call, with bounded parallelism: one payroll-campaign journey per customer, sent by the
/// customer's active account manager, with the campaign id as occurrence. The cursor on the campaign row moves only after
/// a batch is done, so a crash repeats at most one batch, whose customers are found enrolled (the instance id is
/// deterministic) and are never started twice. A stopped campaign is swept the same way, ending its journeys.
/// </summary>
public sealed class PayrollFanOut(
    IPayrollCampaigns campaigns,
    IPayrollCampaignRuns runs,
    IPayrollCohort cohort,
    ICustomerStore customers,
    IRelationshipStore relationships,
    JourneyRunner runner,
    IPayrollCounts counts,
    IPayrollFanOutQueue queue,
    PayrollFanOutOptions options,
    ILogger<PayrollFanOut> log)
{
    /// <summary>Runs the campaign's next batch and queues the one after it. Safe to repeat and to overlap.</summary>
    public async Task<FanOutBatch> RunBatchAsync(string tenant, string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.GetAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false);
        if (campaign is null || await runs.GetRunAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is not var (run, etag))
        {
            log.LogWarning("Fan-out of unknown campaign {CampaignId} ignored", campaignId);
            return new FanOutBatch(0, 0, 0, 0, true);
        }

        if (run.FannedOut)
        {
            return new FanOutBatch(0, 0, 0, 0, true);
        }

        var page = await cohort.PageAsync(tenant, campaign.EmployerId, run.Cursor, options.BatchSize, cancellationToken).ConfigureAwait(false);
        var stopping = run.Status == PayrollCampaignStatus.Stopped;
        var occasion = PayrollCampaignJourney.Occasion(campaign);
        int started = 0, ended = 0, noManager = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        if (stopping)
        {
            await Parallel.ForEachAsync(page.CustomerIds, parallel, async (customerId, ct) =>
            {
                if (await runner.CancelAsync(tenant, PayrollCampaignJourney.InstanceId(tenant, customerId, campaignId), ct).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref ended);
                }
            }).ConfigureAwait(false);
        }
        else
        {
            // Who is in: a row that knows it decides; otherwise (a row a crash left behind, or from before the facts) the
            // employer beside the active-manager row or the profile, and the active manager.
            var enrol = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // customer → manager
            var orphans = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(page.Members, parallel, async (member, ct) =>
            {
                switch (await CohortMemberAsync(tenant, member, campaign.EmployerId, ct).ConfigureAwait(false))
                {
                    case (true, { } manager):
                        enrol[member.CustomerId] = manager;
                        break;
                    case (true, null):
                        orphans.Add(member.CustomerId);
                        break;
                }
            }).ConfigureAwait(false);

            // Counted (per shard, once per customer) before the starts: a crash in between counts nothing twice on the
            // retry and starts them then.
            await counts.CountManyAsync(tenant, campaignId, PayrollMetrics.NoManager, [.. orphans], cancellationToken).ConfigureAwait(false);
            await counts.CountManyAsync(tenant, campaignId, PayrollMetrics.Enrolled, [.. enrol.Keys], cancellationToken).ConfigureAwait(false);
            noManager = orphans.Count;
            await Parallel.ForEachAsync(enrol, parallel, async (e, ct) =>
            {
                var (_, fresh) = await runner.StartAsync(tenant, PayrollCampaignJourney.JourneyId, e.Key, e.Value, campaignId, occasion, ct).ConfigureAwait(false);
                if (fresh)
                {
                    Interlocked.Increment(ref started);
                }
                else
                {
                    // A repeated batch: the start may have been cut short before its first step scheduled a wake-up.
                    await runner.StepAsync(tenant, PayrollCampaignJourney.InstanceId(tenant, e.Key, campaignId), ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        var done = page.Next is null;
        var next = run with { Cursor = page.Next ?? run.Cursor, FannedOut = done, Batches = run.Batches + 1 };
        // A lost ETag race means another delivery of the message moved the cursor (and queued the next batch) or an
        // operator stopped the campaign (and queued the sweep): either way the next batch is someone else's to queue.
        if (await runs.TryUpdateRunAsync(next, etag, cancellationToken).ConfigureAwait(false) && !done)
        {
            await queue.QueueAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false);
        }

        log.LogInformation("Campaign {CampaignId}: batch of {Read} read, {Started} started, {Ended} ended, {NoManager} without a manager{Done}",
            campaignId, page.CustomerIds.Count, started, ended, noManager, done ? "; cohort done" : "");
        return new FanOutBatch(page.CustomerIds.Count, started, ended, noManager, done);
    }

    /// <summary>Stops a campaign: no more enrolments, and a sweep over the cohort ends its journeys.</summary>
    /// <returns>False if the campaign does not exist; true also when it was stopped before.</returns>
    public async Task<bool> StopAsync(string tenant, string campaignId, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (await runs.GetRunAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is not var (run, etag))
            {
                return false;
            }

            if (run.Status == PayrollCampaignStatus.Stopped)
            {
                return true;
            }

            var stopped = run with { Status = PayrollCampaignStatus.Stopped, Cursor = null, FannedOut = false, StoppedAt = at, StoppedBy = by };
            if (await runs.TryUpdateRunAsync(stopped, etag, cancellationToken).ConfigureAwait(false))
            {
                await queue.QueueAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false);
                log.LogInformation("Campaign {CampaignId} stopped by {By}", campaignId, by);
                return true;
            }
        }

        throw new InvalidOperationException($"Campaign {campaignId} kept changing under us; retry the stop.");
    }

    /// <summary>The customer's active account manager on WeCom (the most recent if several), or null.</summary>
    public Task<string?> ActiveManagerAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        relationships.ActiveManagerAsync(tenant, customerId, cancellationToken);

    /// <summary>
    /// Whether a customer read through the employer's cohort index is in the cohort, and their active account manager.
    /// A row whose profile write confirmed the employer and which knows the active manager decides without a read; any
    /// other (a row a crash left behind, one whose write did not finish, or from before the facts) is decided as
    /// <see cref="CohortMemberAsync(IRelationshipStore, ICustomerStore, string, string, string, CancellationToken)"/> does.
    /// </summary>
    public Task<(bool InCohort, string? Manager)> CohortMemberAsync(string tenant, CohortEntry member, string employerId, CancellationToken cancellationToken) =>
        CohortMemberAsync(relationships, customers, tenant, member, employerId, cancellationToken);

    /// <inheritdoc cref="CohortMemberAsync(string, CohortEntry, string, CancellationToken)"/>
    public static Task<(bool InCohort, string? Manager)> CohortMemberAsync(
        IRelationshipStore relationships, ICustomerStore customers, string tenant, CohortEntry member, string employerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.Decided
            ? Task.FromResult<(bool, string?)>((true, string.IsNullOrEmpty(member.ActiveManager) ? null : member.ActiveManager))
            : CohortMemberAsync(relationships, customers, tenant, member.CustomerId, employerId, cancellationToken);
    }

    /// <summary>
    /// Whether a customer is in the employer's cohort (the index may hold a row a crash left behind, so the employer
    /// their payroll enrolment names now decides), and their active account manager. One point read, the active-manager
    /// row, which carries the employer; the profile only when that row does not know it.
    /// </summary>
    public static async Task<(bool InCohort, string? Manager)> CohortMemberAsync(
        IRelationshipStore relationships, ICustomerStore customers, string tenant, string customerId, string employerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(customers);
        var facts = await relationships.EnrolmentFactsAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
        var employer = facts.EmployerKnown
            ? facts.Employer
            : (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))?.Value.Payroll?.EmployerId;
        return employer == employerId ? (true, facts.ActiveManager) : (false, null);
    }
}
