namespace PrivateDomain.Content;

/// <summary>An approved template version that may be sent now, with the approval that allows it.</summary>
/// <param name="Template">The content.</param>
/// <param name="Scope">Where it came from (branch, bank or default).</param>
/// <param name="Approval">The approval row (who, when, which content hash).</param>
public sealed record SendableTemplate(MessageTemplate Template, TemplateScope Scope, ApprovalRecord Approval)
{
    /// <summary>Renders it; see <see cref="TemplateRenderer.Render"/>.</summary>
    /// <exception cref="TemplateRenderException">A placeholder has no value, or the result breaks WeCom's limits.</exception>
    public RenderedMessage Render(PlaceholderValues values) => TemplateRenderer.Render(Template, values);
}

/// <summary>Why a template id cannot be sent.</summary>
public enum ContentRefusalReason
{
    /// <summary>No scope has any version of the id.</summary>
    NotFound,

    /// <summary>Versions exist but none is approved.</summary>
    NotApproved,

    /// <summary>The newest approved version hits a word added to the list since it was approved.</summary>
    FailsCurrentScreen,

    /// <summary>No sensitive-word list is published, so nothing is sent (fail closed).</summary>
    NoScreen,

    /// <summary>The stored content does not match the content that was approved.</summary>
    ContentMismatch,
}

/// <summary>A refusal to send: the reason and a message an operator can act on.</summary>
public sealed record ContentRefusal(string TemplateId, ContentRefusalReason Reason, string Message);

/// <summary>The answer of <see cref="ContentLibrary.GetSendableAsync"/>: a sendable template, or a refusal.</summary>
public sealed record SendableResult
{
    private SendableResult(SendableTemplate? template, ContentRefusal? refusal)
    {
        Template = template;
        Refusal = refusal;
    }

    /// <summary>The template, when sendable.</summary>
    public SendableTemplate? Template { get; }

    /// <summary>Why not, when refused.</summary>
    public ContentRefusal? Refusal { get; }

    /// <summary>True if <see cref="Template"/> may be sent.</summary>
    public bool IsSendable => Template is not null;

    /// <summary>A sendable answer.</summary>
    public static SendableResult Sendable(SendableTemplate template) => new(template ?? throw new ArgumentNullException(nameof(template)), null);

    /// <summary>A refusal.</summary>
    public static SendableResult Refused(string id, ContentRefusalReason reason, string message) => new(null, new ContentRefusal(id, reason, message));

    /// <summary>The template, or an exception carrying the refusal's message.</summary>
    /// <exception cref="InvalidOperationException">The template is not sendable.</exception>
    public SendableTemplate GetTemplateOrThrow() => Template ?? throw new InvalidOperationException(Refusal!.Message);
}
