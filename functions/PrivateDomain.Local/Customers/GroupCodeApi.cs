using PrivateDomain.Customers;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Customers;

/// <summary>Operator API for group codes and group figures on the local host (<see cref="GroupCodeHttp"/>).</summary>
public static class GroupCodeApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapGroupCodeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/group-codes").RequireAuthorization();
        group.MapPost("", (string tenant, HttpContext http, OperatorAccess access, GroupCodeService service, CancellationToken ct) =>
                GroupCodeHttp.CreateAsync(tenant, http, access, service, ct))
            .Describe("group-codes", "Create a group code (群活码) at WeCom (groupchat/add_join_way): its state, 1–5 groups, a new group when they are full, and the group welcome (group_welcome_template) made from an approved group-channel welcome; answers it with the QR URL", GroupCodeHttp.Writers)
            .DescribeBody<GroupCodeRequest>().Produces<GroupCodeHttp.GroupCodeView>(StatusCodes.Status201Created);
        group.MapGet("", (string tenant, HttpContext http, OperatorAccess access, IGroupCodes codes, CancellationToken ct) =>
                GroupCodeHttp.ListAsync(tenant, http, access, codes, ct))
            .Describe("group-codes", "List the tenant's group codes (deleted ones too)", GroupCodeHttp.Readers)
            .Produces<GroupCodeHttp.GroupCodeList>();
        group.MapGet("/{code}", (string tenant, string code, HttpContext http, OperatorAccess access, IGroupCodes codes, GroupCodeService service, CancellationToken ct) =>
                GroupCodeHttp.GetAsync(tenant, code, http, access, codes, service, ct))
            .Describe("group-codes", "One group code with the customers who joined each group through it (groups WeCom created when full included) and how many left again", GroupCodeHttp.Readers)
            .Produces<GroupCodeHttp.GroupCodeView>();
        group.MapDelete("/{code}", (string tenant, string code, HttpContext http, OperatorAccess access, GroupCodeService service, CancellationToken ct) =>
                GroupCodeHttp.DeleteAsync(tenant, code, http, access, service, ct))
            .Describe("group-codes", "Delete a group code at WeCom (del_join_way): the QR stops working; past joins keep their attribution", GroupCodeHttp.Writers)
            .Produces<GroupCodeHttp.GroupCodeView>();
        app.MapGet("/api/tenants/{tenant}/group-stats", (string tenant, HttpContext http, OperatorAccess access, IGroupChatStatistics statistics, TimeProvider time,
                CancellationToken ct) => GroupCodeHttp.StatsAsync(tenant, http, access, statistics, time, ct))
            .RequireAuthorization()
            .Describe("group-codes", "WeCom's daily group figures per group owner (groupchat/statistic, read each night): ?from=&to= (yyyy-MM-dd, China time; default the 7 days up to yesterday, at most 92)", GroupCodeHttp.Readers)
            .Produces<GroupCodeHttp.GroupStatsView>();
        return app;
    }
}
