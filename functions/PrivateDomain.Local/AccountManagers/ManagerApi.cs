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

/// <summary>The chat sidebar (聊天工具栏) on the local host, <c>/sidebar/{tenant}</c>: the edge of <see cref="ChatSidebarHttp"/>.</summary>
public static class ChatSidebarApi
{
    /// <summary>Maps the page and its three calls (anonymous at the routing level: the page's own session cookie guards them).</summary>
    public static IEndpointRouteBuilder MapChatSidebar(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sidebar/{tenant}", PageAsync).ExcludeFromDescription();
        app.MapGet("/sidebar/{tenant}/jsconfig", JsConfigAsync).ExcludeFromDescription();
        app.MapGet("/sidebar/{tenant}/customer", CustomerAsync).ExcludeFromDescription();
        app.MapPost("/sidebar/{tenant}/tasks/done", TaskDoneAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/sidebar/{tenant}/tags", TagAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static Task<IResult> PageAsync(
        string tenant, HttpContext http, PrivateDomain.Pages.IWeComWebAuthorisation auth, IOptions<ManagerMessagesOptions> options,
        IOptions<PrivateDomain.Pages.CampaignPagesOptions> pages, IOptions<PrivateDomain.WeCom.WeComOptions> tenants, TimeProvider time, CancellationToken ct) =>
        ChatSidebarHttp.PageAsync(tenant, http, auth, options, pages, tenants, time, ct);

    private static Task<IResult> JsConfigAsync(
        string tenant, HttpContext http, IJsApiTickets tickets, IOptions<ManagerMessagesOptions> options, IOptions<PrivateDomain.WeCom.WeComOptions> tenants,
        TimeProvider time, CancellationToken ct) =>
        ChatSidebarHttp.JsConfigAsync(tenant, http, tickets, options, tenants, time, ct);

    private static Task<IResult> CustomerAsync(string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct) =>
        ChatSidebarHttp.CustomerAsync(tenant, http, sidebar, options, time, ct);

    private static Task<IResult> TagAsync(string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct) =>
        ChatSidebarHttp.TagAsync(tenant, http, sidebar, options, time, ct);

    private static Task<IResult> TaskDoneAsync(string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct) =>
        ChatSidebarHttp.TaskDoneAsync(tenant, http, sidebar, options, time, ct);
}
