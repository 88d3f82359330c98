using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The working-day calendar each tenant's payroll runs on: the repository's notices (<c>content-templates/calendars</c>,
/// shipped with the app) as the default, and the notices the tenant's operators published since (<see cref="IPublishedCalendars"/>),
/// a published year replacing the file of the same year. The daily run, the windows API and the start API all ask
/// here, so a year published on one instance is seen there at once and on the others within
/// <see cref="PayrollOptions.CalendarRefresh"/> — without a deploy or a restart.
/// </summary>
public sealed class PayrollCalendars
{
    /// <summary>The largest notice accepted (the 2026 file is about 2 KB).</summary>
    public const int MaxNoticeBytes = 64 * 1024;

    private readonly WorkingDayCalendar _repository;
    private readonly IPublishedCalendars _published;
    private readonly PayrollOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly TimeProvider _time;
    private readonly ILogger<PayrollCalendars> _log;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates the calendars over the repository's notices and the tenant's published ones.</summary>
    public PayrollCalendars(
        WorkingDayCalendar repository, IPublishedCalendars published, IOptions<PayrollOptions> options, TimeProvider time, ILogger<PayrollCalendars> log)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _repository = repository;
        _published = published;
        _options = options.Value;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone);
        _time = time;
        _log = log;
    }

    /// <summary>The tenant's date at <paramref name="instant"/> (the time zone does not depend on the calendar).</summary>
    public DateOnly DateAt(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    /// <summary>The tenant's schedule with every year in force now.</summary>
    public async Task<PayrollSchedule> ScheduleAsync(string tenant, CancellationToken cancellationToken) =>
        (await LoadAsync(tenant, cancellationToken).ConfigureAwait(false)).Schedule;

    /// <summary>The years in force for the tenant, ascending, each with where it comes from.</summary>
    public async Task<ImmutableArray<CalendarYearInForce>> YearsAsync(string tenant, CancellationToken cancellationToken) =>
        (await LoadAsync(tenant, cancellationToken).ConfigureAwait(false)).Years;

    /// <summary>
    /// Publishes a year's notice for the tenant, after the checks a repository file gets: <see cref="HolidayNoticeReader"/>'s
    /// rules, the year in the document equal to <paramref name="year"/>, and no contradiction with the tenant's other
    /// years (a notice may arrange the end of the December before it). On success the tenant's calendar is reloaded
    /// here at once.
    /// </summary>
    public async Task<CalendarPublication> PublishAsync(string tenant, int year, ReadOnlyMemory<byte> json, string publishedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var name = PublishedCalendarFile.PublishedName(year);
        if (year is < 2000 or > 2100)
        {
            return CalendarPublication.Invalid([FormattableString.Invariant($"year: {year} is not a calendar year this service takes; publish 2000–2100")]);
        }

        if (json.Length > MaxNoticeBytes)
        {
            return CalendarPublication.Invalid([FormattableString.Invariant($"body: {json.Length} bytes is more than a notice needs (at most {MaxNoticeBytes})")]);
        }

        HolidayNotice notice;
        try
        {
            notice = HolidayNoticeReader.Read(json.Span, name);
        }
        catch (WorkingDayCalendarException e)
        {
            return CalendarPublication.Invalid(e.Errors);
        }

        if (notice.Year != year)
        {
            return CalendarPublication.Invalid([FormattableString.Invariant(
                $"year: the notice is for {notice.Year} but is published as {year}; PUT it to …/payroll/calendars/{notice.Year}")]);
        }

        // Checked against what is in storage now, not a copy up to CalendarRefresh old (another instance may have published).
        _cache.TryRemove(tenant, out _);
        var current = await LoadAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            WorkingDayCalendar.From(current.Schedule.Calendar.Notices.Where(n => n.Year != year).Append(notice));
        }
        catch (WorkingDayCalendarException e)
        {
            return CalendarPublication.Invalid(e.Errors);
        }

        var file = new PublishedCalendarFile(year, json.ToArray(), _time.GetUtcNow(), publishedBy);
        var created = await _published.SaveAsync(tenant, file, cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(tenant, out _);
        _log.LogInformation("Published the {Year} working-day calendar for {Tenant} ({DocumentNumber}), by {PublishedBy}",
            year, tenant, notice.Source.DocumentNumber, publishedBy);
        return new CalendarPublication(created ? CalendarPublicationOutcome.Created : CalendarPublicationOutcome.Replaced, notice, []);
    }

    private async Task<Loaded> LoadAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var now = _time.GetTimestamp();
        if (!_cache.TryGetValue(tenant, out var cached) || _time.GetElapsedTime(cached.LoadedAt, now) >= _options.CalendarRefresh
            || (cached.Load.IsCompleted && !cached.Load.IsCompletedSuccessfully))
        {
            // Two callers racing here both read storage; the later one's result stays. Cheaper than a lock on every call.
            cached = new Cached(now, ReadAsync(tenant));
            _cache[tenant] = cached;
        }

        return await cached.Load.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Loaded> ReadAsync(string tenant)
    {
        var files = await _published.ListAsync(tenant, CancellationToken.None).ConfigureAwait(false);
        var published = new List<(HolidayNotice Notice, PublishedCalendarFile File)>();
        foreach (var file in files.OrderBy(f => f.Year))
        {
            try
            {
                var notice = HolidayNoticeReader.Read(file.Json.Span, file.Name);
                if (notice.Year != file.Year)
                {
                    throw new WorkingDayCalendarException(file.Name, [FormattableString.Invariant($"year: the notice is for {notice.Year}, stored as {file.Year}")]);
                }

                published.Add((notice, file));
            }
            catch (WorkingDayCalendarException e)
            {
                // Only a document changed in storage by hand gets here (publishing validates). Its year stays missing, so
                // the calendar alert says so, rather than the payroll of every other year stopping.
                _log.LogError("Ignoring the published {Year} calendar of {Tenant}: {Errors}", file.Year, tenant, string.Join("; ", e.Errors));
            }
        }

        var years = published.Select(p => p.Notice.Year).ToHashSet();
        var calendar = WorkingDayCalendar.From(_repository.Notices.Where(n => !years.Contains(n.Year)));
        var inForce = _repository.Notices.Where(n => !years.Contains(n.Year))
            .Select(n => new CalendarYearInForce(n.Year, CalendarSource.Repository, n.Source, null, null))
            .ToList();
        foreach (var (notice, file) in published)
        {
            try
            {
                calendar = WorkingDayCalendar.From(calendar.Notices.Append(notice));
                inForce.Add(new CalendarYearInForce(notice.Year, CalendarSource.Published, notice.Source, file.PublishedAt, file.PublishedBy));
            }
            catch (WorkingDayCalendarException e)
            {
                // A repository file shipped after the publication contradicts it; the file is the reviewed one.
                _log.LogError("Ignoring the published {Year} calendar of {Tenant}, which contradicts the others: {Errors}",
                    notice.Year, tenant, string.Join("; ", e.Errors));
            }
        }

        return new Loaded(new PayrollSchedule(calendar, _zone, _options.Counting), [.. inForce.OrderBy(y => y.Year)]);
    }

    private sealed record Cached(long LoadedAt, Task<Loaded> Load);

    private sealed record Loaded(PayrollSchedule Schedule, ImmutableArray<CalendarYearInForce> Years);
}

/// <summary>Where a year of a tenant's calendar comes from.</summary>
public enum CalendarSource
{
    /// <summary>A <c>cn-{year}.json</c> shipped with the app (content-templates/calendars).</summary>
    Repository,
    /// <summary>Published by the tenant's operators through the operator API.</summary>
    Published,
}

/// <summary>A year of a tenant's calendar and where it comes from.</summary>
/// <param name="Year">The year.</param>
/// <param name="Source">The repository file or a publication.</param>
/// <param name="Notice">The notice it cites.</param>
/// <param name="PublishedAt">When it was published (publications only).</param>
/// <param name="PublishedBy">Who published it (publications only).</param>
public sealed record CalendarYearInForce(int Year, CalendarSource Source, NoticeSource Notice, DateTimeOffset? PublishedAt, string? PublishedBy);

/// <summary>How a publication ended.</summary>
public enum CalendarPublicationOutcome
{
    /// <summary>The year had not been published for the tenant before.</summary>
    Created,
    /// <summary>It replaced an earlier publication of the year.</summary>
    Replaced,
    /// <summary>Refused; <see cref="CalendarPublication.Errors"/> says why.</summary>
    Invalid,
}

/// <summary>The result of <see cref="PayrollCalendars.PublishAsync"/>.</summary>
/// <param name="Outcome">Created, replaced or refused.</param>
/// <param name="Notice">The notice now in force (null when refused).</param>
/// <param name="Errors">Every problem found, each naming the field and what to write instead (empty unless refused).</param>
public sealed record CalendarPublication(CalendarPublicationOutcome Outcome, HolidayNotice? Notice, IReadOnlyList<string> Errors)
{
    internal static CalendarPublication Invalid(IReadOnlyList<string> errors) => new(CalendarPublicationOutcome.Invalid, null, errors);
}
