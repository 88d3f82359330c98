using System.Collections.Immutable;

namespace PrivateDomain.Content;

/// <summary>Where a template version is in maker-checker.</summary>
public enum ApprovalStatus
{
    /// <summary>Published into the library, not yet submitted: cannot be sent.</summary>
    Draft,

    /// <summary>Submitted by a maker, waiting for a Compliance checker: cannot be sent.</summary>
    Submitted,

    /// <summary>Approved by a Compliance checker who is not its author: can be sent.</summary>
    Approved,

    /// <summary>Rejected by a Compliance checker: final for this version; write a new version.</summary>
    Rejected,
}

/// <summary>What an approval-log row records.</summary>
public enum ApprovalAction
{
    /// <summary>The version was published into the library by its author.</summary>
    Drafted,

    /// <summary>A maker submitted it for approval.</summary>
    Submitted,

    /// <summary>A Compliance checker approved it.</summary>
    Approved,

    /// <summary>A Compliance checker rejected it.</summary>
    Rejected,
}

/// <summary>
/// One row of the append-only approval log: who did what to which template version, when, against which content hash.
/// Rows are never changed or deleted; the state of a version is the fold of its rows (<see cref="TemplateApprovalState"/>).
/// </summary>
/// <param name="Template">The template version.</param>
/// <param name="Sequence">0, 1, 2, … per version; a writer appends at the next sequence and loses a race cleanly.</param>
/// <param name="Action">What happened.</param>
/// <param name="By">Who (WeCom userid or operator account).</param>
/// <param name="At">When.</param>
/// <param name="ContentHash">The content the action applies to.</param>
/// <param name="Role">The role the actor acted in (Compliance for checkers; <c>repository-review</c> for a file's approval).</param>
/// <param name="Note">Why: a rejection reason, or where an approval came from.</param>
public sealed record ApprovalRecord(
    TemplateRef Template,
    int Sequence,
    ApprovalAction Action,
    string By,
    DateTimeOffset At,
    string ContentHash,
    string? Role = null,
    string? Note = null);

/// <summary>The approval state of one template version, folded from its log rows in sequence order.</summary>
public sealed record TemplateApprovalState(
    ApprovalStatus Status,
    string? Author,
    string? SubmittedBy,
    string? ApprovedBy,
    DateTimeOffset? ApprovedAt,
    ImmutableArray<ApprovalRecord> History)
{
    /// <summary>The state of a version with no rows: a draft with no known author.</summary>
    public static TemplateApprovalState None { get; } = new(ApprovalStatus.Draft, null, null, null, null, []);

    /// <summary>The next sequence number to append at.</summary>
    public int NextSequence => History.Length;

    /// <summary>Folds <paramref name="history"/> (one version's rows).</summary>
    public static TemplateApprovalState From(IEnumerable<ApprovalRecord> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var state = None;
        foreach (var r in history.OrderBy(r => r.Sequence))
        {
            state = r.Action switch
            {
                ApprovalAction.Drafted => state with { Author = state.Author ?? r.By },
                ApprovalAction.Submitted => state with { Status = ApprovalStatus.Submitted, SubmittedBy = r.By },
                ApprovalAction.Approved => state with { Status = ApprovalStatus.Approved, ApprovedBy = r.By, ApprovedAt = r.At },
                ApprovalAction.Rejected => state with { Status = ApprovalStatus.Rejected },
                _ => state,
            };
            state = state with { History = state.History.Add(r) };
        }

        return state;
    }
}
