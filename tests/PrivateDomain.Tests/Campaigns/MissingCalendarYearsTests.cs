using PrivateDomain.Campaigns;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

/// <summary>When a missing calendar year becomes an operations event: from 45 days before the earliest day a window it
/// leaves undecided could open. Every "today" here is a fixed date the test names.</summary>
public sealed class MissingCalendarYearsTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static PayrollSchedule Schedule(WorkingDayCalendar? calendar = null) => new(calendar ?? Official, Shanghai, PayrollDayCounting.WorkingDays);

    private static PayrollEmployer Employer(string rule, string id = "E-1") => new(id, PaydayRule.Parse(rule));

    [Fact]
    public void A_day_25_employers_January_2027_is_reported_from_17_November_2026_and_not_the_day_before()
    {
        // Earliest possible opening: 2027-01-25 less 24 days = 2027-01-01; 45 days before that is 2026-11-17.
        var employers = new[] { Employer("day:25") };

        Assert.Empty(MissingCalendarYears.Find(Schedule(), employers, D("2026-11-16")));
        var missing = Assert.Single(MissingCalendarYears.Find(Schedule(), employers, D("2026-11-17")));

        Assert.Equal("calendar for 2027 missing; pay months 2027-01 undecided", missing.Message);
        Assert.Equal((2027, D("2027-01-01")), (missing.Year, missing.EarliestOpening));
    }

    [Fact]
    public void On_20_December_2026_the_message_lists_every_pay_month_of_2027_within_45_days()
    {
        var employers = new[] { Employer("day:10", "A"), Employer("last-working-day", "B") };

        var missing = Assert.Single(MissingCalendarYears.Find(Schedule(), employers, D("2026-12-20")));

        Assert.Equal("calendar for 2027 missing; pay months 2027-01, 2027-02 undecided", missing.Message);
    }

    [Fact]
    public void Two_missing_years_are_reported_separately_in_year_order()
    {
        // Only 2026 is published and it is already 20 November 2027: this year's last months and next January.
        var employers = new[] { Employer("day:10", "A"), Employer("last-working-day", "B") };

        var missing = MissingCalendarYears.Find(Schedule(), employers, D("2027-11-20"));

        Assert.Equal(
            ["calendar for 2027 missing; pay months 2027-11, 2027-12 undecided", "calendar for 2028 missing; pay months 2028-01 undecided"],
            missing.Select(m => m.Message));
    }

    [Fact]
    public void A_tenant_without_employers_needs_no_calendar()
    {
        Assert.Empty(MissingCalendarYears.Find(Schedule(), [], D("2026-12-20")));
    }

    [Fact]
    public void Nothing_is_reported_once_the_year_is_published()
    {
        var employers = new[] { Employer("day:10", "A"), Employer("day:1", "B") };

        Assert.Empty(MissingCalendarYears.Find(Schedule(OfficialWith(Synthetic2027)), employers, D("2026-12-20")));
    }

    [Fact]
    public void The_estimated_opening_is_never_after_the_real_one_for_any_rule_in_2026()
    {
        var rules = Enumerable.Range(1, 31).Select(n => $"day:{n}")
            .Concat(Enumerable.Range(1, PaydayRule.MaxWorkingDay).Select(n => $"working-day:{n}"))
            .Append("last-working-day");
        foreach (var counting in new[] { PayrollDayCounting.WorkingDays, PayrollDayCounting.CalendarDays })
        {
            foreach (var rule in rules)
            {
                // January 2026 windows can need December 2025, which is not published.
                for (var month = new PayMonth(2026, 2); month <= new PayMonth(2026, 12); month = month.AddMonths(1))
                {
                    var window = PayrollWindow.For(Employer(rule), month, Official, counting);
                    var estimate = MissingCalendarYears.EarliestOpening(PaydayRule.Parse(rule), month);
                    Assert.True(estimate <= window.Opens, $"{rule} {month} {counting}: estimated {estimate}, opens {window.Opens}");
                }
            }
        }
    }
}
