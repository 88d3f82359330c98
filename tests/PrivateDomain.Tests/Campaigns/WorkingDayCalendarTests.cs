using PrivateDomain.Campaigns;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

public sealed class WorkingDayCalendarTests
{
    [Fact]
    public void The_shipped_calendar_is_the_official_2026_notice_with_its_citation()
    {
        var notice = Assert.Single(Official.Notices);

        Assert.Equal([2026], Official.Years);
        Assert.Equal("国务院办公厅关于2026年部分节假日安排的通知", notice.Source.Title);
        Assert.Equal("国办发明电〔2025〕7号", notice.Source.DocumentNumber);
        Assert.Equal(D("2025-11-04"), notice.Source.IssuedOn);
        Assert.Equal("https://www.gov.cn/zhengce/content/202511/content_7047090.htm", notice.Source.Url.ToString());
        Assert.Equal(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"], notice.Holidays.Select(h => h.Name));
        Assert.Equal(
            ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
            notice.MakeUpWorkingDays.Select(d => d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void The_2026_notice_gives_33_days_off_of_which_19_are_weekdays_and_leaves_248_working_days()
    {
        var days = Enumerable.Range(0, 365).Select(i => Official.Day(D("2026-01-01").AddDays(i))).ToList();

        Assert.Equal(33, days.Count(d => d.Kind == CalendarDayKind.PublicHoliday));
        Assert.Equal(19, days.Count(d => d.Kind == CalendarDayKind.PublicHoliday && d.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)));
        Assert.Equal(248, days.Count(d => d.IsWorkingDay));
    }

    [Theory]
    [InlineData("2026-02-14", "春节")] // Saturday
    [InlineData("2026-02-28", "春节")] // Saturday
    [InlineData("2026-05-09", "劳动节")] // Saturday
    [InlineData("2026-10-10", "国庆节")] // Saturday
    [InlineData("2026-01-04", "元旦")] // Sunday
    [InlineData("2026-09-20", "国庆节")] // Sunday
    public void A_make_up_weekend_day_is_a_working_day(string date, string holiday)
    {
        Assert.Equal(new CalendarDay(D(date), CalendarDayKind.MakeUpWorkingDay, holiday), Official.Day(D(date)));
        Assert.True(Official.IsWorkingDay(D(date)));
    }

    [Theory]
    [InlineData("2026-02-16", "春节")] // Monday
    [InlineData("2026-02-23", "春节")] // Monday, the last day of the span
    [InlineData("2026-10-01", "国庆节")] // Thursday
    [InlineData("2026-10-07", "国庆节")] // Wednesday
    [InlineData("2026-05-05", "劳动节")] // Tuesday
    [InlineData("2026-01-03", "元旦")] // Saturday inside the span
    public void A_day_in_a_holiday_span_is_not_a_working_day_whatever_its_weekday(string date, string holiday)
    {
        Assert.Equal(new CalendarDay(D(date), CalendarDayKind.PublicHoliday, holiday), Official.Day(D(date)));
        Assert.False(Official.IsWorkingDay(D(date)));
    }

    [Fact]
    public void Unlisted_weekends_rest_and_unlisted_weekdays_work()
    {
        Assert.Equal(CalendarDayKind.Weekend, Official.Day(D("2026-03-07")).Kind); // Saturday
        Assert.Equal(CalendarDayKind.Weekend, Official.Day(D("2026-10-11")).Kind); // Sunday after the make-up Saturday
        Assert.Equal(CalendarDayKind.Weekday, Official.Day(D("2026-02-24")).Kind); // first day back after Spring Festival
        Assert.Equal(CalendarDayKind.Weekday, Official.Day(D("2026-10-08")).Kind);
    }

    [Fact]
    public void A_date_in_a_year_without_a_notice_throws_and_names_the_file_to_publish()
    {
        var e = Assert.Throws<CalendarYearNotCoveredException>(() => Official.IsWorkingDay(D("2027-01-04")));

        Assert.Equal(2027, e.Year);
        Assert.Equal(D("2027-01-04"), e.Date);
        Assert.Contains("does not cover 2027", e.Message, StringComparison.Ordinal);
        Assert.Contains("it covers 2026", e.Message, StringComparison.Ordinal);
        Assert.Contains("cn-2027.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weekday_in_an_uncovered_year_is_not_guessed_to_be_a_working_day()
    {
        // 2025-12-31 is a Wednesday, but the calendar has no 2025 notice and must not assume.
        Assert.Throws<CalendarYearNotCoveredException>(() => Official.Day(D("2025-12-31")));
        Assert.False(Official.Covers(2025));
    }

    [Fact]
    public void Searching_back_for_a_working_day_crosses_the_year_end_only_when_that_year_is_covered()
    {
        Assert.Throws<CalendarYearNotCoveredException>(() => Official.WorkingDayOnOrBefore(D("2026-01-01")));

        var combined = OfficialWith(Synthetic2025);

        Assert.Equal(D("2025-12-31"), combined.WorkingDayOnOrBefore(D("2026-01-03")));
        Assert.Equal(D("2026-01-04"), combined.WorkingDayOnOrBefore(D("2026-01-04")));
    }

    [Fact]
    public void Several_years_combine_when_a_folder_holds_a_file_per_year()
    {
        using var folder = new CalendarFolder(
            ("cn-2026.json", Official2026Json),
            ("cn-2027.json", SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ]""")),
            ("README.md", "not a calendar"));

        var calendar = WorkingDayCalendar.Load(folder.Path);

        Assert.Equal([2026, 2027], calendar.Years);
        Assert.True(calendar.IsWorkingDay(D("2026-12-31")));
        Assert.False(calendar.IsWorkingDay(D("2027-01-01")));
        Assert.Equal(D("2026-12-31"), calendar.WorkingDayOnOrBefore(D("2027-01-03")));
    }

    [Fact]
    public void A_notice_may_arrange_the_end_of_the_previous_December_and_combines_with_that_years_notice()
    {
        var y2027 = Synthetic(2027, """[ { "name": "元旦", "from": "2026-12-31", "to": "2027-01-01" } ]""");

        var calendar = OfficialWith(y2027);

        Assert.Equal(CalendarDayKind.PublicHoliday, calendar.Day(D("2026-12-31")).Kind);
        Assert.Equal(D("2026-12-30"), calendar.WorkingDayOnOrBefore(D("2027-01-01")));
    }

    [Fact]
    public void The_working_days_of_a_month_count_make_up_days_and_skip_holidays()
    {
        var february = Official.WorkingDaysOf(new PayMonth(2026, 2));

        Assert.Equal(16, february.Length);
        Assert.Contains(D("2026-02-14"), february);
        Assert.Contains(D("2026-02-28"), february);
        Assert.DoesNotContain(D("2026-02-16"), february);
    }
}
