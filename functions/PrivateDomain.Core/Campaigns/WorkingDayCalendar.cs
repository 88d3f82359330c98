using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The China working-day calendar: Monday to Friday are working days and weekends are not, except where a State
/// Council notice says otherwise — its holiday spans are non-working whatever the weekday, and its make-up working days
/// (调休上班日) are Saturdays or Sundays that are working days. It holds one notice per year and combines as many
/// years as are published; a date in a year without a notice throws <see cref="CalendarYearNotCoveredException"/>
/// rather than fall back to weekends, which would be wrong exactly around Spring Festival and National Day.
/// Immutable and free of I/O once built, so one instance can serve every request and every test.
/// </summary>
public sealed partial class WorkingDayCalendar
{
    /// <summary>How far back a search for a working day looks before deciding the data must be wrong. The longest
    /// run of non-working days a notice can make is a 15-day span plus a weekend either side.</summary>
    public const int MaxNonWorkingRun = 31;

    private readonly FrozenDictionary<DateOnly, CalendarDay> _listed;
    private readonly FrozenSet<int> _covered;

    private WorkingDayCalendar(ImmutableArray<HolidayNotice> notices, FrozenDictionary<DateOnly, CalendarDay> listed)
    {
        Notices = notices;
        _listed = listed;
        _covered = notices.Select(n => n.Year).ToFrozenSet();
        Years = [.. notices.Select(n => n.Year).Order()];
    }

    /// <summary>The notices the calendar was built from, by year.</summary>
    public ImmutableArray<HolidayNotice> Notices { get; }

    /// <summary>The years covered, ascending.</summary>
    public IReadOnlyList<int> Years { get; }

    /// <summary>Loads every <c>cn-{year}.json</c> in <paramref name="directory"/> (other files, such as a README, are
    /// ignored; other <c>.json</c> files are an error, since a misnamed year would otherwise be silently missing).</summary>
    /// <exception cref="WorkingDayCalendarException">The folder is missing or empty, or a file is invalid, misnamed or
    /// contradicts another; every problem is listed, each naming its file.</exception>
    public static WorkingDayCalendar Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new WorkingDayCalendarException(directory, ["the calendars folder does not exist; it holds one cn-{year}.json per published year"]);
        }

        var errors = new List<string>();
        var notices = new List<HolidayNotice>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var match = FileNamePattern().Match(name);
            if (!match.Success)
            {
                errors.Add($"{name}: calendar files are named cn-{{year}}.json, e.g. cn-2026.json; rename or remove it");
                continue;
            }

            try
            {
                var notice = HolidayNoticeReader.Read(File.ReadAllBytes(path), name);
                var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
                if (notice.Year != year)
                {
                    errors.Add($"{name}: year is {notice.Year} but the file is named for {year}; a {notice.Year} notice goes in cn-{notice.Year}.json");
                    continue;
                }

                notices.Add(notice);
            }
            catch (WorkingDayCalendarException e)
            {
                errors.AddRange(e.Errors.Select(x => $"{name}: {x}"));
            }
        }

        if (errors.Count == 0 && notices.Count == 0)
        {
            errors.Add("no cn-{year}.json files; publish at least the current year's notice");
        }

        if (errors.Count > 0)
        {
            throw new WorkingDayCalendarException(directory, errors);
        }

        return From(notices);
    }

    /// <summary>Combines notices already read (from files, blobs or a test) into one calendar.</summary>
    /// <exception cref="WorkingDayCalendarException">Two notices are for the same year, or two notices say different
    /// things about the same date (a notice may arrange the end of the previous December).</exception>
    public static WorkingDayCalendar From(IEnumerable<HolidayNotice> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        var all = notices.OrderBy(n => n.Year).ThenBy(n => n.FileName, StringComparer.Ordinal).ToImmutableArray();
        var errors = new List<string>();
        foreach (var same in all.GroupBy(n => n.Year).Where(g => g.Count() > 1))
        {
            errors.Add($"{same.Key} is given by {string.Join(" and ", same.Select(n => n.FileName))}; keep one notice per year");
        }

        var listed = new Dictionary<DateOnly, (CalendarDay Day, string File)>();
        foreach (var notice in all)
        {
            var days = notice.Holidays.SelectMany(h => Enumerable.Range(0, h.To.DayNumber - h.From.DayNumber + 1)
                    .Select(i => new CalendarDay(h.From.AddDays(i), CalendarDayKind.PublicHoliday, h.Name)))
                .Concat(notice.MakeUpWorkingDays.Select(m => new CalendarDay(m.Date, CalendarDayKind.MakeUpWorkingDay, m.For)));
            foreach (var day in days)
            {
                if (listed.TryGetValue(day.Date, out var earlier) && earlier.Day.IsWorkingDay != day.IsWorkingDay)
                {
                    errors.Add($"{day.Date:yyyy-MM-dd} is {Describe(earlier.Day)} in {earlier.File} but {Describe(day)} in {notice.FileName}; correct the file that disagrees with its notice");
                }
                else
                {
                    listed[day.Date] = (day, notice.FileName);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new WorkingDayCalendarException("calendars", errors);
        }

        return new WorkingDayCalendar(all, listed.ToFrozenDictionary(p => p.Key, p => p.Value.Day));
    }

    /// <summary>True if a notice for <paramref name="year"/> is loaded.</summary>
    public bool Covers(int year) => _covered.Contains(year);

    /// <summary>The day and why it is, or is not, a working day.</summary>
    /// <exception cref="CalendarYearNotCoveredException">No notice for the date's year is loaded.</exception>
    public CalendarDay Day(DateOnly date)
    {
        if (!_covered.Contains(date.Year))
        {
            throw new CalendarYearNotCoveredException(date, Years);
        }

        return _listed.TryGetValue(date, out var day) ? day
            : date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? new CalendarDay(date, CalendarDayKind.Weekend, null)
            : new CalendarDay(date, CalendarDayKind.Weekday, null);
    }

    /// <summary>True for weekdays outside holiday spans and for make-up working days.</summary>
    /// <exception cref="CalendarYearNotCoveredException">No notice for the date's year is loaded.</exception>
    public bool IsWorkingDay(DateOnly date) => Day(date).IsWorkingDay;

    /// <summary><paramref name="date"/> if it is a working day, else the nearest working day before it — across month
    /// and year ends (a payday on 1 January moves into December, which then needs the previous year's notice).</summary>
    /// <exception cref="CalendarYearNotCoveredException">The search reaches a year without a notice.</exception>
    public DateOnly WorkingDayOnOrBefore(DateOnly date)
    {
        for (var d = date; d.DayNumber > date.DayNumber - MaxNonWorkingRun; d = d.AddDays(-1))
        {
            if (IsWorkingDay(d))
            {
                return d;
            }
        }

        throw new InvalidOperationException($"No working day in the {MaxNonWorkingRun} days up to {date:yyyy-MM-dd}; the calendar data must be wrong.");
    }

    /// <summary>The nearest working day strictly before <paramref name="date"/>.</summary>
    /// <exception cref="CalendarYearNotCoveredException">The search reaches a year without a notice.</exception>
    public DateOnly WorkingDayBefore(DateOnly date) => WorkingDayOnOrBefore(date.AddDays(-1));

    /// <summary>The working days of a month, in order.</summary>
    /// <exception cref="CalendarYearNotCoveredException">No notice for <paramref name="month"/>'s year is loaded.</exception>
    public ImmutableArray<DateOnly> WorkingDaysOf(PayMonth month)
    {
        var first = month.FirstDay;
        return [.. Enumerable.Range(0, month.DayCount).Select(first.AddDays).Where(IsWorkingDay)];
    }

    private static string Describe(CalendarDay day) =>
        day.IsWorkingDay ? $"a make-up working day for {day.Holiday}" : $"a holiday ({day.Holiday})";

    [GeneratedRegex("^cn-(?<year>[0-9]{4})\\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
