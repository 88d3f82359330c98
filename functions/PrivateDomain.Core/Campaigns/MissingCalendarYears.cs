using System.Collections.Immutable;
using System.Globalization;

namespace PrivateDomain.Campaigns;

/// <summary>
/// A calendar year a tenant's payroll will need soon and does not have: the pay months it leaves undecided and the
/// earliest day one of their windows could open. <see cref="Message"/> is what /healthz and the alert say.
/// </summary>
/// <param name="Year">The missing year.</param>
/// <param name="PayMonths">The pay months that need it, ascending.</param>
/// <param name="EarliestOpening">The earliest day any of their windows could open.</param>
public sealed record MissingCalendarYear(int Year, ImmutableArray<PayMonth> PayMonths, DateOnly EarliestOpening)
{
    /// <summary><c>calendar for 2027 missing; pay months 2027-01, 2027-02 undecided</c>.</summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"calendar for {Year} missing; pay months {string.Join(", ", PayMonths)} undecided");
}

/// <summary>
/// Which missing calendar years to report, and from when: a year is reported from <see cref="WarningDays"/> days before
/// the first window it leaves undecided could open, so the notice is published (usually in November) before any
/// campaign is lost, and not a year ahead of it. Pure: the schedule, the employers and today in, the years out.
/// </summary>
/// <remarks>
/// The day a window would open cannot be computed without the missing notice, so the rule's own day stands in for
/// the payday, less <see cref="OpeningLeadDays"/>: a payday moves back at most over one holiday span (at most
/// <see cref="HolidayNoticeReader.MaxHolidayDays"/> days) and the weekend before it, and the window opens five
/// working days — about a week — before the payday. The estimate is therefore never later than the real opening, so
/// the warning comes early rather than late.
/// </remarks>
public static class MissingCalendarYears
{
    /// <summary>How many days before the first undecided window could open the missing year is reported.</summary>
    public const int WarningDays = 45;

    /// <summary>How far before the rule's own day a window can open at the most (see the remarks).</summary>
    public const int OpeningLeadDays = HolidayNoticeReader.MaxHolidayDays + 2 + 7;

    /// <summary>
    /// The years the schedule lacks for a window of <paramref name="employers"/> that could open by
    /// <paramref name="today"/> + <paramref name="warningDays"/>, by year; empty when every such window is decided.
    /// Pay months from <paramref name="today"/>'s on are considered (an earlier month's payday has passed).
    /// </summary>
    public static ImmutableArray<MissingCalendarYear> Find(
        PayrollSchedule schedule, IEnumerable<PayrollEmployer> employers, DateOnly today, int warningDays = WarningDays)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(employers);
        ArgumentOutOfRangeException.ThrowIfNegative(warningDays);
        var horizon = today.AddDays(warningDays);
        // A month whose first day is more than the lead after the horizon cannot open by then.
        var last = PayMonth.Of(horizon.AddDays(OpeningLeadDays));
        var undecided = new List<(int Year, PayMonth Month, DateOnly Opening)>();
        foreach (var employer in employers)
        {
            for (var month = PayMonth.Of(today); month <= last; month = month.AddMonths(1))
            {
                var opening = EarliestOpening(employer.Payday, month);
                if (opening > horizon)
                {
                    continue;
                }

                try
                {
                    schedule.WindowFor(employer, month);
                }
                catch (CalendarYearNotCoveredException e)
                {
                    undecided.Add((e.Year, month, opening));
                }
            }
        }

        return [.. undecided.GroupBy(u => u.Year).OrderBy(g => g.Key).Select(g => new MissingCalendarYear(
            g.Key, [.. g.Select(u => u.Month).Distinct().Order()], g.Min(u => u.Opening)))];
    }

    /// <summary>The earliest day the window of <paramref name="month"/> under <paramref name="rule"/> could open,
    /// whatever the notice for its year says.</summary>
    public static DateOnly EarliestOpening(PaydayRule rule, PayMonth month)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var nominal = rule switch
        {
            PaydayRule.DayOfMonth d => Math.Min(d.Day, month.DayCount),
            // The Nth working day is on or after day N (unless a month has fewer working days, which the lead covers).
            PaydayRule.NthWorkingDay n => Math.Min(n.N, month.DayCount),
            _ => month.DayCount,
        };
        return new DateOnly(month.Year, month.Month, nominal).AddDays(-OpeningLeadDays);
    }
}
