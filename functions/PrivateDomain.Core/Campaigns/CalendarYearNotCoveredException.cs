namespace PrivateDomain.Campaigns;

/// <summary>
/// A date in a year the working-day calendar has no notice for. The calendar never guesses: a year without its
/// State Council notice has unknown holidays and unknown make-up working days, and a payday computed from weekends
/// alone would be wrong around Spring Festival. The message says which file to publish.
/// </summary>
public sealed class CalendarYearNotCoveredException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="date"/>, listing the <paramref name="covered"/> years.</summary>
    public CalendarYearNotCoveredException(DateOnly date, IReadOnlyCollection<int> covered)
        : base($"The working-day calendar does not cover {date.Year} (needed for {date:yyyy-MM-dd}); it covers "
            + (covered.Count == 0 ? "no year" : string.Join(", ", covered))
            + $". Publish the State Council notice 国务院办公厅关于{date.Year}年部分节假日安排的通知 (PUT …/payroll/calendars/{date.Year}, "
            + $"or cn-{date.Year}.json in the calendars folder); until then paydays and windows that need that year cannot be computed.")
    {
        Year = date.Year;
        Date = date;
    }

    /// <summary>Creates the exception with a message.</summary>
    public CalendarYearNotCoveredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CalendarYearNotCoveredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public CalendarYearNotCoveredException()
    {
    }

    /// <summary>The year that is missing.</summary>
    public int Year { get; }

    /// <summary>The date that was asked about.</summary>
    public DateOnly Date { get; }
}
