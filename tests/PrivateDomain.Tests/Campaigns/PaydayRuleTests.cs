using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

public sealed class PaydayRuleTests
{
    private static DateOnly Payday(string rule, int year, int month, WorkingDayCalendar? calendar = null) =>
        PaydayRule.Parse(rule).PaydayIn(new PayMonth(year, month), calendar ?? Official);

    [Theory]
    [InlineData("day:10", typeof(PaydayRule.DayOfMonth))]
    [InlineData("day:1", typeof(PaydayRule.DayOfMonth))]
    [InlineData("day:31", typeof(PaydayRule.DayOfMonth))]
    [InlineData("last-working-day", typeof(PaydayRule.LastWorkingDay))]
    [InlineData("working-day:3", typeof(PaydayRule.NthWorkingDay))]
    [InlineData("working-day:23", typeof(PaydayRule.NthWorkingDay))]
    public void The_CRM_forms_parse_and_print_back_unchanged(string text, Type kind)
    {
        var rule = PaydayRule.Parse(text);

        Assert.IsType(kind, rule);
        Assert.Equal(text, rule.ToString());
    }

    [Fact]
    public void Parsed_rules_compare_by_value()
    {
        Assert.Equal(new PaydayRule.DayOfMonth(10), PaydayRule.Parse("day:10"));
        Assert.Equal(new PaydayRule.NthWorkingDay(3), PaydayRule.Parse("working-day:3"));
        Assert.Equal(new PaydayRule.LastWorkingDay(), PaydayRule.Parse("last-working-day"));
    }

    [Theory]
    [InlineData(null, "The payday rule is empty;")]
    [InlineData("", "The payday rule is empty;")]
    [InlineData("day:0", "\"day:0\" is not a payday rule: day:N needs N from 1 to 31 (a month without day N pays on its last day);")]
    [InlineData("day:32", "\"day:32\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day:", "\"day:\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day", "\"day\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day:ten", "\"day:ten\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day:+5", "\"day:+5\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day:010", "\"day:010\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("day: 10", "\"day: 10\" is not a payday rule: day:N needs N from 1 to 31")]
    [InlineData("working-day:0", "\"working-day:0\" is not a payday rule: working-day:N needs N from 1 to 23;")]
    [InlineData("working-day:24", "\"working-day:24\" is not a payday rule: working-day:N needs N from 1 to 23;")]
    [InlineData("Day:10", "\"Day:10\" is not a payday rule; write day:N (1–31), last-working-day or working-day:N (1–23), e.g. \"day:10\" (lowercase, no spaces).")]
    [InlineData(" day:10", "\" day:10\" is not a payday rule;")]
    [InlineData("last-working-day:1", "\"last-working-day:1\" is not a payday rule;")]
    [InlineData("last_working_day", "\"last_working_day\" is not a payday rule;")]
    [InlineData("monthly", "\"monthly\" is not a payday rule;")]
    public void A_malformed_rule_is_refused_with_what_is_wrong_and_the_forms_there_are(string? text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PaydayRule.Parse(text));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("write day:N (1–31), last-working-day or working-day:N (1–23)", e.Message, StringComparison.Ordinal);
        Assert.False(PaydayRule.TryParse(text, out _, out var error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void A_CRM_enrolment_with_a_bad_rule_names_the_employer()
    {
        var e = Assert.Throws<FormatException>(() => PayrollEmployer.From(new PayrollEnrolment("E-42", "day:40")));

        Assert.StartsWith("Employer E-42: \"day:40\" is not a payday rule", e.Message, StringComparison.Ordinal);
        Assert.Equal(new PayrollEmployer("E-42", new PaydayRule.DayOfMonth(10)), PayrollEmployer.From(new PayrollEnrolment("E-42", "day:10")));
    }

    [Fact]
    public void Rules_cannot_be_built_out_of_range_in_code_either()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PaydayRule.DayOfMonth(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PaydayRule.NthWorkingDay(24));
    }

    [Fact]
    public void A_payday_on_an_ordinary_weekday_stays()
    {
        Assert.Equal(D("2026-03-10"), Payday("day:10", 2026, 3)); // Tuesday
    }

    [Fact]
    public void A_payday_on_a_Sunday_moves_to_the_Friday_before()
    {
        Assert.Equal(D("2026-03-13"), Payday("day:15", 2026, 3));
    }

    [Fact]
    public void A_payday_in_Spring_Festival_moves_back_onto_the_make_up_Saturday_before_it()
    {
        // 15–23 February 2026 are 春节; Saturday 14 February is a make-up working day.
        Assert.Equal(D("2026-02-14"), Payday("day:15", 2026, 2));
        Assert.Equal(D("2026-02-14"), Payday("day:20", 2026, 2));
        Assert.Equal(D("2026-02-14"), Payday("day:23", 2026, 2));
    }

    [Fact]
    public void A_payday_on_the_first_day_back_after_Spring_Festival_stays()
    {
        Assert.Equal(D("2026-02-24"), Payday("day:24", 2026, 2));
    }

    [Fact]
    public void A_payday_in_National_Day_moves_back_into_September()
    {
        // 1–7 October 2026 are 国庆节; 30 September is a Wednesday.
        Assert.Equal(D("2026-09-30"), Payday("day:1", 2026, 10));
        Assert.Equal(D("2026-09-30"), Payday("day:7", 2026, 10));
    }

    [Fact]
    public void A_payday_on_a_make_up_Saturday_stays_on_it()
    {
        Assert.Equal(D("2026-10-10"), Payday("day:10", 2026, 10));
        Assert.Equal(D("2026-05-09"), Payday("day:9", 2026, 5));
    }

    [Fact]
    public void An_ordinary_Sunday_after_a_make_up_Saturday_moves_back_to_that_Saturday()
    {
        Assert.Equal(D("2026-10-10"), Payday("day:11", 2026, 10));
        Assert.Equal(D("2026-05-09"), Payday("day:10", 2026, 5));
    }

    [Theory]
    [InlineData(4, "2026-04-30")] // Thursday
    [InlineData(6, "2026-06-30")] // Tuesday
    [InlineData(9, "2026-09-30")] // Wednesday
    [InlineData(11, "2026-11-30")] // Monday
    public void Day_31_in_a_30_day_month_is_the_30th(int month, string expected)
    {
        Assert.Equal(D(expected), Payday("day:31", 2026, month));
    }

    [Fact]
    public void Day_31_in_a_30_day_month_still_moves_back_when_the_30th_is_not_a_working_day()
    {
        // A synthetic 2027 whose 30 June falls on a Wednesday made a holiday.
        var calendar = OfficialWith(Synthetic(2027, """[ { "name": "test", "from": "2027-06-30", "to": "2027-06-30" } ]"""));

        Assert.Equal(D("2027-06-29"), Payday("day:31", 2027, 6, calendar));
    }

    [Theory]
    [InlineData("day:28")]
    [InlineData("day:29")]
    [InlineData("day:30")]
    [InlineData("day:31")]
    public void February_2026_pays_on_the_28th_which_is_a_make_up_Saturday(string rule)
    {
        Assert.Equal(D("2026-02-28"), Payday(rule, 2026, 2));
    }

    [Theory]
    [InlineData("day:29", "2028-02-29")]
    [InlineData("day:31", "2028-02-29")]
    [InlineData("day:28", "2028-02-28")]
    [InlineData("last-working-day", "2028-02-29")]
    public void February_of_a_leap_year_has_a_29th(string rule, string expected)
    {
        // Synthetic 2028 data: the official calendar does not cover a leap year yet.
        var calendar = WorkingDayCalendar.From([Synthetic2028]);

        Assert.Equal(D(expected), Payday(rule, 2028, 2, calendar));
    }

    [Fact]
    public void A_payday_on_1_January_moves_back_into_the_previous_year()
    {
        var calendar = OfficialWith(Synthetic2025);

        Assert.Equal(D("2025-12-31"), Payday("day:1", 2026, 1, calendar));
        Assert.Equal(D("2025-12-31"), Payday("day:3", 2026, 1, calendar));
    }

    [Fact]
    public void A_payday_moving_into_an_uncovered_previous_year_throws_rather_than_guesses()
    {
        var e = Assert.Throws<CalendarYearNotCoveredException>(() => Payday("day:1", 2026, 1));

        Assert.Equal(2025, e.Year);
    }

    [Fact]
    public void A_January_2027_payday_moves_back_onto_the_official_31_December_2026()
    {
        var calendar = OfficialWith(Synthetic2027);

        Assert.Equal(D("2026-12-31"), Payday("day:2", 2027, 1, calendar));
    }

    [Fact]
    public void The_last_working_day_skips_weekends_and_holidays_and_may_be_a_make_up_Saturday()
    {
        Assert.Equal(D("2026-01-30"), Payday("last-working-day", 2026, 1)); // 31 January is a Saturday
        Assert.Equal(D("2026-02-28"), Payday("last-working-day", 2026, 2)); // make-up Saturday
        Assert.Equal(D("2026-10-30"), Payday("last-working-day", 2026, 10));
        Assert.Equal(D("2026-12-31"), Payday("last-working-day", 2026, 12));
    }

    [Fact]
    public void The_Nth_working_day_counts_make_up_days_and_skips_holidays()
    {
        Assert.Equal(D("2026-01-04"), Payday("working-day:1", 2026, 1)); // make-up Sunday after 元旦
        Assert.Equal(D("2026-01-06"), Payday("working-day:3", 2026, 1));
        Assert.Equal(D("2026-10-10"), Payday("working-day:3", 2026, 10)); // 8, 9 and the make-up Saturday 10
        Assert.Equal(D("2026-05-06"), Payday("working-day:1", 2026, 5)); // after 劳动节
        Assert.Equal(D("2026-02-02"), Payday("working-day:1", 2026, 2));
    }

    [Fact]
    public void The_Nth_working_day_of_a_month_with_fewer_is_its_last_working_day()
    {
        // February 2026 has 16 working days (Spring Festival).
        Assert.Equal(D("2026-02-28"), Payday("working-day:16", 2026, 2));
        Assert.Equal(D("2026-02-28"), Payday("working-day:20", 2026, 2));
        Assert.Equal(D("2026-02-27"), Payday("working-day:15", 2026, 2));
    }

    [Fact]
    public void A_payday_needing_an_uncovered_year_names_the_year()
    {
        var e = Assert.Throws<CalendarYearNotCoveredException>(() => Payday("working-day:1", 2027, 1));

        Assert.Equal(2027, e.Year);
        Assert.Contains("cn-2027.json", e.Message, StringComparison.Ordinal);
    }
}
