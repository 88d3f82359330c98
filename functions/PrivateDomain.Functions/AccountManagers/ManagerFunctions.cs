using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.AccountManagers;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.AccountManagers;

/// <summary>
/// The account managers' side on Azure: the operator API (<see cref="ManagerTaskHttp"/>, the local host's edge) and the
/// morning digest timer (<see cref="ManagerDigest"/>), which checks every 15 minutes like the local host's runner and
/// sends once the bank's local time is past <see cref="ManagerMessagesOptions.DigestAt"/> (08:45 Shanghai by default),
/// for every tenant with an app agent id; quiet hours and the daily cap apply, and a run after the day's digest went out
/// sends nothing (the ledger key is the day).
/// </summary>
public sealed class ManagerFunctions(
    OperatorAccess access, IFollowUpTasks tasks, IEmployeeDirectory employees, IStaffMessageLedger ledger, ManagerDigest digest,
    IOptions<ManagerMessagesOptions> options, IOptions<PrivateDomain.WeCom.WeComOptions> tenants, TimeProvider time, ILogger<ManagerFunctions> log)
{
    /// <summary>The digest timer's schedule (UTC): every 15 minutes, so a <c>Managers:DigestAt</c> or time zone other than the
    /// default is reached too (a fixed daily schedule would ignore them), and a failed run is tried again soon.</summary>
    public const string DigestSchedule = "0 */15 * * * *";

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

    /// <summary>The morning digest for every tenant with an app agent id, once the bank's local time is past DigestAt. One
    /// tenant's failure does not hold up the others' digests; it fails the run afterwards, and the next run tries again.</summary>
    [Function("ManagerMorningDigest")]
    public async Task DigestAsync([TimerTrigger(DigestSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, o.Zone).DateTime) < o.DigestAt || o.IsQuiet(now))
        {
            return;
        }

        var failed = new List<Exception>();
        foreach (var tenant in tenants.Value.Tenants.Keys.Where(o.AgentIds.ContainsKey))
        {
            try
            {
                await digest.RunAsync(tenant, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Manager digest for {Tenant} failed; it runs again within 15 minutes", tenant);
                failed.Add(e);
            }
        }

        if (failed.Count > 0)
        {
            throw new AggregateException("The manager digest failed for some tenants (see the warnings); the next run tries them again.", failed);
        }
    }
}
