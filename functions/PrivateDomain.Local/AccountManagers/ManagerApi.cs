using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Local.Operators;
using PrivateDomain.AccountManagers;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.AccountManagers;

/// <summary>Operator API for account managers on the local host, <c>/api/tenants/{tenant}/managers</c>: the edge of
/// <see cref="ManagerTaskHttp"/>, shared with the Functions app.</summary>
public static class ManagerApi
{
    /// <summary>Maps the routes (authenticated; roles and tenant checked per call).</summary>
    public static IEndpointRouteBuilder MapManagerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/managers").RequireAuthorization();
        group.MapGet("/{managerId}/tasks", TasksAsync)
            .Describe("managers", "An account manager's follow-up tasks with their state (?status=open|done|expired; all when left out)",
                OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<ManagerTaskHttp.TasksView>();
        group.MapGet("/{managerId}/team", TeamAsync)
            .Describe("managers", "A supervisor's team: the managers whose CRM record names this userid as supervisor, with task counts and today's staff messages",
                OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<ManagerTaskHttp.TeamView>();
        return app;
    }

    private static Task<IResult> TasksAsync(
        string tenant, string managerId, HttpContext http, OperatorAccess access, IFollowUpTasks tasks, IOptions<ManagerMessagesOptions> options, TimeProvider time,
        CancellationToken ct) =>
        ManagerTaskHttp.TasksAsync(tenant, managerId, http, access, tasks, options, time, ct);

    private static Task<IResult> TeamAsync(
        string tenant, string managerId, HttpContext http, OperatorAccess access, IEmployeeDirectory employees, IFollowUpTasks tasks, IStaffMessageLedger ledger,
        IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct) =>
        ManagerTaskHttp.TeamAsync(tenant, managerId, http, access, employees, tasks, ledger, options, time, ct);
}
