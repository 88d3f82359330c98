using PrivateDomain.Campaigns;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

public sealed class PayrollWindowTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static PayrollEmployer Employer(string rule, string id = "E-1") => new(id, PaydayRule.Parse(rule));

    private static PayrollWindow Window(string rule, int year, int month, PayrollDayCounting counting = PayrollDayCounting.WorkingDays, WorkingDayCalendar? calendar = null) =>
        PayrollWindow.For(Employer(rule), new PayMonth(year, month), calendar ?? Official, counting);

    private static string[] Days(PayrollWindow w) =>
        [.. w.CampaignDays.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))];

    private static PayrollSchedule Schedule(WorkingDayCalendar? calendar = null, PayrollDayCounting counting = PayrollDayCounting.WorkingDays) =>
        new(calendar ?? Official, Shanghai, counting);

    [Fact]
    public void An_ordinary_window_is_the_fifth_fourth_and_third_working_day_before_payday()
    {
        var w = Window("day:12", 2026, 5); // Tuesday 12 May

        Assert.Equal(D("2026-05-12"), w.Payday);
        Assert.Equal(["2026-05-06", "2026-05-07", "2026-05-08"], Days(w));
        Assert.Equal((D("2026-05-06"), D("2026-05-08")), (w.Opens, w.Closes));
    }

    [Fact]
    public void Working_day_windows_skip_the_weekend_and_calendar_day_windows_do_not()
    {
        var working = Window("day:9", 2026, 3); // Monday 9 March
        var calendar = Window("day:9", 2026, 3, PayrollDayCounting.CalendarDays);

        Assert.Equal(["2026-03-02", "2026-03-03", "2026-03-04"], Days(working));
        Assert.Equal(["2026-03-04", "2026-03-05", "2026-03-06"], Days(calendar));
    }

    [Fact]
    public void A_window_before_a_payday_after_Spring_Festival_jumps_the_whole_holiday()
    {
        var w = Window("day:25", 2026, 2); // Wednesday 25 February; 24 is the first day back

        Assert.Equal(["2026-02-11", "2026-02-12", "2026-02-13"], Days(w));
    }

    [Fact]
    public void A_make_up_Saturday_counts_as_a_campaign_day_in_a_working_day_window()
    {
        var w = Window("day:28", 2026, 2); // payday on the make-up Saturday 28 February

        Assert.Equal(D("2026-02-28"), w.Payday);
        Assert.Equal(["2026-02-14", "2026-02-24", "2026-02-25"], Days(w));
    }

    [Fact]
    public void A_Spring_Festival_payday_moved_onto_the_make_up_Saturday_has_its_window_the_week_before()
    {
        var w = Window("day:18", 2026, 2);

        Assert.Equal(D("2026-02-14"), w.Payday);
        Assert.Equal(["2026-02-09", "2026-02-10", "2026-02-11"], Days(w));
    }

    [Fact]
    public void A_calendar_day_window_may_fall_in_a_holiday()
    {
        var w = Window("day:12", 2026, 10, PayrollDayCounting.CalendarDays); // Monday 12 October

        Assert.Equal(["2026-10-07", "2026-10-08", "2026-10-09"], Days(w));
    }

    [Fact]
    public void A_working_day_window_around_National_Day_straddles_the_holiday()
    {
        var w = Window("day:12", 2026, 10);

        Assert.Equal(["2026-09-29", "2026-09-30", "2026-10-08"], Days(w));
    }

    [Fact]
    public void A_National_Day_payday_moved_into_September_has_its_window_before_Mid_Autumn()
    {
        var w = Window("day:1", 2026, 10);

        Assert.Equal(D("2026-09-30"), w.Payday);
        Assert.Equal(["2026-09-22", "2026-09-23", "2026-09-24"], Days(w));
        Assert.Equal(new PayMonth(2026, 10), w.PayMonth);
    }

    [Fact]
    public void A_payday_on_a_make_up_Saturday_after_National_Day_has_its_window_before_the_holiday()
    {
        var w = Window("day:10", 2026, 10);

        Assert.Equal(D("2026-10-10"), w.Payday);
        Assert.Equal(["2026-09-28", "2026-09-29", "2026-09-30"], Days(w));
    }

    [Fact]
    public void A_make_up_Sunday_counts_as_a_campaign_day_too()
    {
        var w = Window("day:25", 2026, 9); // 25–27 September are 中秋节; Sunday 20 September is a make-up day

        Assert.Equal(D("2026-09-24"), w.Payday);
        Assert.Equal(["2026-09-18", "2026-09-20", "2026-09-21"], Days(w));
    }

    [Fact]
    public void A_January_payday_whose_window_starts_in_December_uses_both_years()
    {
        // Synthetic 2027 (元旦 1–3 January): the first working day is Monday 4 January; the window is in official 2026.
        var w = Window("working-day:1", 2027, 1, calendar: OfficialWith(Synthetic2027));

        Assert.Equal(D("2027-01-04"), w.Payday);
        Assert.Equal(["2026-12-25", "2026-12-28", "2026-12-29"], Days(w));
    }

    [Fact]
    public void A_January_2026_window_reaching_into_an_uncovered_2025_throws_until_2025_is_added()
    {
        // Thursday 8 January: D-3 is Monday 5, D-4 the make-up Sunday 4, D-5 in 2025.
        Assert.Throws<CalendarYearNotCoveredException>(() => Window("day:8", 2026, 1));

        var w = Window("day:8", 2026, 1, calendar: OfficialWith(Synthetic2025));

        Assert.Equal(["2025-12-31", "2026-01-04", "2026-01-05"], Days(w));
    }

    [Fact]
    public void The_campaign_id_is_derived_from_employer_and_pay_month()
    {
        var w = PayrollWindow.For(Employer("day:1", "E-42"), new PayMonth(2026, 10), Official, PayrollDayCounting.WorkingDays);

        Assert.Equal("payroll:E-42:2026-10", w.CampaignId);
        Assert.Equal("payroll:E-42:2026-10", PayrollCampaignId.For("E-42", new PayMonth(2026, 10)));
        Assert.NotEqual(PayrollCampaignId.For("E-42", new PayMonth(2026, 10)), PayrollCampaignId.For("E-42", new PayMonth(2026, 11)));
    }

    [Fact]
    public void A_campaign_id_stays_within_Durables_rules_for_awkward_employer_ids()
    {
        var slash = PayrollCampaignId.For("BJ/001#2", new PayMonth(2026, 10));
        var other = PayrollCampaignId.For("BJ_001_2", new PayMonth(2026, 10));
        var longId = PayrollCampaignId.For(new string('x', 200), new PayMonth(2026, 10));

        Assert.StartsWith("payroll:BJ_001_2~", slash, StringComparison.Ordinal);
        Assert.EndsWith(":2026-10", slash, StringComparison.Ordinal);
        Assert.NotEqual(other, slash);
        Assert.Equal(PayrollCampaignId.MaxLength, longId.Length);
        Assert.EndsWith(":2026-10", longId, StringComparison.Ordinal);
        Assert.DoesNotContain(longId, c => c is '/' or '\\' or '#' or '?');
    }

    [Fact]
    public void The_windows_opening_on_a_day_are_found_from_rules_and_the_date()
    {
        var employers = new[] { Employer("day:12", "A"), Employer("day:9", "B"), Employer("day:20", "C") };

        var found = Schedule().WindowsOpeningOn(employers, D("2026-03-02"));

        var w = Assert.Single(found.Windows);
        Assert.Equal(("B", new PayMonth(2026, 3), D("2026-03-09")), (w.EmployerId, w.PayMonth, w.Payday));
        Assert.Empty(found.Undecided);
    }

    [Fact]
    public void A_window_opening_in_the_month_before_its_pay_month_is_found()
    {
        var employers = new[] { Employer("day:12", "oct-12"), Employer("day:1", "oct-1") };

        var opening = Schedule().WindowsOpeningOn(employers, D("2026-09-29")).Windows;

        var w = Assert.Single(opening);
        Assert.Equal(("oct-12", new PayMonth(2026, 10)), (w.EmployerId, w.PayMonth));
    }

    [Fact]
    public void A_timer_that_missed_days_catches_up_every_window_that_opened_meanwhile_once()
    {
        var employers = new[] { Employer("day:12", "A"), Employer("day:1", "B"), Employer("last-working-day", "C") };

        var found = Schedule().WindowsOpening(employers, D("2026-09-20"), D("2026-09-30"));

        Assert.Equal(
            [("B", "2026-10", "2026-09-22"), ("C", "2026-09", "2026-09-22"), ("A", "2026-10", "2026-09-29")],
            found.Windows.Select(w => (w.EmployerId, w.PayMonth.ToString(), w.Opens.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(found.Windows.Length, found.Windows.Select(w => w.CampaignId).Distinct().Count());
    }

    [Fact]
    public void Asking_about_the_same_day_twice_gives_the_same_campaign_ids()
    {
        var employers = new[] { Employer("day:12", "A"), Employer("day:1", "B") };

        var first = Schedule().WindowsOpening(employers, D("2026-09-01"), D("2026-09-30"));
        var second = Schedule().WindowsOpening(employers, D("2026-09-01"), D("2026-09-30"));

        Assert.Equal(first.Windows.Select(w => w.CampaignId), second.Windows.Select(w => w.CampaignId));
        Assert.Equal(["payroll:A:2026-09", "payroll:B:2026-10", "payroll:A:2026-10"], first.Windows.Select(w => w.CampaignId));
    }

    [Fact]
    public void A_December_window_for_a_January_payday_is_found_across_the_year_end()
    {
        var schedule = Schedule(OfficialWith(Synthetic2027));

        var w = Assert.Single(schedule.WindowsOpeningOn([Employer("working-day:1", "J")], D("2026-12-25")).Windows);

        Assert.Equal(new PayMonth(2027, 1), w.PayMonth);
        Assert.Equal("payroll:J:2027-01", w.CampaignId);
    }

    [Fact]
    public void In_December_without_next_years_notice_Januarys_pay_months_are_reported_undecided_and_Decembers_still_found()
    {
        var employers = new[] { Employer("day:10", "A"), Employer("working-day:1", "B") };

        var found = Schedule().WindowsOpening(employers, D("2026-12-01"), D("2026-12-03"));

        var w = Assert.Single(found.Windows);
        Assert.Equal(("A", new PayMonth(2026, 12), D("2026-12-03")), (w.EmployerId, w.PayMonth, w.Opens));
        Assert.Equal([("A", "2027-01"), ("B", "2027-01")], found.Undecided.Select(u => (u.EmployerId, u.PayMonth.ToString())));
        Assert.Equal([2027], found.MissingYears);
        var e = Assert.Throws<CalendarYearNotCoveredException>(() => found.AllOrThrow());
        Assert.Contains("cn-2027.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_that_runs_backwards_or_longer_than_a_year_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule().WindowsOpening([], D("2026-09-02"), D("2026-09-01")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule().WindowsOpening([], D("2026-01-01"), D("2027-01-02")));
    }

    [Fact]
    public void Today_is_the_date_in_the_tenants_time_zone()
    {
        var schedule = Schedule();

        Assert.Equal(D("2026-09-29"), schedule.Today(new StoppedClock(new DateTimeOffset(2026, 9, 28, 16, 30, 0, TimeSpan.Zero))));
        Assert.Equal(D("2026-09-28"), schedule.Today(new StoppedClock(new DateTimeOffset(2026, 9, 28, 15, 59, 0, TimeSpan.Zero))));
    }

    [Fact]
    public void The_schedule_is_built_from_options_defaulting_to_Shanghai_and_working_days()
    {
        var options = new PayrollOptions();

        var schedule = PayrollSchedule.Create(Official, options);

        Assert.Equal(Shanghai.Id, schedule.TimeZone.Id);
        Assert.Equal(PayrollDayCounting.WorkingDays, schedule.Counting);
        Assert.True(new PayrollOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Options_naming_an_unknown_time_zone_fail_validation_naming_the_key()
    {
        var result = new PayrollOptionsValidator().Validate(null, new PayrollOptions { TimeZone = "China/Beijing" });

        Assert.True(result.Failed);
        Assert.Contains("Payroll:TimeZone \"China/Beijing\" is not a known time zone", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-10", 2026, 10)]
    [InlineData("2027-01", 2027, 1)]
    public void A_pay_month_reads_and_prints_as_yyyy_MM(string text, int year, int month)
    {
        Assert.Equal(new PayMonth(year, month), PayMonth.Parse(text));
        Assert.Equal(text, new PayMonth(year, month).ToString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-1")]
    [InlineData("26-10")]
    [InlineData("2026-10-01")]
    [InlineData("")]
    public void A_malformed_pay_month_is_refused(string text)
    {
        var e = Assert.Throws<FormatException>(() => PayMonth.Parse(text));

        Assert.Contains("write yyyy-MM", e.Message, StringComparison.Ordinal);
    }
}
