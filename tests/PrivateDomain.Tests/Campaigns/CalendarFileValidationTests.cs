using PrivateDomain.Campaigns;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

public sealed class CalendarFileValidationTests
{
    private const string Spring = """{ "name": "春节", "from": "2027-02-06", "to": "2027-02-12" }""";

    private static WorkingDayCalendarException LoadFails(params (string Name, string Json)[] files)
    {
        using var folder = new CalendarFolder(files);
        return Assert.Throws<WorkingDayCalendarException>(() => WorkingDayCalendar.Load(folder.Path));
    }

    private static WorkingDayCalendarException Invalid2027(string holidays, string makeUp = "[]") =>
        LoadFails(("cn-2027.json", SyntheticJson(2027, holidays, makeUp)));

    [Fact]
    public void A_file_that_is_not_JSON_is_named_with_its_line()
    {
        var e = LoadFails(("cn-2027.json", "{ \"year\": 2027,\n  \"holidays\": [ }"));

        Assert.StartsWith("cn-2027.json: not valid JSON (line 2)", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void An_impossible_date_names_the_file_the_field_and_the_text()
    {
        var e = Invalid2027("""[ { "name": "春节", "from": "2027-02-30", "to": "2027-02-12" } ]""");

        Assert.Contains("cn-2027.json: holidays[0] \"春节\".from: \"2027-02-30\" is not a date; write yyyy-MM-dd, e.g. \"2026-10-01\"", e.Errors);
        Assert.Contains("cn-2027.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_make_up_working_day_on_a_weekday_is_refused_with_its_date_and_weekday()
    {
        var e = Invalid2027($"[ {Spring} ]", """[ { "date": "2027-02-05", "for": "春节" } ]""");

        Assert.Contains(e.Errors, x => x.StartsWith(
            "cn-2027.json: makeUpWorkingDays[0].date: 2027-02-05 is a Friday; a make-up working day (调休上班日) is a Saturday or Sunday",
            StringComparison.Ordinal));
    }

    [Fact]
    public void A_make_up_working_day_inside_a_holiday_span_is_refused()
    {
        var e = Invalid2027($"[ {Spring} ]", """[ { "date": "2027-02-07", "for": "春节" } ]""");

        Assert.Contains("cn-2027.json: makeUpWorkingDays[0].date: 2027-02-07 is inside holiday \"春节\" (2027-02-06 to 2027-02-12); a day cannot be both", e.Errors);
    }

    [Fact]
    public void A_make_up_working_day_for_a_holiday_the_notice_does_not_have_is_refused()
    {
        var e = Invalid2027($"[ {Spring} ]", """[ { "date": "2027-02-20", "for": "国庆节" } ]""");

        Assert.Contains("cn-2027.json: makeUpWorkingDays[0].for: \"国庆节\" is not a holiday of this notice; use one of 春节", e.Errors);
    }

    [Fact]
    public void A_span_that_ends_before_it_starts_is_refused()
    {
        var e = Invalid2027("""[ { "name": "国庆节", "from": "2027-10-07", "to": "2027-10-01" } ]""");

        Assert.Contains("cn-2027.json: holidays[0] \"国庆节\".to: 2027-10-01 is before from 2027-10-07", e.Errors);
    }

    [Fact]
    public void A_span_longer_than_any_notice_makes_is_taken_for_a_typed_wrong_month()
    {
        var e = Invalid2027("""[ { "name": "国庆节", "from": "2027-10-01", "to": "2027-11-07" } ]""");

        Assert.Contains("cn-2027.json: holidays[0] \"国庆节\": 2027-10-01 to 2027-11-07 is 38 days; a span is at most 15 (check the month)", e.Errors);
    }

    [Fact]
    public void Overlapping_spans_are_refused()
    {
        var e = Invalid2027($$"""[ {{Spring}}, { "name": "元宵", "from": "2027-02-12", "to": "2027-02-13" } ]""");

        Assert.Contains(e.Errors, x => x.StartsWith("cn-2027.json: holidays: \"元宵\" from 2027-02-12 overlaps \"春节\" (to 2027-02-12)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_date_in_the_wrong_year_is_refused()
    {
        var e = Invalid2027("""[ { "name": "春节", "from": "2026-02-06", "to": "2026-02-12" } ]""");

        Assert.Contains("cn-2027.json: holidays[0] \"春节\".from: 2026-02-06 is not in 2027; a 2027 notice covers 2027 (and at most the end of December 2026)", e.Errors);
    }

    [Fact]
    public void A_misspelt_field_is_refused_rather_than_silently_dropping_the_make_up_days()
    {
        var json = SyntheticJson(2027, $"[ {Spring} ]").Replace("\"makeUpWorkingDays\"", "\"makeupWorkingDays\"", StringComparison.Ordinal);

        var e = LoadFails(("cn-2027.json", json));

        Assert.Contains(e.Errors, x => x.StartsWith("cn-2027.json: makeupWorkingDays: unknown field", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("cn-2027.json: makeUpWorkingDays: required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_without_a_citation_is_refused()
    {
        var json = SyntheticJson(2027, $"[ {Spring} ]")
            .Replace("\"url\": \"https://example.invalid/synthetic/2027\"", "\"url\": \"http://www.gov.cn/x\"", StringComparison.Ordinal)
            .Replace("\"documentNumber\": \"test-2027\"", "\"documentNumber\": \"\"", StringComparison.Ordinal);

        var e = LoadFails(("cn-2027.json", json));

        Assert.Contains("cn-2027.json: source.url: \"http://www.gov.cn/x\" is not an https URL", e.Errors);
        Assert.Contains("cn-2027.json: source.documentNumber: required, a non-empty string", e.Errors);
    }

    [Fact]
    public void A_file_whose_year_does_not_match_its_name_is_refused()
    {
        var e = LoadFails(("cn-2028.json", SyntheticJson(2027, $"[ {Spring} ]")));

        Assert.Contains("cn-2028.json: year is 2027 but the file is named for 2028; a 2027 notice goes in cn-2027.json", e.Errors);
    }

    [Fact]
    public void A_misnamed_JSON_file_is_refused_rather_than_its_year_silently_missing()
    {
        var e = LoadFails(("cn-2026.json", Official2026Json), ("2027.json", SyntheticJson(2027, $"[ {Spring} ]")));

        Assert.Contains("2027.json: calendar files are named cn-{year}.json, e.g. cn-2026.json; rename or remove it", e.Errors);
    }

    [Fact]
    public void Every_problem_in_every_file_is_reported_at_once()
    {
        var e = LoadFails(
            ("cn-2027.json", SyntheticJson(2027, """[ { "name": "春节", "from": "2027-02-06", "to": "2027-02-31" } ]""", """[ { "date": "2027-02-05", "for": "春节" } ]""")),
            ("cn-2028.json", "[]"));

        Assert.Equal(3, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.StartsWith("cn-2027.json: holidays[0] \"春节\".to:", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("cn-2027.json: makeUpWorkingDays[0].date: 2027-02-05 is a Friday", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("cn-2028.json: the document must be a JSON object", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_notices_that_disagree_about_a_date_are_refused_naming_both_files()
    {
        var y2025 = Synthetic(2025, """[ { "name": "元旦", "from": "2025-01-01", "to": "2025-01-01" } ]""", """[ { "date": "2025-12-27", "for": "元旦" } ]""");
        var y2026 = Notice(SyntheticJson(2026, """[ { "name": "元旦", "from": "2025-12-27", "to": "2026-01-01" } ]"""), "cn-2026.json");

        var e = Assert.Throws<WorkingDayCalendarException>(() => WorkingDayCalendar.From([y2025, y2026]));

        Assert.Contains("2025-12-27 is a make-up working day for 元旦 in cn-2025.json but a holiday (元旦) in cn-2026.json; correct the file that disagrees with its notice", e.Errors);
    }

    [Fact]
    public void Two_notices_for_the_same_year_are_refused()
    {
        var e = Assert.Throws<WorkingDayCalendarException>(() => WorkingDayCalendar.From([Official.Notices[0], Synthetic(2026, "[ { \"name\": \"元旦\", \"from\": \"2026-01-01\", \"to\": \"2026-01-01\" } ]")]));

        Assert.Contains("2026 is given by cn-2026.json and cn-2026.json; keep one notice per year", e.Errors);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_an_error_not_an_empty_calendar()
    {
        using var empty = new CalendarFolder();

        var none = Assert.Throws<WorkingDayCalendarException>(() => WorkingDayCalendar.Load(empty.Path));
        var missing = Assert.Throws<WorkingDayCalendarException>(() => WorkingDayCalendar.Load(Path.Combine(empty.Path, "nope")));

        Assert.Contains("no cn-{year}.json files; publish at least the current year's notice", none.Errors);
        Assert.Contains("does not exist", Assert.Single(missing.Errors), StringComparison.Ordinal);
    }
}
