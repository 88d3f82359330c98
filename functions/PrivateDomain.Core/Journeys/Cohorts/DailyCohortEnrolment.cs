using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Journeys.Cohorts;

/// <summary>A journey run in cohort mode, as configured (<c>Journeys:Cohorts:{journeyId}:…</c>).</summary>
public sealed class CohortJourneySettings
{
    /// <summary>Who enters: a segment query (<c>tag:新客 AND NOT tag:deleted-us</c>). Every day its customers not on the
    /// journey yet start it, in one cohort per account manager.</summary>
    public string Segment { get; set; } = "";

    /// <summary>Members per batch activity (1–100, one Table transaction). Default 100.</summary>
    public int BatchSize { get; set; } = CohortRunner.MaxBatchSize;
}

/// <summary>The journeys run in cohort mode (section <c>Journeys:Cohorts</c>, by journey id); none by default.</summary>
public sealed class CohortEnrolmentOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Journeys:Cohorts";

    /// <summary>Journey id → its enrolment.</summary>
    public Dictionary<string, CohortJourneySettings> Journeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The problems with the settings against the published journeys, each naming the setting; empty if none.</summary>
    public IReadOnlyList<string> Problems(JourneyCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        foreach (var (journeyId, settings) in Journeys)
        {
            var key = $"{Section}:{journeyId}";
            if (!catalog.All.Any(d => d.Id == journeyId))
            {
                problems.Add($"{key}: no published journey '{journeyId}'.");
                continue;
            }

            if (catalog.Get(journeyId).Trigger.Recurs)
            {
                problems.Add($"{key}: '{journeyId}' recurs per occasion (a payroll campaign drives it); it cannot be enrolled daily.");
            }

            try
            {
                _ = SegmentQuery.Parse(settings.Segment);
            }
            catch (SegmentQueryException e)
            {
                problems.Add($"{key}:Segment: {e.Message}");
            }

            if (settings.BatchSize is < 1 or > CohortRunner.MaxBatchSize)
            {
                problems.Add($"{key}:BatchSize must be 1–{CohortRunner.MaxBatchSize}.");
            }
        }

        return problems;
    }
}

/// <summary>Starts cohorts: the driver's side of the daily enrolment (the Durable cohort orchestration on Azure).</summary>
public interface ICohortLauncher
{
    /// <summary>True if the cohort's orchestration exists (started: the cohort is sealed).</summary>
    Task<bool> IsStartedAsync(CohortKey cohort, CancellationToken cancellationToken);

    /// <summary>Enrols <paramref name="customerIds"/> (their index is their position) and starts the cohort unless it exists.</summary>
    Task StartAsync(CohortKey cohort, IReadOnlyList<string> customerIds, int batchSize, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What one journey's daily enrolment did.</summary>
/// <param name="JourneyId">The journey.</param>
/// <param name="Day">The local start day.</param>
/// <param name="Cohorts">Cohorts started (one per account manager with new customers).</param>
/// <param name="Enrolled">Customers enrolled.</param>
/// <param name="NoManager">Segment customers without an active account manager (left out).</param>
/// <param name="AlreadyOn">Segment customers already on the journey, or claimed by another run (left out).</param>
public sealed record DailyCohortResult(string JourneyId, DateOnly Day, int Cohorts, int Enrolled, int NoManager, int AlreadyOn);

/// <summary>
/// The daily enrolment of a journey in cohort mode: the segment's customers who are not on the journey yet, with their
/// active account manager, start it today in one cohort per manager (journey × start day × manager). Each customer is
/// claimed in the start rows (<see cref="IJourneyStarts"/>, the same instance id as the per-customer driver's), so nobody
/// starts the journey twice, whichever driver or day got there first; a claim is confirmed once the cohort started.
/// </summary>
/// <remarks>
/// Safe to run again the same day and after a crash: a manager's cohort that has started is sealed (its new customers
/// go to tomorrow's); one that was enrolled in part and not started keeps its members in their order and gets the rest
/// after them, so every index holds the customer it was written with. A claim left by a run that died before starting
/// expires after <see cref="JourneyStartRow.ClaimLease"/>, and the customer enters the next run's cohort.
/// </remarks>
public sealed class DailyCohortEnrolment(
    JourneyEngine engine, SegmentEvaluator segments, IRelationshipStore relationships, IJourneyStarts starts, ICohortStates states,
    TimeProvider time, ILogger<DailyCohortEnrolment> log)
{
    private const int MaxCohortSize = 1_000_000;

    /// <summary>Enrols and starts today's cohorts of <paramref name="journeyId"/> for <paramref name="tenant"/>.</summary>
    public async Task<DailyCohortResult> RunAsync(
        string tenant, string journeyId, CohortJourneySettings settings, ICohortLauncher launcher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(launcher);
        var now = time.GetUtcNow();
        var day = DateOnly.FromDateTime(engine.Local(now));
        var plan = SegmentPlan.For(SegmentQuery.Parse(settings.Segment), new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });

        var byManager = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var noManager = 0;
        await foreach (var customerId in segments.MatchAsync(tenant, plan, cancellationToken).ConfigureAwait(false))
        {
            if (await relationships.ActiveManagerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false) is { } manager)
            {
                (byManager.TryGetValue(manager, out var list) ? list : byManager[manager] = []).Add(customerId);
            }
            else
            {
                noManager++;
            }
        }

        int cohorts = 0, enrolled = 0, alreadyOn = 0;
        foreach (var (manager, candidates) in byManager)
        {
            var cohort = new CohortKey(tenant, journeyId, day, manager);
            if (await launcher.IsStartedAsync(cohort, cancellationToken).ConfigureAwait(false))
            {
                alreadyOn += candidates.Count; // sealed: whoever is new enters tomorrow's cohort
                continue;
            }

            // Members a run that died before starting wrote keep their indexes; the rest follow in id order.
            var members = (await states.ReadAsync(cohort, 0, MaxCohortSize, cancellationToken).ConfigureAwait(false))
                .OrderBy(m => m.Member.Index).Select(m => m.Member.State.CustomerId).ToList();
            var known = members.ToHashSet(StringComparer.Ordinal);
            foreach (var customerId in candidates.Where(c => !known.Contains(c)).Order(StringComparer.Ordinal))
            {
                var claim = await starts.ClaimAsync(tenant, customerId, cohort.MemberInstanceId(customerId), journeyId, now, cancellationToken).ConfigureAwait(false);
                if (claim.Won)
                {
                    members.Add(customerId);
                }
                else
                {
                    alreadyOn++;
                }
            }

            if (members.Count == 0)
            {
                continue;
            }

            await launcher.StartAsync(cohort, members, settings.BatchSize, now, cancellationToken).ConfigureAwait(false);
            foreach (var customerId in members)
            {
                await starts.ConfirmAsync(tenant, customerId, cohort.MemberInstanceId(customerId), cancellationToken).ConfigureAwait(false);
            }

            cohorts++;
            enrolled += members.Count;
        }

        log.LogInformation("Journey {Journey} of {Tenant} on {Day}: {Cohorts} cohorts started with {Enrolled} customers; {NoManager} without a manager, {AlreadyOn} already on it",
            journeyId, tenant, day, cohorts, enrolled, noManager, alreadyOn);
        return new DailyCohortResult(journeyId, day, cohorts, enrolled, noManager, alreadyOn);
    }
}
