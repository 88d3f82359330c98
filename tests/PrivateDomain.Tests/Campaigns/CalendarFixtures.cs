using System.Text;
using PrivateDomain.Campaigns;

namespace PrivateDomain.Tests.Campaigns;

/// <summary>The shipped calendar files, and synthetic notices for years the official data does not cover. Synthetic
/// notices are test data only — their dates are not any government's.</summary>
internal static class CalendarFixtures
{
    public static string CalendarsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PrivateDomain.sln")))
                {
                    return Path.Combine(dir.FullName, "content-templates", "calendars");
                }
            }

            throw new InvalidOperationException("PrivateDomain.sln not found above the test binaries.");
        }
    }

    /// <summary>The shipped calendar (the official 2026 notice).</summary>
    public static WorkingDayCalendar Official { get; } = WorkingDayCalendar.Load(CalendarsDirectory);

    public static string Official2026Json => File.ReadAllText(Path.Combine(CalendarsDirectory, "cn-2026.json"));

    /// <summary>A synthetic notice's JSON: the given holiday spans and make-up days, and a citation that says it is fake.</summary>
    public static string SyntheticJson(int year, string holidays, string makeUpWorkingDays = "[]") => $$"""
        {
          "year": {{year}},
          "source": {
            "title": "Synthetic test calendar for {{year}} (not an official notice)",
            "documentNumber": "test-{{year}}",
            "issuedOn": "{{year - 1}}-11-01",
            "url": "https://example.invalid/synthetic/{{year}}"
          },
          "holidays": {{holidays}},
          "makeUpWorkingDays": {{makeUpWorkingDays}}
        }
        """;

    public static HolidayNotice Notice(string json, string fileName) => HolidayNoticeReader.Read(Encoding.UTF8.GetBytes(json), fileName);

    public static HolidayNotice Synthetic(int year, string holidays, string makeUpWorkingDays = "[]") =>
        Notice(SyntheticJson(year, holidays, makeUpWorkingDays), $"cn-{year}.json");

    /// <summary>Synthetic 2025: only 元旦 on 2025-01-01, so 2025-12-31 (a Wednesday) is an ordinary working day.</summary>
    public static HolidayNotice Synthetic2025 { get; } = Synthetic(2025, """[ { "name": "元旦", "from": "2025-01-01", "to": "2025-01-01" } ]""");

    /// <summary>Synthetic 2027: 元旦 from Friday 1 to Sunday 3 January, so the first working day is Monday 4 January.</summary>
    public static HolidayNotice Synthetic2027 { get; } = Synthetic(2027, """[ { "name": "元旦", "from": "2027-01-01", "to": "2027-01-03" } ]""");

    /// <summary>Synthetic 2028, a leap year: only 元旦; 29 February 2028 is a Tuesday.</summary>
    public static HolidayNotice Synthetic2028 { get; } = Synthetic(2028, """[ { "name": "元旦", "from": "2028-01-01", "to": "2028-01-01" } ]""");

    /// <summary>The official notices plus <paramref name="synthetic"/> ones.</summary>
    public static WorkingDayCalendar OfficialWith(params HolidayNotice[] synthetic) =>
        WorkingDayCalendar.From(Official.Notices.Concat(synthetic));

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A folder of calendar files for one test, deleted afterwards.</summary>
internal sealed class CalendarFolder : IDisposable
{
    public CalendarFolder(params (string Name, string Json)[] files)
    {
        Path = Directory.CreateTempSubdirectory("pd-calendars-").FullName;
        foreach (var (name, json) in files)
        {
            File.WriteAllText(System.IO.Path.Combine(Path, name), json);
        }
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
