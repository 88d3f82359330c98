namespace PrivateDomain.Campaigns;

/// <summary>
/// An employer's payroll-day campaign window for one pay month: the payday D and the three campaign days before it —
/// D-5 welfare, D-4 quiz, D-3 finance content with a product — as dates in the tenant's time zone. The window "opens"
/// on D-5, which is the day the timer starts the campaign.
/// </summary>
/// <param name="EmployerId">The employer.</param>
/// <param name="PayMonth">The month the salary is for (the payday itself may fall in the month before).</param>
/// <param name="Payday">D, a working day.</param>
/// <param name="Counting">Whether the campaign days were counted in working or calendar days.</param>
/// <param name="DayMinus5">D-5, the first campaign day.</param>
/// <param name="DayMinus4">D-4.</param>
/// <param name="DayMinus3">D-3, the last campaign day.</param>
public sealed record PayrollWindow(
    string EmployerId,
    PayMonth PayMonth,
    DateOnly Payday,
    PayrollDayCounting Counting,
    DateOnly DayMinus5,
    DateOnly DayMinus4,
    DateOnly DayMinus3)
{
    /// <summary>The day the window opens (D-5).</summary>
    public DateOnly Opens => DayMinus5;

    /// <summary>The last campaign day (D-3).</summary>
    public DateOnly Closes => DayMinus3;

    /// <summary>The campaign days in order: D-5, D-4, D-3.</summary>
    public IReadOnlyList<DateOnly> CampaignDays => [DayMinus5, DayMinus4, DayMinus3];

    /// <summary>The deterministic campaign id, <c>payroll:{employerId}:{yyyy-MM}</c>.</summary>
    public string CampaignId => PayrollCampaignId.For(EmployerId, PayMonth);

    /// <summary>The window of <paramref name="employer"/> for <paramref name="month"/>.</summary>
    /// <exception cref="CalendarYearNotCoveredException">The calendar lacks a year the payday or a campaign day falls
    /// in (a January payday can need the previous December).</exception>
    public static PayrollWindow For(PayrollEmployer employer, PayMonth month, WorkingDayCalendar calendar, PayrollDayCounting counting)
    {
        ArgumentNullException.ThrowIfNull(employer);
        ArgumentNullException.ThrowIfNull(calendar);
        var payday = employer.Payday.PaydayIn(month, calendar);
        if (counting == PayrollDayCounting.CalendarDays)
        {
            return new(employer.EmployerId, month, payday, counting, payday.AddDays(-5), payday.AddDays(-4), payday.AddDays(-3));
        }

        var d3 = calendar.WorkingDayBefore(calendar.WorkingDayBefore(calendar.WorkingDayBefore(payday)));
        var d4 = calendar.WorkingDayBefore(d3);
        var d5 = calendar.WorkingDayBefore(d4);
        return new(employer.EmployerId, month, payday, counting, d5, d4, d3);
    }
}
