using PrivateDomain.Campaigns;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Campaigns;

/// <summary>
/// Operator API for payroll campaigns on the local host, <c>/api/tenants/{tenant}/payroll</c>, Entra ID bearer tokens
/// only: the edge of <see cref="PayrollCampaignHttp"/>, shared with the Functions app. Every call is audited.
/// </summary>
public static class PayrollCampaignApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapPayrollCampaignApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/payroll").RequireAuthorization();
        group.MapGet("/windows", UpcomingAsync).Describe("payroll", "Payroll windows opening in the next days (?days=1…366, default 14), undecided pay months and missing calendars", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<PayrollCampaignHttp.UpcomingView>();
        group.MapPost("/campaigns", StartAsync).Describe("payroll", "Start an employer's payroll campaign for a pay month (201), or return it (200)", OperatorRoles.Operator, OperatorRoles.Admin)
            .DescribeBody<PayrollCampaignHttp.StartCampaign>().Produces<PayrollCampaignHttp.CampaignView>(StatusCodes.Status201Created).Produces<PayrollCampaignHttp.CampaignView>();
        group.MapGet("/campaigns/{campaignId}", GetAsync).Describe("payroll", "A payroll campaign with its counts per step", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor).Produces<PayrollCampaignHttp.CampaignView>();
        group.MapDelete("/campaigns/{campaignId}", StopAsync).Describe("payroll", "Stop a payroll campaign (nothing more is sent)", OperatorRoles.Operator, OperatorRoles.Admin).Produces(StatusCodes.Status202Accepted);
        group.MapGet("/managers/{managerId}/tasks", TasksAsync).Describe("payroll", "An account manager's follow-up tasks (?max=1…5000, default 500)", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor);
        return app;
    }

    private static Task<IResult> UpcomingAsync(
        string tenant, HttpContext http, OperatorAccess access, IPayrollEmployers employers, IPayrollCampaigns campaigns, PayrollCalendars calendars,
        TimeProvider time, CancellationToken ct) =>
        PayrollCampaignHttp.UpcomingAsync(tenant, http, access, employers, campaigns, calendars, time, ct);

    private static Task<IResult> StartAsync(
        string tenant, HttpContext http, OperatorAccess access, IPayrollEmployers employers, PayrollCalendars calendars, PayrollCampaignScheduler scheduler,
        CancellationToken ct) =>
        PayrollCampaignHttp.StartAsync(tenant, http, access, employers, calendars, scheduler, ct);

    private static Task<IResult> GetAsync(string tenant, string campaignId, HttpContext http, OperatorAccess access, CancellationToken ct) =>
        PayrollCampaignHttp.GetAsync(tenant, campaignId, http, access, ct);

    private static Task<IResult> StopAsync(
        string tenant, string campaignId, HttpContext http, OperatorAccess access, PayrollFanOut fanOut, TimeProvider time, CancellationToken ct) =>
        PayrollCampaignHttp.StopAsync(tenant, campaignId, http, access, fanOut, time, ct);

    private static Task<IResult> TasksAsync(string tenant, string managerId, HttpContext http, OperatorAccess access, IFollowUpTasks tasks, CancellationToken ct) =>
        PayrollCampaignHttp.TasksAsync(tenant, managerId, http, access, tasks, ct);
}
