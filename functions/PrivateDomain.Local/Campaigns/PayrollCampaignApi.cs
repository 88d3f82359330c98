using PrivateDomain.Campaigns;
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
        group.MapGet("/windows", UpcomingAsync);
        group.MapPost("/campaigns", StartAsync);
        group.MapGet("/campaigns/{campaignId}", GetAsync);
        group.MapDelete("/campaigns/{campaignId}", StopAsync);
        group.MapGet("/managers/{managerId}/tasks", TasksAsync);
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
