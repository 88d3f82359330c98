using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Input;
using PrivateDomain.Operators;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The payroll campaigns' operator edge, shared by both hosts so they answer identically, <c>/api/tenants/{tenant}/payroll</c>:
/// the windows opening in the next days (and the pay months a missing calendar year leaves undecided), starting a
/// campaign by hand (the deterministic id makes a second start return the first), stopping one (its journeys end), its
/// progress (counts), and an account manager's follow-up tasks. The caller is authenticated before this runs
/// (middleware locally, <see cref="OperatorAccess.AuthenticateAsync"/> in a function). Every call is audited.
/// </summary>
public static class PayrollCampaignHttp
{
    private static readonly string[] Writers = [OperatorRoles.Operator, OperatorRoles.Admin];
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>A by-hand start: the employer and the pay month (<c>yyyy-MM</c>).</summary>
    public sealed record StartCampaign(string EmployerId, string PayMonth);

    /// <summary>A window as the API shows it.</summary>
    public sealed record WindowView(string CampaignId, string EmployerId, string PayMonth, DateOnly Payday, IReadOnlyList<DateOnly> CampaignDays, bool Started);

    /// <summary>An employer's pay month the calendar cannot decide yet, and why.</summary>
    /// <param name="EmployerId">The employer.</param>
    /// <param name="PayMonth">The pay month, <c>yyyy-MM</c>.</param>
    /// <param name="MissingYear">The calendar year it needs.</param>
    /// <param name="Reason">Why, and what to publish.</param>
    public sealed record UndecidedView(string EmployerId, string PayMonth, int MissingYear, string Reason);

    /// <summary>The upcoming windows, the pay months the calendar cannot decide yet, and the missing years to publish
    /// (as /healthz reports them: from 45 days before the first window they leave undecided).</summary>
    public sealed record UpcomingView(
        DateOnly From, DateOnly To, IReadOnlyList<WindowView> Windows, IReadOnlyList<UndecidedView> Undecided, IReadOnlyList<string> CalendarWarnings);

    /// <summary>A campaign with its progress.</summary>
    public sealed record CampaignView(
        string CampaignId, string EmployerId, string PayMonth, DateOnly Payday, IReadOnlyList<DateOnly> CampaignDays, DateTimeOffset StartedAt,
        string Status, bool FannedOut, int Batches, DateTimeOffset? StoppedAt, CampaignCounts Counts);

    /// <summary>Per-campaign counts (customers): enrolled, reached (a touch sent), engaged, converted, refused by policy;
    /// and touches sent and refused per step.</summary>
    public sealed record CampaignCounts(
        long Enrolled, long NoManager, long Reached, long Engaged, long Converted, long Refused,
        IReadOnlyDictionary<string, long> SentByStep, IReadOnlyDictionary<string, long> RefusedByStep);

    /// <summary><c>GET …/payroll/windows?days=N</c>: the windows opening in the next N days (default 14), the pay months a
    /// missing calendar year leaves undecided, and the years to publish.</summary>
    public static Task<IResult> UpcomingAsync(
        string tenant, HttpContext http, OperatorAccess access, IPayrollEmployers employers, IPayrollCampaigns campaigns, PayrollCalendars calendars,
        TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "payroll.windows", http.Request.QueryString.Value ?? "", Readers, async _ =>
        {
            var (days, problem) = OperatorRequests.QueryInt(http.Request, "days", 1, PayrollSchedule.MaxRangeDays);
            if (problem is not null)
            {
                return problem;
            }

            var n = days ?? 14;
            var schedule = await calendars.ScheduleAsync(tenant, ct).ConfigureAwait(false);
            var today = schedule.Today(time);
            var all = await employers.ListAsync(tenant, ct).ToListAsync(ct).ConfigureAwait(false);
            var opening = schedule.WindowsOpening(all, today, today.AddDays(n - 1));
            var windows = new List<WindowView>(opening.Windows.Length);
            foreach (var w in opening.Windows)
            {
                var started = await campaigns.GetAsync(tenant, w.CampaignId, ct).ConfigureAwait(false) is not null;
                windows.Add(new WindowView(w.CampaignId, w.EmployerId, w.PayMonth.ToString(), w.Payday, w.CampaignDays, started));
            }

            return Results.Ok(new UpcomingView(opening.From, opening.To, windows,
                [.. opening.Undecided.Select(u => new UndecidedView(u.EmployerId, u.PayMonth.ToString(), u.MissingYear,
                    FormattableString.Invariant($"calendar for {u.MissingYear} missing; publish the {u.MissingYear} notice: PUT /api/tenants/{tenant}/payroll/calendars/{u.MissingYear}")))],
                [.. MissingCalendarYears.Find(schedule, all, today).Select(m => m.Message)]));
        });

    /// <summary><c>POST …/payroll/campaigns</c> (<c>{employerId, payMonth}</c>): starts the campaign through the scheduler, as the
    /// daily run does (201), or returns the started one (200).</summary>
    public static Task<IResult> StartAsync(
        string tenant, HttpContext http, OperatorAccess access, IPayrollEmployers employers, PayrollCalendars calendars,
        PayrollCampaignScheduler scheduler, CancellationToken ct) =>
        access.RunAsync(http, tenant, "payroll.start", "body", Writers, async call =>
        {
            var (request, problem) = await OperatorRequests.ReadJsonAsync<StartCampaign>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            call.Target = $"{request!.EmployerId}:{request.PayMonth}";
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            OperatorRequests.Check(errors, Identifiers.EmployerId, request.EmployerId, "employerId");
            var employer = errors.Count > 0 ? null
                : await employers.ListAsync(tenant, ct).FirstOrDefaultAsync(e => e.EmployerId == request.EmployerId, ct).ConfigureAwait(false);
            if (employer is null && errors.Count == 0)
            {
                errors["employerId"] = ["Name an employer enrolled for payroll (CRM PayrollEnrolled)."];
            }

            if (!PayMonth.TryParse(request.PayMonth, out var month))
            {
                errors["payMonth"] = ["Write the pay month as yyyy-MM, e.g. 2026-11."];
            }

            PayrollWindow? window = null;
            if (errors.Count == 0)
            {
                try
                {
                    window = (await calendars.ScheduleAsync(tenant, ct).ConfigureAwait(false)).WindowFor(employer!, month);
                }
                catch (CalendarYearNotCoveredException e)
                {
                    errors["payMonth"] = [e.Message];
                }
            }

            if (window is null)
            {
                return Results.ValidationProblem(errors);
            }

            var (campaign, started) = await scheduler.StartAsync(tenant, window, ct).ConfigureAwait(false);
            call.Target = campaign.CampaignId;
            var view = await ViewAsync(http, tenant, campaign.CampaignId, ct).ConfigureAwait(false);
            return started ? Results.Created($"/api/tenants/{tenant}/payroll/campaigns/{Uri.EscapeDataString(campaign.CampaignId)}", view) : Results.Ok(view);
        });

    /// <summary><c>GET …/payroll/campaigns/{campaignId}</c>: the campaign and its progress (counts).</summary>
    public static Task<IResult> GetAsync(string tenant, string campaignId, HttpContext http, OperatorAccess access, CancellationToken ct) =>
        access.RunAsync(http, tenant, "payroll.get", campaignId, Readers, async _ =>
        {
            if (CampaignProblem(campaignId) is { } invalid)
            {
                return invalid;
            }

            var view = await ViewAsync(http, tenant, campaignId, ct).ConfigureAwait(false);
            return view is null ? NotFound(campaignId) : Results.Ok(view);
        });

    /// <summary><c>DELETE …/payroll/campaigns/{campaignId}</c>: stops the campaign (nobody more is enrolled; its journeys end
    /// before another touch) and answers 202.</summary>
    public static Task<IResult> StopAsync(
        string tenant, string campaignId, HttpContext http, OperatorAccess access, PayrollFanOut fanOut, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "payroll.stop", campaignId, Writers, async _ =>
        {
            if (CampaignProblem(campaignId) is { } invalid)
            {
                return invalid;
            }

            var by = http.User.FindFirst("oid")?.Value ?? http.User.Identity?.Name ?? "operator";
            var stopped = await fanOut.StopAsync(tenant, campaignId, by, time.GetUtcNow(), ct).ConfigureAwait(false);
            return stopped ? Results.Accepted($"/api/tenants/{tenant}/payroll/campaigns/{Uri.EscapeDataString(campaignId)}") : NotFound(campaignId);
        });

    /// <summary><c>GET …/payroll/managers/{managerId}/tasks?max=N</c>: the account manager's follow-up tasks.</summary>
    public static Task<IResult> TasksAsync(string tenant, string managerId, HttpContext http, OperatorAccess access, IFollowUpTasks tasks, CancellationToken ct) =>
        access.RunAsync(http, tenant, "payroll.tasks", managerId, Readers, async call =>
        {
            if (Identifiers.UserId.Check(managerId, "managerId") is { } invalid)
            {
                return OperatorRequests.Invalid("managerId", invalid);
            }

            var (max, problem) = OperatorRequests.QueryInt(http.Request, "max", 1, 5_000);
            if (problem is not null)
            {
                return problem;
            }

            var list = await tasks.ListAsync(tenant, managerId, max ?? 500, ct).ConfigureAwait(false);
            call.Note = $"tasks={list.Count}";
            return Results.Ok(list.Select(t => new { t.ManagerId, t.CustomerId, t.CampaignId, t.Activity, t.At }));
        });

    private static IResult? CampaignProblem(string campaignId) =>
        Identifiers.CampaignId.Check(campaignId, "campaignId") is { } problem ? OperatorRequests.Invalid("campaignId", problem) : null;

    private static async Task<CampaignView?> ViewAsync(HttpContext http, string tenant, string campaignId, CancellationToken ct)
    {
        var services = http.RequestServices;
        if (await services.GetRequiredService<IPayrollCampaigns>().GetAsync(tenant, campaignId, ct).ConfigureAwait(false) is not { } c
            || await services.GetRequiredService<IPayrollCampaignRuns>().GetRunAsync(tenant, campaignId, ct).ConfigureAwait(false) is not var (run, _))
        {
            return null;
        }

        var counts = await services.GetRequiredService<IPayrollCounts>().ReadAsync(tenant, campaignId, ct).ConfigureAwait(false);
        long Get(string metric) => counts.GetValueOrDefault(metric);
        var view = new CampaignCounts(
            Get(PayrollMetrics.Enrolled), Get(PayrollMetrics.NoManager), Get(PayrollMetrics.Reached), Get(PayrollMetrics.Engaged),
            Get(PayrollMetrics.Converted), Get(PayrollMetrics.Refused),
            PayrollCampaignJourney.Steps.ToDictionary(s => s, s => Get(PayrollMetrics.Sent(s)), StringComparer.Ordinal),
            PayrollCampaignJourney.Steps.ToDictionary(s => s, s => Get(PayrollMetrics.RefusedStep(s)), StringComparer.Ordinal));
        return new CampaignView(c.CampaignId, c.EmployerId, c.PayMonth.ToString(), c.Payday, c.CampaignDays, c.StartedAt, run.Status.ToString(),
            run.FannedOut, run.Batches, run.StoppedAt, view);
    }

    private static IResult NotFound(string campaignId) =>
        Results.Problem(detail: $"No payroll campaign '{campaignId}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
