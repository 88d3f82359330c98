using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The month a salary is for, e.g. 2026-10. A campaign belongs to a pay month, not to the month its days fall in: the
/// payday for pay month 2026-01 under <c>day:1</c> is 2025-12-31 (1 January is a holiday), and its window opens in
/// December. Written <c>yyyy-MM</c> in ids and APIs.
/// </summary>
public readonly record struct PayMonth : IComparable<PayMonth>, IComparisonOperators<PayMonth, PayMonth, bool>
{
    /// <summary>Creates the pay month <paramref name="year"/>-<paramref name="month"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is not 1–9999 or the month not 1–12.</exception>
    public PayMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    /// <summary>The year.</summary>
    public int Year { get; }

    /// <summary>The month, 1–12.</summary>
    public int Month { get; }

    /// <summary>The first day of the month.</summary>
    public DateOnly FirstDay => new(Year, Month, 1);

    /// <summary>The last day of the month (28, 29, 30 or 31).</summary>
    public DateOnly LastDay => new(Year, Month, DayCount);

    /// <summary>The number of days in the month.</summary>
    public int DayCount => DateTime.DaysInMonth(Year, Month);

    /// <summary>The pay month a date falls in.</summary>
    public static PayMonth Of(DateOnly date) => new(date.Year, date.Month);

    /// <summary>Parses <c>yyyy-MM</c>, e.g. <c>2026-10</c>.</summary>
    /// <exception cref="FormatException">Not of that form.</exception>
    public static PayMonth Parse(string text) => TryParse(text, out var month) ? month
        : throw new FormatException($"\"{text}\" is not a pay month; write yyyy-MM, e.g. \"2026-10\".");

    /// <summary>Parses <c>yyyy-MM</c>; false if <paramref name="text"/> is not of that form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PayMonth month)
    {
        if (DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            month = Of(d);
            return true;
        }

        month = default;
        return false;
    }

    /// <summary>The month <paramref name="months"/> later (earlier if negative).</summary>
    public PayMonth AddMonths(int months) => Of(FirstDay.AddMonths(months));

    /// <inheritdoc />
    public int CompareTo(PayMonth other) => (Year, Month).CompareTo((other.Year, other.Month));

    /// <inheritdoc />
    public static bool operator <(PayMonth left, PayMonth right) => left.CompareTo(right) < 0;

    /// <inheritdoc />
    public static bool operator >(PayMonth left, PayMonth right) => left.CompareTo(right) > 0;

    /// <inheritdoc />
    public static bool operator <=(PayMonth left, PayMonth right) => left.CompareTo(right) <= 0;

    /// <inheritdoc />
    public static bool operator >=(PayMonth left, PayMonth right) => left.CompareTo(right) >= 0;

    /// <summary><c>yyyy-MM</c>.</summary>
    public override string ToString() => FirstDay.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
