namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// A host clock pinned to a date the test names that then runs at real speed: a host started on it believes it is
/// that moment whatever the machine's date is, while its timers, queue delays and deadlines still pass in real time.
/// Use it for every test whose outcome depends on the calendar date (payroll windows, audit days, quiet hours).
/// </summary>
public sealed class PinnedClock : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;

    /// <summary>A clock reading <paramref name="start"/> now and moving forward with real time.</summary>
    public PinnedClock(DateTimeOffset start)
    {
        _start = start.ToUniversalTime();
        _startTimestamp = System.GetTimestamp();
    }

    /// <summary>The day the clock shows in <paramref name="zone"/> (audit partitions and payroll days are per date).</summary>
    public DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(GetUtcNow(), zone).DateTime);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start + System.GetElapsedTime(_startTimestamp);
}
