namespace PrivateDomain.Campaigns;

/// <summary>Why a day is, or is not, a working day in the China calendar.</summary>
public enum CalendarDayKind
{
    /// <summary>Monday to Friday, not in a holiday span: a working day.</summary>
    Weekday,
    /// <summary>A Saturday or Sunday the notice makes a working day (调休上班日).</summary>
    MakeUpWorkingDay,
    /// <summary>A Saturday or Sunday that stays a rest day.</summary>
    Weekend,
    /// <summary>A day in a holiday span (放假调休), whatever its weekday.</summary>
    PublicHoliday,
}

/// <summary>One day of the working-day calendar, with the reason it is (not) a working day, so an operator screen can
/// say "payday moved: 2026-10-01 is 国庆节" rather than just "moved".</summary>
/// <param name="Date">The day.</param>
/// <param name="Kind">Why it is or is not a working day.</param>
/// <param name="Holiday">The holiday it belongs to or makes up for; null for an ordinary weekday or weekend.</param>
public sealed record CalendarDay(DateOnly Date, CalendarDayKind Kind, string? Holiday)
{
    /// <summary>True for weekdays and make-up working days.</summary>
    public bool IsWorkingDay => Kind is CalendarDayKind.Weekday or CalendarDayKind.MakeUpWorkingDay;
}
