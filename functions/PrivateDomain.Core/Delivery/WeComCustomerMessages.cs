using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>
/// externalcontact/send_welcome_msg [92137/92599]: a welcome message with the WelcomeCode from add_external_contact,
/// within 20 s of the event and once; 41051 means it went out already.
/// </summary>
public sealed record WelcomeMessage(string WelcomeCode, WeComText? Text, IReadOnlyList<WeComAttachment>? Attachments = null);

/// <summary>
/// externalcontact/add_msg_template [92135]: a mass-send task (企业群发) the employee confirms in WeCom; it sends nothing by
/// itself. <c>chat_type</c> single: up to 10,000 external_userids (or just a sender: all of that employee's customers);
/// group: the sender's customer groups, optionally narrowed with chat_id_list (up to 2,000).
/// </summary>
public sealed record MassMessage
{
    /// <summary>"single" (customers) or "group" (customer groups).</summary>
    public string ChatType { get; init; } = "single";

    /// <summary>The customers (single).</summary>
    [JsonPropertyName("external_userid")]
    public IReadOnlyList<string>? ExternalUserIds { get; init; }

    /// <summary>The customer groups (group).</summary>
    public IReadOnlyList<string>? ChatIdList { get; init; }

    /// <summary>The employee (userid) who confirms and sends; required for group.</summary>
    public string? Sender { get; init; }

    /// <summary>Whether the employee may change the recipients (single only).</summary>
    public bool? AllowSelect { get; init; }

    /// <summary>Text, up to 4,000 bytes.</summary>
    public WeComText? Text { get; init; }

    /// <summary>Up to 9 attachments.</summary>
    public IReadOnlyList<WeComAttachment>? Attachments { get; init; }

    /// <summary>A 1:1 mass send from <paramref name="sender"/> to <paramref name="externalUserIds"/>.</summary>
    public static MassMessage ToCustomers(string sender, IReadOnlyList<string> externalUserIds, string text, IReadOnlyList<WeComAttachment>? attachments = null) =>
        new() { ChatType = "single", Sender = sender, ExternalUserIds = externalUserIds, Text = new WeComText(text), Attachments = attachments };
}

/// <summary>add_msg_template's answer: the task's msgid (keep it; reconcile and remind with it) and the customers WeCom
/// could not include (invalid, or over their monthly receive limit).</summary>
public sealed record MassMessageCreated(
    [property: JsonPropertyName("msgid")] string MsgId,
    IReadOnlyList<string>? FailList);

/// <summary>
/// externalcontact/get_groupmsg_list_v2 [93338]: the mass-send tasks created between two times (at most a month apart),
/// by creator; used to find a task created before a crash lost its msgid.
/// </summary>
public sealed record MassMessageListQuery(
    string ChatType,
    long StartTime,
    long EndTime,
    string? Creator = null,
    int? FilterType = null,
    int? Limit = null,
    string? Cursor = null)
{
    /// <summary>Tasks created by the corp (filter_type 0) in [from, to].</summary>
    public static MassMessageListQuery CreatedBetween(string chatType, DateTimeOffset from, DateTimeOffset to, string? creator = null, string? cursor = null) =>
        new(chatType, from.ToUnixTimeSeconds(), to.ToUnixTimeSeconds(), creator, FilterType: 0, Limit: 100, Cursor: cursor);
}

/// <summary>One page of <see cref="MassMessageListQuery"/>.</summary>
public sealed record MassMessageList(IReadOnlyList<MassMessageRecord>? GroupMsgList, string? NextCursor);

/// <summary>A mass-send task as get_groupmsg_list_v2 lists it (create_type 0 = corp, 1 = employee).</summary>
public sealed record MassMessageRecord(
    [property: JsonPropertyName("msgid")] string MsgId,
    string? Creator,
    long CreateTime,
    int CreateType,
    WeComText? Text,
    IReadOnlyList<WeComAttachment>? Attachments);

/// <summary>externalcontact/remind_groupmsg_send [97610]: re-notify the employee of an unconfirmed task; at most 3 times in 24 h.</summary>
public sealed record MassMessageReminder([property: JsonPropertyName("msgid")] string MsgId);
