using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>
/// externalcontact/get_groupmsg_task [93338]: each sender's progress on a mass-send task. Paged by cursor; WeCom
/// returns at most 1,000 a page (default 500, and a larger limit falls back to the default).
/// </summary>
public sealed record MassMessageTaskQuery(
    [property: JsonPropertyName("msgid")] string MsgId,
    int? Limit = null,
    string? Cursor = null);

/// <summary>One page of <see cref="MassMessageTaskQuery"/>; an empty <see cref="NextCursor"/> means the last page.</summary>
public sealed record MassMessageTaskList(IReadOnlyList<MassMessageSenderTask>? TaskList, string? NextCursor);

/// <summary>A sender's part of a mass-send task; <see cref="SendTime"/> (Unix seconds) only once sent.</summary>
public sealed record MassMessageSenderTask(
    [property: JsonPropertyName("userid")] string UserId,
    MassMessageSenderStatus Status,
    long? SendTime)
{
    /// <summary>True once the employee confirmed and WeCom sent.</summary>
    [JsonIgnore]
    public bool IsSent => Status == MassMessageSenderStatus.Sent;
}

/// <summary>A sender's status on get_groupmsg_task (WeCom documents only 0 and 2).</summary>
public enum MassMessageSenderStatus
{
    /// <summary>0 未发送: the employee has not confirmed the task yet (remind_groupmsg_send nudges them).</summary>
    Unconfirmed = 0,

    /// <summary>2 已发送: the employee confirmed and the message went out.</summary>
    Sent = 2,
}

/// <summary>
/// externalcontact/get_groupmsg_send_result [93338]: what became of each customer (or customer group) of one sender of
/// a mass-send task. Paged by cursor, at most 1,000 a page (default 500).
/// </summary>
public sealed record MassMessageSendResultQuery(
    [property: JsonPropertyName("msgid")] string MsgId,
    [property: JsonPropertyName("userid")] string UserId,
    int? Limit = null,
    string? Cursor = null);

/// <summary>One page of <see cref="MassMessageSendResultQuery"/>; an empty <see cref="NextCursor"/> means the last page.</summary>
public sealed record MassMessageSendResult(IReadOnlyList<MassMessageRecipientResult>? SendList, string? NextCursor);

/// <summary>
/// One recipient of a sender: <see cref="ExternalUserId"/> for a 1:1 mass send, <see cref="ChatId"/> for a group one;
/// <see cref="SendTime"/> (Unix seconds) only when sent.
/// </summary>
public sealed record MassMessageRecipientResult(
    [property: JsonPropertyName("external_userid")] string? ExternalUserId,
    string? ChatId,
    [property: JsonPropertyName("userid")] string UserId,
    MassMessageRecipientStatus Status,
    long? SendTime);

/// <summary>A recipient's status on get_groupmsg_send_result.</summary>
public enum MassMessageRecipientStatus
{
    /// <summary>0 未发送: the sender has not confirmed yet.</summary>
    Unsent = 0,

    /// <summary>1 已发送.</summary>
    Sent = 1,

    /// <summary>2: not sent because the customer is not (or no longer) the sender's contact.</summary>
    NotAFriend = 2,

    /// <summary>3: not sent because the customer already received their quota of mass messages (monthly, or the admin's lower limit).</summary>
    ReceiveLimitReached = 3,
}
