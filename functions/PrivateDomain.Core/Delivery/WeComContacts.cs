using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>
/// externalcontact/mark_tag [92118/92697]: add and remove corp tags on one customer of one employee. add_tag and
/// remove_tag may not both be empty. Raises no callback: record what we changed ourselves.
/// </summary>
public sealed record TagMarking(
    [property: JsonPropertyName("userid")] string UserId,
    [property: JsonPropertyName("external_userid")] string ExternalUserId,
    IReadOnlyList<string>? AddTag,
    IReadOnlyList<string>? RemoveTag);

/// <summary>externalcontact/get_corp_tag_list [92117/96320]: all corp tags, or those with the given tag or group ids (group wins).</summary>
public sealed record CorpTagQuery(IReadOnlyList<string>? TagId = null, IReadOnlyList<string>? GroupId = null)
{
    /// <summary>Every tag.</summary>
    public static CorpTagQuery All { get; } = new();
}

/// <summary>The corp tag library.</summary>
public sealed record CorpTagList(IReadOnlyList<CorpTagGroup>? TagGroup);

/// <summary>A tag group and its tags.</summary>
public sealed record CorpTagGroup(string GroupId, string GroupName, long CreateTime, long Order, bool Deleted, IReadOnlyList<CorpTag>? Tag);

/// <summary>A corp tag.</summary>
public sealed record CorpTag(string Id, string Name, long CreateTime, long Order, bool Deleted);

/// <summary>
/// externalcontact/add_corp_tag [92117/96320]: new tags in an existing group (group_id) or a new group (group_name).
/// At most 3,000 corp tags per corp (40126); an app may edit and delete only the tags it created.
/// </summary>
public sealed record NewCorpTags(string? GroupId, string? GroupName, long? Order, IReadOnlyList<NewCorpTag> Tag);

/// <summary>A tag to create.</summary>
public sealed record NewCorpTag(string Name, long? Order = null);

/// <summary>add_corp_tag's answer: the group with the created tags and their ids.</summary>
public sealed record CorpTagCreated(CorpTagGroup TagGroup);

/// <summary>
/// externalcontact/get [92114/96315] (GET, external_userid and cursor in the query): the customer and the employees
/// who added them (paged by cursor past 500 followers).
/// </summary>
public sealed record ExternalContactDetail(ExternalContact ExternalContact, IReadOnlyList<FollowUser>? FollowUser, string? NextCursor);

/// <summary>The customer's WeCom profile (type 1 WeChat user, 2 WeCom user; gender 0 unknown, 1 male, 2 female).</summary>
public sealed record ExternalContact(
    [property: JsonPropertyName("external_userid")] string ExternalUserId,
    string? Name,
    int Type,
    int Gender,
    [property: JsonPropertyName("unionid")] string? UnionId,
    string? Avatar,
    string? CorpName);

/// <summary>An employee who added the customer, with their remark and the tags on the relationship.</summary>
public sealed record FollowUser(
    [property: JsonPropertyName("userid")] string UserId,
    string? Remark,
    string? Description,
    [property: JsonPropertyName("createtime")] long CreateTime,
    string? State,
    IReadOnlyList<FollowUserTag>? Tags);

/// <summary>A tag on a relationship (type 1 corp tag, 2 employee's own, 3 rule-group tag).</summary>
public sealed record FollowUserTag(string? GroupName, string? TagName, string? TagId, int Type);

/// <summary>
/// externalcontact/transfer_customer [92125/96325] (in service) and resigned/transfer_customer [94081/96331]: hand up to
/// 100 customers from one employee to another. Per-customer errcode 0 only means the transfer started; it completes after
/// 24 h (transfer_result). A customer can be transferred twice per 90 days.
/// </summary>
public sealed record CustomerTransfer(
    [property: JsonPropertyName("handover_userid")] string HandoverUserId,
    [property: JsonPropertyName("takeover_userid")] string TakeoverUserId,
    [property: JsonPropertyName("external_userid")] IReadOnlyList<string> ExternalUserIds,
    string? TransferSuccessMsg = null);

/// <summary>The per-customer outcome of a transfer.</summary>
public sealed record CustomerTransferResult(IReadOnlyList<CustomerTransferOutcome>? Customer);

/// <summary>One customer's transfer: errcode 0 = started, else a WeCom code (see <see cref="WeComErrors.Describe"/>).</summary>
public sealed record CustomerTransferOutcome(
    [property: JsonPropertyName("external_userid")] string ExternalUserId,
    [property: JsonPropertyName("errcode")] int ErrCode);
