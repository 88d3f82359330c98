namespace PrivateDomain.WeCom;

/// <summary>A decrypted WeCom callback event, typed. Every event keeps the corp it came to and WeCom's CreateTime.</summary>
public abstract record WeComEvent(string CorpId, DateTimeOffset CreatedAt)
{
    /// <summary>A stable name for the event kind, e.g. <c>change_external_contact/add_external_contact</c>.</summary>
    public abstract string Kind { get; }
}

/// <summary>A customer added an employee (add_external_contact). WelcomeCode is absent when the console sends its own
/// welcome message or a chat already started; State is the channel code of the "contact me" QR, up to 30 characters.</summary>
public sealed record ExternalContactAdded(
    string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId, string? State, string? WelcomeCode)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/add_external_contact";
}

/// <summary>A customer added an employee but the employee has not accepted yet (add_half_external_contact).</summary>
public sealed record HalfExternalContactAdded(
    string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId, string? State, string? WelcomeCode)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/add_half_external_contact";
}

/// <summary>The employee changed the customer's remark or corp tags in the WeCom client (edit_external_contact).</summary>
public sealed record ExternalContactEdited(string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/edit_external_contact";
}

/// <summary>The employee deleted the customer (del_external_contact); Source is <c>DELETE_BY_TRANSFER</c> when the
/// relationship ended because the customer was transferred to another employee.</summary>
public sealed record ExternalContactDeleted(
    string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId, string? Source)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/del_external_contact";
}

/// <summary>The customer deleted the employee (del_follow_user): a churn signal.</summary>
public sealed record FollowUserDeleted(string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/del_follow_user";
}

/// <summary>A customer transfer failed (transfer_fail): FailReason is <c>customer_refused</c> or
/// <c>customer_limit_exceed</c>.</summary>
public sealed record CustomerTransferFailed(
    string CorpId, DateTimeOffset CreatedAt, string UserId, string ExternalUserId, string? FailReason)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_contact/transfer_fail";
}

/// <summary>A customer group chat was created (change_external_chat / create).</summary>
public sealed record GroupChatCreated(string CorpId, DateTimeOffset CreatedAt, string ChatId) : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_chat/create";
}

/// <summary>A customer group chat changed (change_external_chat / update). UpdateDetail is add_member, del_member,
/// change_owner, change_name or change_notice; the member fields are set for member changes only.</summary>
public sealed record GroupChatUpdated(
    string CorpId,
    DateTimeOffset CreatedAt,
    string ChatId,
    string UpdateDetail,
    int? JoinScene,
    int? QuitScene,
    int? MemChangeCount,
    IReadOnlyList<string> MemChangeList)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_chat/update";
}

/// <summary>A customer group chat was dismissed (change_external_chat / dismiss).</summary>
public sealed record GroupChatDismissed(string CorpId, DateTimeOffset CreatedAt, string ChatId) : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_chat/dismiss";
}

/// <summary>A corp tag or tag group changed (change_external_tag): ChangeType is create, update, delete or shuffle;
/// TagType is <c>tag</c> or <c>tag_group</c>; StrategyId is set for rule-group tags.</summary>
public sealed record CorpTagChanged(
    string CorpId, DateTimeOffset CreatedAt, string ChangeType, string? TagId, string? TagType, string? StrategyId)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "change_external_tag/" + ChangeType;
}

/// <summary>An event we do not model (yet). It is stored raw like every other event, never dropped.</summary>
public sealed record UnrecognisedEvent(string CorpId, DateTimeOffset CreatedAt, string MsgType, string? Event, string? ChangeType)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => $"unrecognised/{MsgType}/{Event}/{ChangeType}";
}

/// <summary>A member pressed a button of a template card the app sent (template_card_event [90240]): FromUserName is the
/// member's userid, TaskId the card's task_id, EventKey the button's key, ResponseCode what update_template_card takes
/// (once, within 72 hours).</summary>
public sealed record TemplateCardButtonPressed(
    string CorpId, DateTimeOffset CreatedAt, string UserId, string TaskId, string EventKey, string? CardType, string? ResponseCode, string? AgentId)
    : WeComEvent(CorpId, CreatedAt)
{
    /// <inheritdoc />
    public override string Kind => "template_card_event";
}
