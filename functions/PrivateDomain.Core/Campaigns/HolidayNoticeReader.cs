using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Reads and validates one calendar file (<c>cn-{year}.json</c>). It collects every error rather than stopping at the
/// first, each naming the field and the date, because the file is typed by an operator from a government notice and a
/// wrong date silently moves every payday near it. Unknown fields are errors too: <c>makeupWorkingDays</c> (a typo)
/// would otherwise drop every make-up Saturday.
/// </summary>
public static class HolidayNoticeReader
{
    /// <summary>The longest holiday span accepted. The longest in any notice so far is 9 days (Spring Festival 2026);
    /// a longer span is almost certainly a typed wrong month.</summary>
    public const int MaxHolidayDays = 15;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 8,
    };

    /// <summary>Parses <paramref name="utf8"/>; <paramref name="fileName"/> appears in errors and in the result.</summary>
    /// <exception cref="WorkingDayCalendarException">The file is malformed or breaks a rule.</exception>
    public static HolidayNotice Read(ReadOnlySpan<byte> utf8, string fileName)
    {
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            utf8 = utf8[3..];
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new WorkingDayCalendarException(fileName, [$"not valid JSON (line {e.LineNumber + 1}): {e.Message}"]);
        }

        using (doc)
        {
            var errors = new List<string>();
            var notice = Build(doc.RootElement, fileName, errors);
            if (errors.Count > 0 || notice is null)
            {
                throw new WorkingDayCalendarException(fileName, errors);
            }

            return notice;
        }
    }

    private static HolidayNotice? Build(JsonElement root, string fileName, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("the document must be a JSON object with year, source, holidays and makeUpWorkingDays");
            return null;
        }

        Known(root, "", errors, "$schema", "year", "source", "notes", "holidays", "makeUpWorkingDays");
        if (root.TryGetProperty("notes", out var notes) && notes.ValueKind != JsonValueKind.String)
        {
            errors.Add("notes: must be a string");
        }

        int? year = root.TryGetProperty("year", out var y) && y.ValueKind == JsonValueKind.Number && y.TryGetInt32(out var v)
            && v is >= 2000 and <= 2100 ? v : null;
        if (year is null)
        {
            errors.Add("year: required, a number from 2000 to 2100, e.g. 2026");
            return null;
        }

        var source = ReadSource(root, year.Value, errors);
        var holidays = ReadHolidays(root, year.Value, errors);
        var makeUp = ReadMakeUpDays(root, year.Value, holidays, errors);
        return errors.Count > 0 || source is null ? null : new HolidayNotice(year.Value, fileName, source, holidays, makeUp);
    }

    private static NoticeSource? ReadSource(JsonElement root, int year, List<string> errors)
    {
        if (!root.TryGetProperty("source", out var s) || s.ValueKind != JsonValueKind.Object)
        {
            errors.Add("source: required, an object citing the notice (title, documentNumber, issuedOn, url)");
            return null;
        }

        Known(s, "source.", errors, "title", "documentNumber", "issuedOn", "url", "mirrors");
        var title = Text(s, "title", "source.title", errors);
        if (title is not null && !title.Contains(year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            errors.Add($"source.title: \"{title}\" does not mention {year}; cite the notice for this year (国务院办公厅关于{year}年部分节假日安排的通知)");
        }

        var number = Text(s, "documentNumber", "source.documentNumber", errors);
        var issued = Date(s, "issuedOn", "source.issuedOn", errors);
        if (issued is { } i && i.Year > year)
        {
            errors.Add($"source.issuedOn: {i:yyyy-MM-dd} is after {year}; a notice is issued before or during the year it arranges");
        }

        var url = Url(s, "url", "source.url", errors);
        var mirrors = ImmutableArray.CreateBuilder<Uri>();
        if (s.TryGetProperty("mirrors", out var m))
        {
            if (m.ValueKind != JsonValueKind.Array)
            {
                errors.Add("source.mirrors: must be an array of https URLs");
            }
            else
            {
                var n = 0;
                foreach (var e in m.EnumerateArray())
                {
                    var at = $"source.mirrors[{n++}]";
                    if (UrlValue(e, at, errors) is { } u)
                    {
                        mirrors.Add(u);
                    }
                }
            }
        }

        return title is null || number is null || issued is null || url is null
            ? null
            : new NoticeSource(title, number, issued.Value, url, mirrors.ToImmutable());
    }

    private static ImmutableArray<PublicHoliday> ReadHolidays(JsonElement root, int year, List<string> errors)
    {
        if (!root.TryGetProperty("holidays", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("holidays: required, an array of { \"name\", \"from\", \"to\" } spans");
            return [];
        }

        var holidays = new List<PublicHoliday>();
        var i = 0;
        foreach (var h in array.EnumerateArray())
        {
            var at = $"holidays[{i++}]";
            if (h.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object with name, from and to");
                continue;
            }

            var name = Text(h, "name", at + ".name", errors);
            at = name is null ? at : $"{at} \"{name}\"";
            Known(h, at + ".", errors, "name", "from", "to");
            var from = Date(h, "from", at + ".from", errors);
            var to = Date(h, "to", at + ".to", errors);
            InNotice(from, year, at + ".from", errors);
            InNotice(to, year, at + ".to", errors);
            if (from is not { } f || to is not { } t || name is null)
            {
                continue;
            }

            var days = t.DayNumber - f.DayNumber + 1;
            if (days < 1)
            {
                errors.Add($"{at}.to: {t:yyyy-MM-dd} is before from {f:yyyy-MM-dd}");
            }
            else if (days > MaxHolidayDays)
            {
                errors.Add($"{at}: {f:yyyy-MM-dd} to {t:yyyy-MM-dd} is {days} days; a span is at most {MaxHolidayDays} (check the month)");
            }
            else
            {
                holidays.Add(new PublicHoliday(name, f, t));
            }
        }

        if (i == 0)
        {
            errors.Add("holidays: at least one span is required (every notice lists 元旦 and 春节)");
        }

        var sorted = holidays.OrderBy(h => h.From).ToList();
        for (var k = 1; k < sorted.Count; k++)
        {
            if (sorted[k].From <= sorted[k - 1].To)
            {
                errors.Add($"holidays: \"{sorted[k].Name}\" from {sorted[k].From:yyyy-MM-dd} overlaps \"{sorted[k - 1].Name}\" "
                    + $"(to {sorted[k - 1].To:yyyy-MM-dd}); a day belongs to one span — merge them if the notice does");
            }
        }

        return [.. sorted];
    }

    private static ImmutableArray<MakeUpWorkingDay> ReadMakeUpDays(
        JsonElement root, int year, ImmutableArray<PublicHoliday> holidays, List<string> errors)
    {
        if (!root.TryGetProperty("makeUpWorkingDays", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("makeUpWorkingDays: required, an array of { \"date\", \"for\" } (empty if the notice has no 上班 weekend days)");
            return [];
        }

        var days = new List<MakeUpWorkingDay>();
        var seen = new HashSet<DateOnly>();
        var i = 0;
        foreach (var d in array.EnumerateArray())
        {
            var at = $"makeUpWorkingDays[{i++}]";
            if (d.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object with date and for");
                continue;
            }

            Known(d, at + ".", errors, "date", "for");
            var date = Date(d, "date", at + ".date", errors);
            var holiday = Text(d, "for", at + ".for", errors);
            InNotice(date, year, at + ".date", errors);
            if (holiday is not null && holidays.Length > 0 && !holidays.Any(h => h.Name == holiday))
            {
                errors.Add($"{at}.for: \"{holiday}\" is not a holiday of this notice; use one of {string.Join(", ", holidays.Select(h => h.Name).Distinct())}");
            }

            if (date is not { } day || holiday is null)
            {
                continue;
            }

            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                errors.Add($"{at}.date: {day:yyyy-MM-dd} is a {day.DayOfWeek}; a make-up working day (调休上班日) is a Saturday or Sunday made a working day — a weekday already is one");
            }
            else if (holidays.FirstOrDefault(h => h.From <= day && day <= h.To) is { } inside)
            {
                errors.Add($"{at}.date: {day:yyyy-MM-dd} is inside holiday \"{inside.Name}\" ({inside.From:yyyy-MM-dd} to {inside.To:yyyy-MM-dd}); a day cannot be both");
            }
            else if (!seen.Add(day))
            {
                errors.Add($"{at}.date: {day:yyyy-MM-dd} is listed twice");
            }
            else
            {
                days.Add(new MakeUpWorkingDay(day, holiday));
            }
        }

        return [.. days.OrderBy(d => d.Date)];
    }

    /// <summary>A notice arranges its own year, and sometimes the last days of December before it (the 2023 notice gave
    /// 2022-12-31 off for 元旦), so those are accepted; anything else is a typed wrong year.</summary>
    private static void InNotice(DateOnly? date, int year, string at, List<string> errors)
    {
        if (date is { } d && d.Year != year && !(d.Year == year - 1 && d.Month == 12))
        {
            errors.Add($"{at}: {d:yyyy-MM-dd} is not in {year}; a {year} notice covers {year} (and at most the end of December {year - 1})");
        }
    }

    private static void Known(JsonElement obj, string prefix, List<string> errors, params string[] names)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (!names.Contains(p.Name, StringComparer.Ordinal))
            {
                errors.Add($"{prefix}{p.Name}: unknown field; the fields here are {string.Join(", ", names)}");
            }
        }
    }

    private static string? Text(JsonElement obj, string name, string at, List<string> errors)
    {
        if (obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { } s
            && !string.IsNullOrWhiteSpace(s))
        {
            return s;
        }

        errors.Add($"{at}: required, a non-empty string");
        return null;
    }

    private static DateOnly? Date(JsonElement obj, string name, string at, List<string> errors)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{at}: required, a date written yyyy-MM-dd");
            return null;
        }

        var text = e.GetString();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        errors.Add($"{at}: \"{text}\" is not a date; write yyyy-MM-dd, e.g. \"2026-10-01\"");
        return null;
    }

    private static Uri? Url(JsonElement obj, string name, string at, List<string> errors)
    {
        if (obj.TryGetProperty(name, out var e))
        {
            return UrlValue(e, at, errors);
        }

        errors.Add($"{at}: required, the https URL of the notice on www.gov.cn");
        return null;
    }

    private static Uri? UrlValue(JsonElement e, string at, List<string> errors)
    {
        if (e.ValueKind == JsonValueKind.String && Uri.TryCreate(e.GetString(), UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps)
        {
            return u;
        }

        errors.Add($"{at}: {e.GetRawText()} is not an https URL");
        return null;
    }
}
