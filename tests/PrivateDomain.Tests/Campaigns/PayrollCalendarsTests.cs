using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

/// <summary>A tenant's calendar: the repository's files, plus notices published without a deploy, validated like files.</summary>
public sealed class PayrollCalendarsTests
{
    private readonly PublishedInMemory _store = new();
    private readonly SteppingClock _clock = new(DateTimeOffset.Parse("2026-12-01T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private PayrollCalendars Calendars() =>
        new(Official, _store, Options.Create(new PayrollOptions()), _clock, NullLogger<PayrollCalendars>.Instance);

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public async Task A_published_year_extends_the_repository_calendar_at_once()
    {
        var calendars = Calendars();
        Assert.False((await calendars.ScheduleAsync("bank", CancellationToken.None)).Calendar.Covers(2027));

        var first = await calendars.PublishAsync("bank", 2027, Utf8(SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ]""")), "ops", CancellationToken.None);
        var again = await calendars.PublishAsync("bank", 2027, Utf8(SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ]""")), "ops", CancellationToken.None);

        Assert.Equal((CalendarPublicationOutcome.Created, CalendarPublicationOutcome.Replaced), (first.Outcome, again.Outcome));
        var schedule = await calendars.ScheduleAsync("bank", CancellationToken.None);
        Assert.True(schedule.Calendar.IsWorkingDay(D("2027-01-04")));
        Assert.False(schedule.Calendar.IsWorkingDay(D("2027-01-01")));
        Assert.False(schedule.Calendar.IsWorkingDay(D("2027-01-02"))); // a Saturday
        Assert.Equal([(2026, CalendarSource.Repository), (2027, CalendarSource.Published)],
            (await calendars.YearsAsync("bank", CancellationToken.None)).Select(y => (y.Year, y.Source)));
        Assert.False((await calendars.ScheduleAsync("other", CancellationToken.None)).Calendar.Covers(2027));
    }

    [Fact]
    public async Task A_notice_published_as_another_year_is_refused_naming_the_year()
    {
        var result = await Calendars().PublishAsync("bank", 2028, Utf8(SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ]""")), "ops", CancellationToken.None);

        Assert.Equal(CalendarPublicationOutcome.Invalid, result.Outcome);
        Assert.StartsWith("year: the notice is for 2027 but is published as 2028", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Empty(_store.Files);
    }

    [Fact]
    public async Task A_notice_breaking_the_file_rules_is_refused_with_every_field_named()
    {
        var json = SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" } ]""", """[ { "date": "2027-01-08", "for": "元旦" } ]""");

        var result = await Calendars().PublishAsync("bank", 2027, Utf8(json.Replace("\"holidays\"", "\"holiday\"", StringComparison.Ordinal)), "ops", CancellationToken.None);

        Assert.Equal(CalendarPublicationOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Errors, e => e.StartsWith("holiday: unknown field", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("holidays: required", StringComparison.Ordinal));
        Assert.Empty(_store.Files);
    }

    [Fact]
    public async Task A_notice_contradicting_an_adjacent_year_is_refused()
    {
        var calendars = Calendars();
        // Synthetic: 2027 gives Saturday 25 December 2027 off; a 2028 notice then makes it a working day for 元旦.
        Assert.Equal(CalendarPublicationOutcome.Created, (await calendars.PublishAsync("bank", 2027, Utf8(SyntheticJson(2027,
            """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-01" }, { "name": "测试", "from": "2027-12-25", "to": "2027-12-25" } ]""")), "ops", CancellationToken.None)).Outcome);

        var result = await calendars.PublishAsync("bank", 2028, Utf8(SyntheticJson(2028,
            """[ { "name": "元旦", "from": "2028-01-01", "to": "2028-01-03" } ]""", """[ { "date": "2027-12-25", "for": "元旦" } ]""")), "ops", CancellationToken.None);

        Assert.Equal(CalendarPublicationOutcome.Invalid, result.Outcome);
        Assert.Contains("2027-12-25 is a holiday (测试) in cn-2027.json (published)", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.False((await calendars.ScheduleAsync("bank", CancellationToken.None)).Calendar.Covers(2028));
    }

    [Fact]
    public async Task Another_instance_sees_a_publication_after_the_refresh_interval()
    {
        var here = Calendars();
        var there = Calendars();
        Assert.False((await there.ScheduleAsync("bank", CancellationToken.None)).Calendar.Covers(2027));

        await here.PublishAsync("bank", 2027, Utf8(SyntheticJson(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ]""")), "ops", CancellationToken.None);

        Assert.False((await there.ScheduleAsync("bank", CancellationToken.None)).Calendar.Covers(2027));
        _clock.Advance(new PayrollOptions().CalendarRefresh);
        Assert.True((await there.ScheduleAsync("bank", CancellationToken.None)).Calendar.Covers(2027));
    }

    [Fact]
    public async Task A_publication_edited_by_hand_into_an_invalid_document_is_ignored_and_its_year_stays_missing()
    {
        await _store.SaveAsync("bank", new PublishedCalendarFile(2027, Utf8("""{ "year": 2027 }"""), DateTimeOffset.UnixEpoch, "hand"), CancellationToken.None);

        var years = await Calendars().YearsAsync("bank", CancellationToken.None);

        Assert.Equal([2026], years.Select(y => y.Year));
    }

    private sealed class PublishedInMemory : IPublishedCalendars
    {
        public Dictionary<(string Tenant, int Year), PublishedCalendarFile> Files { get; } = [];

        public Task<IReadOnlyList<PublishedCalendarFile>> ListAsync(string tenant, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PublishedCalendarFile>>([.. Files.Where(f => f.Key.Tenant == tenant).Select(f => f.Value)]);

        public Task<bool> SaveAsync(string tenant, PublishedCalendarFile file, CancellationToken cancellationToken)
        {
            var created = !Files.ContainsKey((tenant, file.Year));
            Files[(tenant, file.Year)] = file;
            return Task.FromResult(created);
        }
    }

    /// <summary>A clock whose time and timestamps move only when the test says.</summary>
    private sealed class SteppingClock(DateTimeOffset now) : TimeProvider
    {
        private long _ticks;

        public override DateTimeOffset GetUtcNow() => now + TimeSpan.FromTicks(_ticks);

        public override long GetTimestamp() => _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}

/// <summary>The daily warning is what the Application Insights alert counts (infra-bicep/modules/alerts.bicep).</summary>
public sealed class PayrollCalendarWatchTests
{
    [Fact]
    public async Task The_daily_warning_starts_with_the_text_the_alert_looks_for_and_carries_the_healthz_message()
    {
        var log = new CapturingLogger();
        var clock = new StoppedClock(DateTimeOffset.Parse("2026-12-20T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var calendars = new PayrollCalendars(Official, new NothingPublished(), Options.Create(new PayrollOptions()), clock, NullLogger<PayrollCalendars>.Instance);
        var watch = new PayrollCalendarWatch(new Employers([new PayrollEmployer("E-1", PaydayRule.Parse("day:10"))]), calendars, clock, log);

        var missing = Assert.Single(await watch.ReportAsync("bank", CancellationToken.None));

        var (level, message) = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.StartsWith("Payroll calendar missing for bank: calendar for 2027 missing; pay months 2027-01, 2027-02 undecided.", message, StringComparison.Ordinal);
        Assert.Equal("calendar for 2027 missing; pay months 2027-01, 2027-02 undecided", missing.Message);
    }

    private sealed class NothingPublished : IPublishedCalendars
    {
        public Task<IReadOnlyList<PublishedCalendarFile>> ListAsync(string tenant, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PublishedCalendarFile>>([]);

        public Task<bool> SaveAsync(string tenant, PublishedCalendarFile file, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Employers(IReadOnlyList<PayrollEmployer> all) : IPayrollEmployers
    {
        public Task SaveAsync(string tenant, PayrollEmployer employer, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<PayrollEmployer> ListAsync(string tenant, CancellationToken cancellationToken) => all.ToAsyncEnumerable();
    }

    private sealed class CapturingLogger : Microsoft.Extensions.Logging.ILogger<PayrollCalendarWatch>
    {
        public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => Entries.Add((logLevel, formatter(state, exception)));
    }
}
