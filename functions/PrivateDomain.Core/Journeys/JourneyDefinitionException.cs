namespace PrivateDomain.Journeys;

/// <summary>A journey definition that must not be used. <see cref="Errors"/> lists every problem found, each naming the
/// step and field (<c>steps[3] "attention-values-2".channel: …</c>) and what to write instead.</summary>
public sealed class JourneyDefinitionException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file name) and its errors.</summary>
    public JourneyDefinitionException(string source, IReadOnlyList<string> errors)
        : base($"{source} is not a valid journey definition:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>Creates the exception with a single message.</summary>
    public JourneyDefinitionException(string message)
        : this("journey definition", [message])
    {
    }

    /// <summary>Creates the exception with a single message and its cause.</summary>
    public JourneyDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public JourneyDefinitionException()
        : this("journey definition", ["invalid"])
    {
    }

    /// <summary>Every problem found, one per line, each naming the field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
