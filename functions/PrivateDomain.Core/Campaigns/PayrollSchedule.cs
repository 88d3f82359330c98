using System.Collections.Immutable;

namespace PrivateDomain.Campaigns;

/// <summary>
/// A tenant's payroll-day schedule: the working-day calendar, the tenant's time zone (whose dates the campaign days
/// are) and how campaign days are counted. Pure: given employers and dates it answers which windows open when; the
/// daily timer and the operator API are thin callers of it.
/// </summary>
/// <param name="Calendar">The working-day calendar.</param>
/// <param name="TimeZone">The tenant's time zone; "today" is the date there.</param>
/// <param name="Counting">Whether D-5…D-3 count working or calendar days.</param>
public sealed record PayrollSchedule(WorkingDayCalendar Calendar, TimeZoneInfo TimeZone, PayrollDayCounting Counting)
{
    /// <summary>The longest range <see cref="WindowsOpening"/> accepts: a year, enough for any catch-up or forecast.</summary>
    public const int MaxRangeDays = 366;

    /// <summary>The schedule from validated options.</summary>
    /// <exception cref="TimeZoneNotFoundException">The options name an unknown time zone (validate them at start-up).</exception>
    public static PayrollSchedule Create(WorkingDayCalendar calendar, PayrollOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(calendar, TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone), options.Counting);
    }

    /// <summary>The tenant's date at <paramref name="instant"/>: 23:30 UTC on 31 December is already 1 January in
    /// Shanghai, and the window opening that day must start then, not eight hours later.</summary>
    public DateOnly DateAt(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>Today in the tenant's time zone.</summary>
    public DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateAt(clock.GetUtcNow());
    }

    /// <summary>The window of <paramref name="employer"/> for <paramref name="month"/>.</summary>
    /// <exception cref="CalendarYearNotCoveredException">The calendar lacks a year the window needs.</exception>
    public PayrollWindow WindowFor(PayrollEmployer employer, PayMonth month) => PayrollWindow.For(employer, month, Calendar, Counting);

    /// <summary>The windows opening on <paramref name="day"/>: the campaigns a daily run starts.</summary>
    public PayrollWindowsOpening WindowsOpeningOn(IEnumerable<PayrollEmployer> employers, DateOnly day) => WindowsOpening(employers, day, day);

    /// <summary>
    /// The windows whose open day (D-5) is in [<paramref name="from"/>, <paramref name="to"/>]. A timer that was down
    /// passes the days since its last run, so a missed day's campaigns still start (their ids are deterministic, so a
    /// day passed twice starts nothing twice). The operator API's "upcoming windows" is the same question about the
    /// coming weeks.
    /// </summary>
    /// <remarks>
    /// Pay months from <paramref name="from"/>'s month to the month after <paramref name="to"/>'s are considered.
    /// Earlier ones cannot open in range (a window opens by its payday, which is in or before its month). The month
    /// after is needed because a window can open in the month before its pay month (day:1, or a payday moved back
    /// over a holiday); two months earlier would need some four weeks of holidays before a payday, which no notice
    /// has made. A pay month in a year the calendar lacks is reported in
    /// <see cref="PayrollWindowsOpening.Undecided"/> — in December that is every employer's January until next
    /// year's notice is published, which is the reminder to publish it.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="to"/> is before <paramref name="from"/> or the range
    /// is longer than <see cref="MaxRangeDays"/>.</exception>
    public PayrollWindowsOpening WindowsOpening(IEnumerable<PayrollEmployer> employers, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(employers);
        if (to < from || to.DayNumber - from.DayNumber + 1 > MaxRangeDays)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to,
                $"The range {from:yyyy-MM-dd} to {to:yyyy-MM-dd} must run forward and span at most {MaxRangeDays} days.");
        }

        var first = PayMonth.Of(from);
        var last = PayMonth.Of(to).AddMonths(1);
        var windows = ImmutableArray.CreateBuilder<PayrollWindow>();
        var undecided = ImmutableArray.CreateBuilder<UndecidedPayMonth>();
        foreach (var employer in employers)
        {
            for (var month = first; month <= last; month = month.AddMonths(1))
            {
                try
                {
                    var window = WindowFor(employer, month);
                    if (window.Opens >= from && window.Opens <= to)
                    {
                        windows.Add(window);
                    }
                }
                catch (CalendarYearNotCoveredException e)
                {
                    undecided.Add(new UndecidedPayMonth(employer.EmployerId, month, e));
                }
            }
        }

        return new PayrollWindowsOpening(
            from,
            to,
            [.. windows.OrderBy(w => w.Opens).ThenBy(w => w.EmployerId, StringComparer.Ordinal).ThenBy(w => w.PayMonth)],
            [.. undecided.OrderBy(u => u.EmployerId, StringComparer.Ordinal).ThenBy(u => u.PayMonth)]);
    }
}
