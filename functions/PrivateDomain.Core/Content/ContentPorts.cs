namespace PrivateDomain.Content;

/// <summary>
/// Template content, one immutable entry per scope, id and version. Publishing the same content again is harmless;
/// publishing different content under a version that exists is refused, because an approval signs exact content.
/// </summary>
public interface ITemplateStore
{
    /// <summary>Stores <paramref name="content"/> in <paramref name="scope"/> unless that version exists.</summary>
    /// <returns><see cref="PublishOutcome.Conflict"/> if the version exists with a different content hash.</returns>
    Task<PublishOutcome> PublishAsync(TemplateScope scope, MessageTemplate content, CancellationToken cancellationToken);

    /// <summary>One version, or null.</summary>
    Task<MessageTemplate?> GetAsync(TemplateRef version, CancellationToken cancellationToken);

    /// <summary>The versions of <paramref name="id"/> in <paramref name="scope"/>, ascending (empty if none).</summary>
    Task<IReadOnlyList<int>> ListVersionsAsync(TemplateScope scope, string id, CancellationToken cancellationToken);
}

/// <summary>The append-only approval log: rows are added, never changed or deleted.</summary>
public interface IContentApprovalLog
{
    /// <summary>Every row for every version of <paramref name="id"/> in <paramref name="scope"/>.</summary>
    Task<IReadOnlyList<ApprovalRecord>> ReadAsync(TemplateScope scope, string id, CancellationToken cancellationToken);

    /// <summary>Appends <paramref name="record"/> at its sequence; false if that sequence is already taken (someone
    /// acted at the same moment: read again and decide again).</summary>
    Task<bool> TryAppendAsync(ApprovalRecord record, CancellationToken cancellationToken);
}

/// <summary>The published sensitive-word list the screen uses.</summary>
public interface ISensitiveWordStore
{
    /// <summary>The current list, or null if none was published.</summary>
    Task<SensitiveWordScreen?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Publishes <paramref name="screen"/> as the current list; false if it was already current.</summary>
    Task<bool> PublishAsync(SensitiveWordScreen screen, CancellationToken cancellationToken);
}

/// <summary>What publishing one template version did.</summary>
public enum PublishOutcome
{
    /// <summary>Stored now.</summary>
    Created,

    /// <summary>Already stored with the same content.</summary>
    Unchanged,

    /// <summary>The version exists with different content; nothing was stored.</summary>
    Conflict,
}
