namespace PrivateDomain.Content;

/// <summary>A template file (or word list) that must not be used. <see cref="Errors"/> lists every problem, each naming
/// the file and field (<c>default/aida.attention.welfare.v1.json: body: unknown placeholder {custmer.name}</c>).</summary>
public sealed class MessageTemplateException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/> (a file or blob name) and its errors.</summary>
    public MessageTemplateException(string source, IReadOnlyList<string> errors)
        : base($"{source} is not valid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Source = source;
        Errors = errors;
    }

    /// <summary>Creates the exception with a single message.</summary>
    public MessageTemplateException(string message)
        : this("message template", [message])
    {
    }

    /// <summary>Creates the exception with a single message and its cause.</summary>
    public MessageTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public MessageTemplateException()
        : this("message template", ["invalid"])
    {
    }

    /// <summary>Every problem found, one per entry, each naming the field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
