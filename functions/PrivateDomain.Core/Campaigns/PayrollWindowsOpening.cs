using System.Collections.Immutable;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The answer to "whose windows open between these dates": the windows that do, and the pay months that could not be
/// decided because the calendar lacks a year. Those are reported, not guessed and not dropped, so a December run
/// still starts December's campaigns while saying loudly that next year's notice must be published.
/// </summary>
/// <param name="From">The first day asked about.</param>
/// <param name="To">The last day asked about.</param>
/// <param name="Windows">Windows opening in [From, To], by open day, then employer, then pay month.</param>
/// <param name="Undecided">Pay months whose window could not be computed, by employer then pay month.</param>
public sealed record PayrollWindowsOpening(
    DateOnly From,
    DateOnly To,
    ImmutableArray<PayrollWindow> Windows,
    ImmutableArray<UndecidedPayMonth> Undecided)
{
    /// <summary>The calendar years that are missing, ascending; empty when every pay month was decided.</summary>
    public IReadOnlyList<int> MissingYears => [.. Undecided.Select(u => u.MissingYear).Distinct().Order()];

    /// <summary>The windows, or an exception if any pay month was undecided — for callers that must not act on a
    /// partial answer.</summary>
    /// <exception cref="CalendarYearNotCoveredException">The calendar lacks a year some pay month needs.</exception>
    public ImmutableArray<PayrollWindow> AllOrThrow() =>
        Undecided.IsEmpty ? Windows : throw Undecided[0].Reason;
}

/// <summary>An employer's pay month whose window might open in the range asked about but cannot be computed.</summary>
/// <param name="EmployerId">The employer.</param>
/// <param name="PayMonth">The pay month.</param>
/// <param name="Reason">Why: the calendar year that is missing, and which file to publish.</param>
public sealed record UndecidedPayMonth(string EmployerId, PayMonth PayMonth, CalendarYearNotCoveredException Reason)
{
    /// <summary>The calendar year that is missing.</summary>
    public int MissingYear => Reason.Year;
}
