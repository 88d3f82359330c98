using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PrivateDomain.Campaigns;

/// <summary>
/// An employer's payday rule, in the string form CRM sends in <c>PayrollEnrolment.PaydayRule</c>:
/// <c>day:N</c> (day N of the month), <c>last-working-day</c>, or <c>working-day:N</c> (the Nth working day).
/// Whatever the rule names, salary cannot be paid on a non-working day, so a payday falling on a weekend or holiday
/// moves to the working day before it — across a month or year end if need be — using the official calendar.
/// </summary>
public abstract record PaydayRule
{
    /// <summary>The largest N in <c>working-day:N</c>: a month has at most 23 weekdays, so a larger N is a mistake in CRM.</summary>
    public const int MaxWorkingDay = 23;

    private protected PaydayRule()
    {
    }

    /// <summary>The payday for <paramref name="month"/>: always a working day, and never after the month ends.</summary>
    /// <exception cref="CalendarYearNotCoveredException">The calendar lacks a year the rule needs (the month's, or the
    /// previous one when the payday moves back across 1 January).</exception>
    public abstract DateOnly PaydayIn(PayMonth month, WorkingDayCalendar calendar);

    /// <summary>The rule in CRM's string form; <see cref="Parse"/> reads it back.</summary>
    public abstract override string ToString();

    /// <summary>Parses CRM's string form.</summary>
    /// <exception cref="FormatException">Not a payday rule; the message says what is wrong and the forms there are.</exception>
    public static PaydayRule Parse(string? text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    /// <summary>Parses CRM's string form; on failure <paramref name="error"/> says what is wrong and the forms there are,
    /// fit for a dead-letter reason or a problem detail.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PaydayRule? rule, [NotNullWhen(false)] out string? error)
    {
        const string Forms = "write day:N (1–31), last-working-day or working-day:N (1–23), e.g. \"day:10\"";
        rule = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = $"The payday rule is empty; {Forms}.";
            return false;
        }

        if (text == LastWorkingDay.Text)
        {
            rule = new LastWorkingDay();
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text : text[..colon];
        if (kind is not (DayOfMonth.Prefix or NthWorkingDay.Prefix))
        {
            error = $"\"{text}\" is not a payday rule; {Forms} (lowercase, no spaces).";
            return false;
        }

        var max = kind == DayOfMonth.Prefix ? 31 : MaxWorkingDay;
        var number = colon < 0 ? "" : text[(colon + 1)..];
        var n = number.Length is >= 1 and <= 2 && number.All(char.IsAsciiDigit)
            ? int.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture)
            : 0;
        if (n < 1 || n > max)
        {
            error = $"\"{text}\" is not a payday rule: {kind}:N needs N from 1 to {max}{(kind == DayOfMonth.Prefix ? " (a month without day N pays on its last day)" : "")}; {Forms}.";
            return false;
        }

        rule = kind == DayOfMonth.Prefix ? new DayOfMonth(n) : new NthWorkingDay(n);
        return true;
    }

    /// <summary><c>day:N</c>: day N of the month, or its last day if it has fewer (day:31 pays on 30 April and on 28 or
    /// 29 February), moved back to a working day.</summary>
    /// <param name="Day">N, 1–31.</param>
    public sealed record DayOfMonth(int Day) : PaydayRule
    {
        internal const string Prefix = "day";

        /// <summary>N, 1–31.</summary>
        public int Day { get; } = Day is >= 1 and <= 31 ? Day
            : throw new ArgumentOutOfRangeException(nameof(Day), Day, "day:N needs N from 1 to 31.");

        /// <inheritdoc />
        public override DateOnly PaydayIn(PayMonth month, WorkingDayCalendar calendar)
        {
            ArgumentNullException.ThrowIfNull(calendar);
            return calendar.WorkingDayOnOrBefore(new DateOnly(month.Year, month.Month, Math.Min(Day, month.DayCount)));
        }

        /// <inheritdoc />
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{Day}");
    }

    /// <summary><c>last-working-day</c>: the month's last working day.</summary>
    public sealed record LastWorkingDay : PaydayRule
    {
        internal const string Text = "last-working-day";

        /// <inheritdoc />
        public override DateOnly PaydayIn(PayMonth month, WorkingDayCalendar calendar)
        {
            ArgumentNullException.ThrowIfNull(calendar);
            return calendar.WorkingDayOnOrBefore(month.LastDay);
        }

        /// <inheritdoc />
        public override string ToString() => Text;
    }

    /// <summary><c>working-day:N</c>: the Nth working day of the month, make-up working days counted (a make-up
    /// Saturday is a day the payroll office works). A month with fewer than N working days pays on its last working
    /// day, as <c>day:31</c> does in a short month, rather than spill into the next month.</summary>
    /// <param name="N">N, 1–23.</param>
    public sealed record NthWorkingDay(int N) : PaydayRule
    {
        internal const string Prefix = "working-day";

        /// <summary>N, 1–23.</summary>
        public int N { get; } = N is >= 1 and <= MaxWorkingDay ? N
            : throw new ArgumentOutOfRangeException(nameof(N), N, $"working-day:N needs N from 1 to {MaxWorkingDay}.");

        /// <inheritdoc />
        public override DateOnly PaydayIn(PayMonth month, WorkingDayCalendar calendar)
        {
            ArgumentNullException.ThrowIfNull(calendar);
            var days = calendar.WorkingDaysOf(month);
            return days.Length == 0
                ? calendar.WorkingDayOnOrBefore(month.LastDay)
                : days[Math.Min(N, days.Length) - 1];
        }

        /// <inheritdoc />
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{N}");
    }
}
