using PrivateDomain.Campaigns;

namespace PrivateDomain.Local.Campaigns;

/// <summary>
/// Operator API for payroll campaigns on the local host, <c>/api/tenants/{tenant}/payroll</c>, Entra ID bearer tokens
/// only: the routes of <see cref="PayrollCampaignHttp"/> (shared with the Functions app). Every call is audited.
/// </summary>
public static class PayrollCampaignApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapPayrollCampaignApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/payroll").RequireAuthorization();
        group.MapGet("/windows", PayrollCampaignHttp.UpcomingAsync);
        group.MapPost("/campaigns", PayrollCampaignHttp.StartAsync);
        group.MapGet("/campaigns/{campaignId}", PayrollCampaignHttp.GetAsync);
        group.MapDelete("/campaigns/{campaignId}", PayrollCampaignHttp.StopAsync);
        group.MapGet("/managers/{managerId}/tasks", PayrollCampaignHttp.TasksAsync);
        return app;
    }
}
