using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Campaigns;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Campaigns;

/// <summary>
/// The working-day calendar's operator API on Azure, <c>/api/tenants/{tenant}/payroll/calendars</c>: the years in force,
/// and <c>PUT …/{year}</c> to publish a year's notice without a deploy — what to do when the
/// <c>payroll-calendar-missing</c> alert fires. The same edge as the local host (<see cref="PayrollCalendarHttp"/>).
/// Anonymous at the Functions level: each function authenticates the Entra bearer token itself.
/// </summary>
public sealed class PayrollCalendarFunctions(OperatorAccess access, PayrollCalendars calendars)
{
    private const string Route = "tenants/{tenant}/payroll/calendars";

    /// <summary>The years in force and where each comes from.</summary>
    [Function("OperatorPayrollCalendars")]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequest request, string tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCalendarHttp.ListAsync(tenant, request.HttpContext, access, calendars, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes a year's State Council notice for the tenant (Admin).</summary>
    [Function("OperatorPayrollCalendarPublish")]
    public async Task<IResult> PublishAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Route + "/{year:int}")] HttpRequest request, string tenant, int year,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await OperatorAccess.AuthenticateAsync(request.HttpContext).ConfigureAwait(false)
            ?? await PayrollCalendarHttp.PublishAsync(year, tenant, request.HttpContext, access, calendars, cancellationToken).ConfigureAwait(false);
    }
}
