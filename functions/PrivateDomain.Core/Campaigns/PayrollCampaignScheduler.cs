using Microsoft.Extensions.Logging;

namespace PrivateDomain.Campaigns;

/// <summary>A payroll-day campaign for one employer and pay month, as the daily run starts it.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CampaignId">Deterministic: <c>payroll:{employer}:{yyyy-MM}</c>.</param>
/// <param name="EmployerId">The employer.</param>
/// <param name="PayMonth">The pay month.</param>
/// <param name="Payday">The (moved) payday.</param>
/// <param name="CampaignDays">D-5, D-4, D-3.</param>
/// <param name="StartedAt">When the daily run started it.</param>
public sealed record PayrollCampaign(
    string Tenant, string CampaignId, string EmployerId, PayMonth PayMonth, DateOnly Payday, IReadOnlyList<DateOnly> CampaignDays, DateTimeOffset StartedAt);

/// <summary>Employers whose salaries the bank pays, with their payday rule (from CRM's PayrollEnrolled).</summary>
public interface IPayrollEmployers
{
    /// <summary>Adds or updates an employer's payday rule.</summary>
    Task SaveAsync(string tenant, PayrollEmployer employer, CancellationToken cancellationToken);

    /// <summary>The tenant's employers.</summary>
    IAsyncEnumerable<PayrollEmployer> ListAsync(string tenant, CancellationToken cancellationToken);
}

/// <summary>Started campaigns (insert-if-absent by campaign id) and the daily run's bookmark.</summary>
public interface IPayrollCampaigns
{
    /// <summary>Records a campaign; false if one with its id exists (started before).</summary>
    Task<bool> TryStartAsync(PayrollCampaign campaign, CancellationToken cancellationToken);

    /// <summary>A campaign, or null.</summary>
    Task<PayrollCampaign?> GetAsync(string tenant, string campaignId, CancellationToken cancellationToken);

    /// <summary>The last local date the daily run completed for the tenant.</summary>
    Task<DateOnly?> LastRunAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Records the daily run's completion date.</summary>
    Task SetLastRunAsync(string tenant, DateOnly day, CancellationToken cancellationToken);
}

/// <summary>What one daily run did.</summary>
/// <param name="From">First local date whose opening windows were looked at.</param>
/// <param name="To">Last such date (today).</param>
/// <param name="Started">Campaigns started by this run.</param>
/// <param name="AlreadyStarted">Windows whose campaign an earlier run had started.</param>
/// <param name="Undecided">Pay months that need a calendar year not yet published.</param>
public sealed record PayrollRunResult(DateOnly From, DateOnly To, IReadOnlyList<PayrollCampaign> Started, int AlreadyStarted, IReadOnlyList<UndecidedPayMonth> Undecided);

/// <summary>
/// The daily payroll run: finds the windows opening between the day after the last completed run and today (so a day
/// the host was down is caught up) and starts one campaign per employer and pay month. The campaign id is deterministic
/// and recorded insert-if-absent, so a second run on the same day — or two hosts running at once — starts nothing new.
/// </summary>
public sealed class PayrollCampaignScheduler(
    IPayrollEmployers employers,
    IPayrollCampaigns campaigns,
    IPayrollCampaignRuns runs,
    IPayrollFanOutQueue fanOut,
    PayrollCalendars calendars,
    TimeProvider time,
    ILogger<PayrollCampaignScheduler> log)
{
    /// <summary>How far back a run catches up after an outage.</summary>
    public const int MaxCatchUpDays = 31;

    /// <summary>Runs the day's schedule for one tenant.</summary>
    public async Task<PayrollRunResult> RunAsync(string tenant, CancellationToken cancellationToken)
    {
        var schedule = await calendars.ScheduleAsync(tenant, cancellationToken).ConfigureAwait(false);
        var today = schedule.Today(time);
        var last = await campaigns.LastRunAsync(tenant, cancellationToken).ConfigureAwait(false);
        var from = last is { } l && l < today ? l.AddDays(1) : today;
        if (from < today.AddDays(-MaxCatchUpDays))
        {
            from = today.AddDays(-MaxCatchUpDays);
        }

        var all = new List<PayrollEmployer>();
        await foreach (var e in employers.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            all.Add(e);
        }

        var opening = schedule.WindowsOpening(all, from, today);
        var started = new List<PayrollCampaign>();
        var already = 0;
        foreach (var w in opening.Windows)
        {
            var (campaign, fresh) = await StartAsync(tenant, w, cancellationToken).ConfigureAwait(false);
            if (fresh)
            {
                started.Add(campaign);
            }
            else
            {
                already++;
            }
        }

        foreach (var year in opening.MissingYears)
        {
            log.LogWarning("Payroll windows of {Tenant} need the {Year} working-day calendar: publish it (PUT /api/tenants/{Tenant}/payroll/calendars/{Year}, or cn-{Year}.json in content-templates/calendars)",
                tenant, year, tenant, year, year);
        }

        await campaigns.SetLastRunAsync(tenant, today, cancellationToken).ConfigureAwait(false);
        return new PayrollRunResult(from, today, started, already, opening.Undecided);
    }

    /// <summary>
    /// Starts the campaign of <paramref name="window"/> (the daily run, or an operator by hand) and queues its fan-out.
    /// The id is deterministic, so a second start returns the existing campaign; its fan-out is queued again if it has
    /// not finished (a crash between the start and the queue message loses nothing, and a repeat batch is harmless).
    /// </summary>
    /// <returns>The campaign and whether this call started it.</returns>
    public async Task<(PayrollCampaign Campaign, bool Started)> StartAsync(string tenant, PayrollWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var campaign = new PayrollCampaign(tenant, window.CampaignId, window.EmployerId, window.PayMonth, window.Payday, window.CampaignDays, time.GetUtcNow());
        if (await campaigns.TryStartAsync(campaign, cancellationToken).ConfigureAwait(false))
        {
            log.LogInformation("Started payroll campaign {CampaignId} (payday {Payday})", campaign.CampaignId, campaign.Payday);
            await fanOut.QueueAsync(tenant, campaign.CampaignId, cancellationToken).ConfigureAwait(false);
            return (campaign, true);
        }

        var existing = await campaigns.GetAsync(tenant, campaign.CampaignId, cancellationToken).ConfigureAwait(false) ?? campaign;
        if (await runs.GetRunAsync(tenant, campaign.CampaignId, cancellationToken).ConfigureAwait(false) is ({ FannedOut: false, Status: PayrollCampaignStatus.Running }, _))
        {
            await fanOut.QueueAsync(tenant, campaign.CampaignId, cancellationToken).ConfigureAwait(false);
        }

        return (existing, false);
    }
}
