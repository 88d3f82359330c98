using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.AccountManagers;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.AccountManagers;

/// <summary>
/// The account managers' side on Azure: the operator API (<see cref="ManagerTaskHttp"/>, the local host's edge) and the
/// morning digest timer (<see cref="ManagerDigest"/>, every tenant, at 08:45 Shanghai = 00:45 UTC; quiet hours and the
/// daily cap apply, and a second run the same day sends nothing).
/// </summary>
public sealed class ManagerFunctions(
    OperatorAccess access, IFollowUpTasks tasks, IEmployeeDirectory employees, IStaffMessageLedger ledger, ManagerDigest digest,
    IOptions<ManagerMessagesOptions> options, IOptions<PrivateDomain.WeCom.WeComOptions> tenants, TimeProvider time)
{
    private const string Route = "tenants/{tenant}/managers";

    /// <summary>A manager's follow-up tasks with their state.</summary>
    [Function("OperatorManagerTasks")]
    public async Task<IResult> TasksAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{managerId}/tasks")] HttpRequest request, string tenant, string managerId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ManagerTaskHttp.TasksAsync(tenant, managerId, request.HttpContext, access, tasks, options, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A supervisor's team view.</summary>
    [Function("OperatorManagerTeam")]
    public async Task<IResult> TeamAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route + "/{managerId}/team")] HttpRequest request, string tenant, string managerId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await ManagerTaskHttp.TeamAsync(tenant, managerId, request.HttpContext, access, employees, tasks, ledger, options, time, cancellationToken)
                .ConfigureAwait(false);
    }

    /// <summary>The morning digest for every tenant.</summary>
    [Function("ManagerMorningDigest")]
    public async Task DigestAsync([TimerTrigger("0 45 0 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            await digest.RunAsync(tenant, cancellationToken).ConfigureAwait(false);
        }
    }
}
