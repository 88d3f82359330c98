using PrivateDomain.Campaigns;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Campaigns;

/// <summary>
/// Operator API for the working-day calendar on the local host, <c>/api/tenants/{tenant}/payroll/calendars</c>: the
/// years in force and <c>PUT …/{year}</c> to publish a year's notice without a deploy (<see cref="PayrollCalendarHttp"/>,
/// shared with the Functions app).
/// </summary>
public static class PayrollCalendarApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapPayrollCalendarApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/payroll/calendars").RequireAuthorization();
        group.MapGet("", ListAsync).Describe("payroll", "The working-day calendar years in force and where each comes from", OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor)
            .Produces<IEnumerable<PayrollCalendarHttp.CalendarYearView>>();
        group.MapPut("/{year:int}", PublishAsync).Describe("payroll", "Publish a year's State Council holiday notice (the content-templates/calendars JSON) without a deploy", OperatorRoles.Admin)
            .DescribeBody<System.Text.Json.JsonElement>().Produces<PayrollCalendarHttp.CalendarYearView>(StatusCodes.Status201Created).Produces<PayrollCalendarHttp.CalendarYearView>();
        return app;
    }

    private static Task<IResult> ListAsync(string tenant, HttpContext http, OperatorAccess access, PayrollCalendars calendars, CancellationToken ct) =>
        PayrollCalendarHttp.ListAsync(tenant, http, access, calendars, ct);

    private static Task<IResult> PublishAsync(int year, string tenant, HttpContext http, OperatorAccess access, PayrollCalendars calendars, CancellationToken ct) =>
        PayrollCalendarHttp.PublishAsync(year, tenant, http, access, calendars, ct);
}
