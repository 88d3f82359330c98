using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Input;
using PrivateDomain.Operators;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// The account managers' operator edge, shared by both hosts, <c>/api/tenants/{tenant}/managers/{managerId}</c>: a
/// manager's follow-up tasks with their state (open, done, expired) and a supervisor's team view (the managers whose
/// CRM record names them as supervisor, with their task counts and the staff messages they got today). Readers:
/// Operator, Admin, Auditor. Every call is audited. Customer names are not shown, only ids, as on the payroll task list.
/// </summary>
public static class ManagerTaskHttp
{
    private static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor];

    /// <summary>One follow-up task as the API shows it.</summary>
    public sealed record TaskView(string CustomerId, string CampaignId, string Activity, DateTimeOffset At, string Status, DateTimeOffset? DoneAt, string? DoneVia);

    /// <summary>A manager's tasks.</summary>
    public sealed record TasksView(string ManagerId, int Open, int Done, int Expired, IReadOnlyList<TaskView> Tasks);

    /// <summary>One member of a supervisor's team.</summary>
    public sealed record TeamMemberView(
        string UserId, string Name, string? BranchName, int Open, int Done, int Expired, int StaffMessagesToday, int ChurnAlerts7Days);

    /// <summary>A supervisor's team.</summary>
    public sealed record TeamView(string SupervisorId, IReadOnlyList<TeamMemberView> Members, int Open, int Done, int Expired);

    /// <summary><c>GET …/managers/{managerId}/tasks?status=open|done|expired</c>: the manager's tasks, newest campaign first.</summary>
    public static Task<IResult> TasksAsync(
        string tenant, string managerId, HttpContext http, OperatorAccess access, IFollowUpTasks tasks, IOptions<ManagerMessagesOptions> options, TimeProvider time,
        CancellationToken ct) =>
        access.RunAsync(http, tenant, "managers.tasks", managerId, Readers, async call =>
        {
            if (Identifiers.UserId.Check(managerId, "managerId") is { } invalid)
            {
                return OperatorRequests.Invalid("managerId", invalid);
            }

            var status = http.Request.Query["status"].ToString();
            if (status.Length > 0 && status is not (ManagerTaskStatus.Open or ManagerTaskStatus.Done or ManagerTaskStatus.Expired))
            {
                return OperatorRequests.Invalid("status", "status must be open, done or expired (or left out for all).");
            }

            var all = await ViewsAsync(tenant, managerId, tasks, options.Value, time.GetUtcNow(), ct).ConfigureAwait(false);
            call.Note = $"tasks={all.Count}";
            return Results.Ok(new TasksView(managerId, Count(all, ManagerTaskStatus.Open), Count(all, ManagerTaskStatus.Done), Count(all, ManagerTaskStatus.Expired),
                [.. all.Where(t => status.Length == 0 || t.Status == status)]));
        });

    /// <summary><c>GET …/managers/{managerId}/team</c>: the supervisor's team with each member's task counts.</summary>
    public static Task<IResult> TeamAsync(
        string tenant, string managerId, HttpContext http, OperatorAccess access, IEmployeeDirectory employees, IFollowUpTasks tasks, IStaffMessageLedger ledger,
        IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct) =>
        access.RunAsync(http, tenant, "managers.team", managerId, Readers, async call =>
        {
            if (Identifiers.UserId.Check(managerId, "managerId") is { } invalid)
            {
                return OperatorRequests.Invalid("managerId", invalid);
            }

            var now = time.GetUtcNow();
            var members = new List<TeamMemberView>();
            await foreach (var e in employees.ListAsync(tenant, ct).ConfigureAwait(false))
            {
                if (!string.Equals(e.SupervisorId, managerId, StringComparison.Ordinal))
                {
                    continue;
                }

                var list = await ViewsAsync(tenant, e.UserId, tasks, options.Value, now, ct).ConfigureAwait(false);
                var today = await ledger.CountSentAsync(tenant, e.UserId, options.Value.LocalDay(now), ct).ConfigureAwait(false);
                var churn = 0;
                await foreach (var row in ledger.ListAsync(tenant, e.UserId, now.AddDays(-7), ct).ConfigureAwait(false))
                {
                    churn += row.Kind == StaffMessageKind.ChurnAlert ? 1 : 0;
                }

                members.Add(new TeamMemberView(e.UserId, e.Name, e.BranchName, Count(list, ManagerTaskStatus.Open), Count(list, ManagerTaskStatus.Done),
                    Count(list, ManagerTaskStatus.Expired), today, churn));
            }

            call.Note = $"members={members.Count}";
            return Results.Ok(new TeamView(managerId, [.. members.OrderBy(m => m.UserId, StringComparer.Ordinal)],
                members.Sum(m => m.Open), members.Sum(m => m.Done), members.Sum(m => m.Expired)));
        });

    private static async Task<List<TaskView>> ViewsAsync(string tenant, string managerId, IFollowUpTasks tasks, ManagerMessagesOptions o, DateTimeOffset now, CancellationToken ct) =>
        [.. (await tasks.ListAsync(tenant, managerId, 5_000, ct).ConfigureAwait(false))
            .Select(t => new TaskView(t.CustomerId, t.CampaignId, t.Activity, t.At, ManagerTaskStatus.Of(t, now, o.TaskExpiresAfter), t.DoneAt, t.DoneVia))];

    private static int Count(IEnumerable<TaskView> tasks, string status) => tasks.Count(t => t.Status == status);
}
