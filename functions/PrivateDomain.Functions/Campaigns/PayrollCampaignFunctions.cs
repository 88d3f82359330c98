using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Campaigns;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>
/// The payroll campaigns' operator API on Azure, <c>/api/tenants/{tenant}/payroll</c>: the same edge as the local host
/// (<see cref="PayrollCampaignHttp"/>: tenant and role check, validation, problem+json, audit). A start records the
/// campaign and queues its <c>payroll-fanout</c> message, whose function starts the campaign's Durable orchestration
/// (<see cref="PayrollCampaignOrchestration"/>); a stop marks the campaign stopped, and its cohorts end their members at
/// their next wake-up. Anonymous at the Functions level: each function authenticates the Entra bearer token itself.
/// </summary>
public sealed class PayrollCampaignFunctions(
    OperatorAccess access, IPayrollEmployers employers, IPayrollCampaigns campaigns, PayrollCalendars calendars, PayrollCampaignScheduler scheduler,
    PayrollFanOut fanOut, IFollowUpTasks tasks, TimeProvider time)
{
    private const string Route = "tenants/{tenant}/payroll";

    /// <summary>The windows opening in the next days (<c>?days=N</c>, default 14) and the pay months left undecided.</summary>
    [Function("OperatorPayrollWindows")]
    public async Task<IResult> WindowsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/windows")] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCampaignHttp.UpcomingAsync(tenant, request.HttpContext, access, employers, campaigns, calendars, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts an employer's campaign for a pay month by hand (<c>{employerId, payMonth}</c>), or returns the started one.</summary>
    [Function("OperatorPayrollStart")]
    public async Task<IResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Route + "/campaigns")] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCampaignHttp.StartAsync(tenant, request.HttpContext, access, employers, calendars, scheduler, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A campaign and its progress (counts).</summary>
    [Function("OperatorPayrollGet")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/campaigns/{campaignId}")] HttpRequest request, string tenant, string campaignId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCampaignHttp.GetAsync(tenant, campaignId, request.HttpContext, access, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops a campaign: nobody more is enrolled, and its journeys end before any further touch.</summary>
    [Function("OperatorPayrollStop")]
    public async Task<IResult> StopAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Route + "/campaigns/{campaignId}")] HttpRequest request, string tenant, string campaignId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCampaignHttp.StopAsync(tenant, campaignId, request.HttpContext, access, fanOut, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An account manager's follow-up tasks (<c>?max=N</c>).</summary>
    [Function("OperatorPayrollTasks")]
    public async Task<IResult> TasksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/managers/{managerId}/tasks")] HttpRequest request, string tenant, string managerId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCampaignHttp.TasksAsync(tenant, managerId, request.HttpContext, access, tasks, cancellationToken).ConfigureAwait(false);
    }
}
