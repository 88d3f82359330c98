namespace PrivateDomain.Customers.Segments;

/// <summary>
/// A segment query that cannot be parsed. <see cref="Exception.Message"/> reads
/// <c>column 14: expected a value after '&gt;=' but found end of query</c>; an editor can underline <see cref="Column"/>.
/// </summary>
public sealed class SegmentQueryException : FormatException
{
    /// <summary>Creates the exception for a problem at a 1-based column.</summary>
    public SegmentQueryException(int column, string problem)
        : base($"column {column}: {problem}")
    {
        Column = column;
        Problem = problem;
    }

    /// <summary>The 1-based column (in characters as a person counts them: 代 is one) where the problem starts.</summary>
    public int Column { get; }

    /// <summary>The message without the column prefix: what was expected and what was found.</summary>
    public string Problem { get; }
}
