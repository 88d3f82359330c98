using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Makes a missing calendar year an operations event: for a tenant's employers and today, the years to publish
/// (<see cref="MissingCalendarYears"/>). /healthz shows them; the daily run logs them as a warning that the
/// Application Insights alert <c>payroll-calendar-missing</c> looks for.
/// </summary>
public sealed class PayrollCalendarWatch(IPayrollEmployers employers, PayrollCalendars calendars, TimeProvider time, ILogger<PayrollCalendarWatch> log)
{
    /// <summary>The start of the warning's message; the alert's query matches it, so keep them together.</summary>
    public const string LogPrefix = "Payroll calendar missing";

    /// <summary>The warning's event id.</summary>
    public static readonly EventId MissingEvent = new(4201, "PayrollCalendarMissing");

    /// <summary>The years the tenant's payroll needs within <see cref="MissingCalendarYears.WarningDays"/> days and
    /// does not have.</summary>
    public async Task<ImmutableArray<MissingCalendarYear>> FindAsync(string tenant, CancellationToken cancellationToken)
    {
        var schedule = await calendars.ScheduleAsync(tenant, cancellationToken).ConfigureAwait(false);
        var all = await employers.ListAsync(tenant, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        return MissingCalendarYears.Find(schedule, all, schedule.Today(time));
    }

    /// <summary><see cref="FindAsync"/>, logging a warning per missing year (the daily run calls this once a day).</summary>
    public async Task<ImmutableArray<MissingCalendarYear>> ReportAsync(string tenant, CancellationToken cancellationToken)
    {
        var missing = await FindAsync(tenant, cancellationToken).ConfigureAwait(false);
        foreach (var year in missing)
        {
            log.LogWarning(MissingEvent, LogPrefix + " for {Tenant}: {Warning}. Publish the {Year} State Council notice: PUT /api/tenants/{Tenant}/payroll/calendars/{Year} (earliest window {EarliestOpening})",
                tenant, year.Message, year.Year, tenant, year.Year, year.EarliestOpening);
        }

        return missing;
    }
}
