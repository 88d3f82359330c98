using System.Collections.Immutable;

namespace PrivateDomain.Content;

/// <summary>
/// The maker-checker rules, pure: a maker submits a draft; a checker approves or rejects a submitted version. A checker
/// must hold the <see cref="ContentRoles.Compliance"/> role, must be neither the author nor the submitter, and can approve
/// only content that passes the sensitive-word screen. Each rule that fails throws
/// <see cref="ContentApprovalException"/> with its <see cref="ApprovalRefusal"/>, and nothing is recorded.
/// </summary>
public static class MakerChecker
{
    /// <summary>User ids are compared ignoring case: WeCom userids and Entra accounts are case-insensitive.</summary>
    public static bool SamePerson(string a, string b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The row that submits <paramref name="template"/>.</summary>
    /// <exception cref="ContentApprovalException">It is not a draft, or has no authoring record.</exception>
    public static ApprovalRecord Submit(TemplateRef template, string contentHash, TemplateApprovalState state, string submittedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(submittedBy);
        if (state.Author is null)
        {
            throw new ContentApprovalException(template, ApprovalRefusal.Unknown, $"{template} has no authoring record; publish it first");
        }

        if (state.Status != ApprovalStatus.Draft)
        {
            throw new ContentApprovalException(template, ApprovalRefusal.WrongStatus, $"{template} is {state.Status.ToString().ToLowerInvariant()}; only a draft can be submitted");
        }

        return new ApprovalRecord(template, state.NextSequence, ApprovalAction.Submitted, submittedBy, now, contentHash);
    }

    /// <summary>The row that approves <paramref name="template"/>, after every rule passed.</summary>
    /// <exception cref="ContentApprovalException">A rule failed; <see cref="ContentApprovalException.Reason"/> says which.</exception>
    public static ApprovalRecord Approve(TemplateRef template, MessageTemplate content, TemplateApprovalState state, ContentReviewer reviewer, SensitiveWordScreen screen, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(screen);
        CheckChecker(template, state, reviewer, "approve");
        var hits = screen.Screen(content);
        if (hits.Length > 0)
        {
            throw new ContentApprovalException(template, ApprovalRefusal.SensitiveWords,
                $"{template} fails the sensitive-word screen (list {screen.Version}): {string.Join("; ", hits)}; revise the text in a new version",
                hits);
        }

        return new ApprovalRecord(template, state.NextSequence, ApprovalAction.Approved, reviewer.UserId, now, content.ContentHash,
            ContentRoles.Compliance, $"screened with sensitive-word list {screen.Version} ({screen.Hash})");
    }

    /// <summary>The row that rejects <paramref name="template"/> with <paramref name="reason"/>.</summary>
    /// <exception cref="ContentApprovalException">The reviewer may not check it, or it is not submitted.</exception>
    public static ApprovalRecord Reject(TemplateRef template, string contentHash, TemplateApprovalState state, ContentReviewer reviewer, string reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        CheckChecker(template, state, reviewer, "reject");
        return new ApprovalRecord(template, state.NextSequence, ApprovalAction.Rejected, reviewer.UserId, now, contentHash, ContentRoles.Compliance, reason);
    }

    private static void CheckChecker(TemplateRef template, TemplateApprovalState state, ContentReviewer reviewer, string verb)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(reviewer);
        if (!reviewer.IsCompliance)
        {
            throw new ContentApprovalException(template, ApprovalRefusal.NotCompliance,
                $"{reviewer.UserId} cannot {verb} {template}: only the {ContentRoles.Compliance} role checks content");
        }

        if ((state.Author is not null && SamePerson(state.Author, reviewer.UserId)) || (state.SubmittedBy is not null && SamePerson(state.SubmittedBy, reviewer.UserId)))
        {
            throw new ContentApprovalException(template, ApprovalRefusal.CheckerIsMaker,
                $"{reviewer.UserId} cannot {verb} {template}: they wrote or submitted it, and maker-checker needs a second person");
        }

        if (state.Status != ApprovalStatus.Submitted)
        {
            throw new ContentApprovalException(template, ApprovalRefusal.WrongStatus,
                $"{template} is {state.Status.ToString().ToLowerInvariant()}; only a submitted version can be {(verb == "approve" ? "approved" : "rejected")}");
        }
    }
}

/// <summary>The roles content work needs.</summary>
public static class ContentRoles
{
    /// <summary>The checker role: may approve or reject content.</summary>
    public const string Compliance = "Compliance";
}

/// <summary>A person reviewing content: their user id and roles (from their Entra token).</summary>
public sealed record ContentReviewer(string UserId, IReadOnlyCollection<string> Roles)
{
    /// <summary>True if they hold <see cref="ContentRoles.Compliance"/>.</summary>
    public bool IsCompliance => Roles.Contains(ContentRoles.Compliance, StringComparer.Ordinal);
}

/// <summary>Why a maker-checker action was refused.</summary>
public enum ApprovalRefusal
{
    /// <summary>The version does not exist or has no authoring record.</summary>
    Unknown,

    /// <summary>The version is not in a state that allows the action.</summary>
    WrongStatus,

    /// <summary>The checker lacks the Compliance role.</summary>
    NotCompliance,

    /// <summary>The checker wrote or submitted the version.</summary>
    CheckerIsMaker,

    /// <summary>The content fails the sensitive-word screen.</summary>
    SensitiveWords,

    /// <summary>No sensitive-word list is published, so nothing can be screened (fail closed).</summary>
    NoScreen,

    /// <summary>Someone else acted on the version at the same moment; read it again.</summary>
    Conflict,

    /// <summary>A mass-send step would send the version, and it names the customer (<see cref="MassSendRule"/>).</summary>
    PersonalTextInMassSend,
}

/// <summary>A maker-checker action was refused; nothing was recorded.</summary>
public sealed class ContentApprovalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContentApprovalException(TemplateRef? template, ApprovalRefusal reason, string message, ImmutableArray<SensitiveWordHit> hits = default)
        : base(message)
    {
        Template = template;
        Reason = reason;
        Hits = hits.IsDefault ? [] : hits;
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public ContentApprovalException()
        : this("refused")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContentApprovalException(string message)
        : this(null, ApprovalRefusal.Unknown, message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContentApprovalException(string message, Exception innerException)
        : base(message, innerException)
    {
        Hits = [];
    }

    /// <summary>The template version.</summary>
    public TemplateRef? Template { get; }

    /// <summary>Which rule refused.</summary>
    public ApprovalRefusal Reason { get; }

    /// <summary>The sensitive words found, for <see cref="ApprovalRefusal.SensitiveWords"/>.</summary>
    public ImmutableArray<SensitiveWordHit> Hits { get; }
}
