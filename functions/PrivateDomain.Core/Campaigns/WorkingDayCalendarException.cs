namespace PrivateDomain.Campaigns;

/// <summary>A calendar file (or a set of them) that must not be used. <see cref="Errors"/> lists every problem found,
/// each naming the field and the date (<c>makeUpWorkingDays[2].date: 2026-02-27 is a Friday; …</c>) and what to write
/// instead, so an operator fixes a new year's file in one pass.</summary>
public sealed class WorkingDayCalendarException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file or folder) and its errors.</summary>
    public WorkingDayCalendarException(string source, IReadOnlyList<string> errors)
        : base($"{source} is not a valid working-day calendar:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>Creates the exception with a single message.</summary>
    public WorkingDayCalendarException(string message)
        : this("working-day calendar", [message])
    {
    }

    /// <summary>Creates the exception with a single message and its cause.</summary>
    public WorkingDayCalendarException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public WorkingDayCalendarException()
        : this("working-day calendar", ["invalid"])
    {
    }

    /// <summary>Every problem found, one per line, each naming the field and date.</summary>
    public IReadOnlyList<string> Errors { get; }
}
