using System.Text.Json.Serialization;
using PrivateDomain.Delivery;

namespace PrivateDomain.WeCom;

/// <summary>
/// WeCom's customer-group calls: the 「加入群聊」 join ways (<c>externalcontact/groupchat/add_join_way</c>, <c>get_join_way</c>,
/// <c>update_join_way</c>, <c>del_join_way</c> [92229/99547]), the group welcome library (<c>group_welcome_template/add|edit|get|del</c>
/// [92366/96357]), one group's details (<c>groupchat/get</c>, whose member list carries the join way's <c>state</c>)
/// and the per-owner group statistics (<c>groupchat/statistic</c> [96359]). Like <see cref="IWeComApi"/> every method
/// answers a typed result; only cancellation throws.
/// </summary>
public interface IWeComGroupChats
{
    /// <summary>add_join_way: a 「加入群聊」 QR (scene 2) for 1–5 groups; answers its config_id. Not idempotent.</summary>
    Task<WeComApiResult<JoinWayCreated>> AddJoinWayAsync(string tenant, JoinWay way, CancellationToken cancellationToken);

    /// <summary>get_join_way: the join way with its QR URL and the groups it currently serves (auto-created ones too).</summary>
    Task<WeComApiResult<JoinWayDetail>> GetJoinWayAsync(string tenant, string configId, CancellationToken cancellationToken);

    /// <summary>update_join_way: replaces the join way's settings (WeCom takes the whole configuration again).</summary>
    Task<WeComApiResult<WeComAck>> UpdateJoinWayAsync(string tenant, JoinWay way, CancellationToken cancellationToken);

    /// <summary>del_join_way: the QR stops working.</summary>
    Task<WeComApiResult<WeComAck>> DeleteJoinWayAsync(string tenant, string configId, CancellationToken cancellationToken);

    /// <summary>group_welcome_template/add: puts a welcome into the corp's group-welcome library (at most 100) and, with
    /// <see cref="GroupWelcomeTemplate.Notify"/> 1, tells the members to apply it to their customer groups.</summary>
    Task<WeComApiResult<GroupWelcomeTemplateCreated>> AddGroupWelcomeTemplateAsync(string tenant, GroupWelcomeTemplate welcome, CancellationToken cancellationToken);

    /// <summary>group_welcome_template/edit: changes a library entry this app created.</summary>
    Task<WeComApiResult<WeComAck>> EditGroupWelcomeTemplateAsync(string tenant, GroupWelcomeTemplate welcome, CancellationToken cancellationToken);

    /// <summary>group_welcome_template/get: one library entry.</summary>
    Task<WeComApiResult<GroupWelcomeTemplate>> GetGroupWelcomeTemplateAsync(string tenant, string templateId, CancellationToken cancellationToken);

    /// <summary>group_welcome_template/del: removes a library entry this app created.</summary>
    Task<WeComApiResult<WeComAck>> DeleteGroupWelcomeTemplateAsync(string tenant, string templateId, CancellationToken cancellationToken);

    /// <summary>groupchat/get: a customer group with its members (each with its join scene and, for a 「加入群聊」 QR, the state).</summary>
    Task<WeComApiResult<GroupChatDetail>> GetGroupChatAsync(string tenant, string chatId, CancellationToken cancellationToken);

    /// <summary>groupchat/statistic: per-owner figures of days between yesterday and 180 days back (at most 30 days a call).</summary>
    Task<WeComApiResult<GroupChatStatisticPage>> GetGroupChatStatisticAsync(string tenant, GroupChatStatisticQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// A 「加入群聊」 configuration as WeCom takes it: <see cref="Scene"/> 2 = a QR; <see cref="ChatIdList"/> 1–5 groups;
/// <see cref="AutoCreateRoom"/> 1 = when the groups are full WeCom creates a new one named <see cref="RoomBaseName"/> +
/// a number counting from <see cref="RoomBaseId"/>; <see cref="State"/> (≤ 30 characters) comes back in groupchat/get's
/// member list for members who joined through it; <see cref="Remark"/> ≤ 30 characters.
/// </summary>
public sealed record JoinWay(
    [property: JsonPropertyName("config_id")] string? ConfigId = null,
    int? Scene = null,
    string? Remark = null,
    int? AutoCreateRoom = null,
    string? RoomBaseName = null,
    int? RoomBaseId = null,
    IReadOnlyList<string>? ChatIdList = null,
    string? State = null);

/// <summary>add_join_way's answer.</summary>
public sealed record JoinWayCreated([property: JsonPropertyName("config_id")] string ConfigId);

/// <summary>get_join_way's answer.</summary>
public sealed record JoinWayDetail(JoinWayInfo JoinWay);

/// <summary>A join way as WeCom keeps it, with its QR and the groups it serves now.</summary>
public sealed record JoinWayInfo(
    [property: JsonPropertyName("config_id")] string ConfigId, int Scene, string? Remark, int AutoCreateRoom, string? RoomBaseName, int? RoomBaseId,
    IReadOnlyList<string>? ChatIdList, string? QrCode, string? State);

/// <summary>A group-welcome library entry (text ≤ 3,000 bytes; <c>%NICKNAME%</c> becomes the joining customer's nickname).
/// <see cref="Notify"/>: 1 (WeCom's default) tells members to apply it to their groups, 0 does not.</summary>
public sealed record GroupWelcomeTemplate(
    [property: JsonPropertyName("template_id")] string? TemplateId = null,
    WeComText? Text = null,
    GroupWelcomeLink? Link = null,
    int? Notify = null);

/// <summary>A link card of a group welcome (title ≤ 128 bytes, desc ≤ 512 bytes).</summary>
public sealed record GroupWelcomeLink(string Title, string Url, string? Picurl = null, string? Desc = null);

/// <summary>group_welcome_template/add's answer.</summary>
public sealed record GroupWelcomeTemplateCreated([property: JsonPropertyName("template_id")] string TemplateId);

/// <summary>groupchat/get's answer.</summary>
public sealed record GroupChatDetail(GroupChatInfo GroupChat);

/// <summary>A customer group: its owner and members.</summary>
public sealed record GroupChatInfo(
    [property: JsonPropertyName("chat_id")] string ChatId, string? Name, string? Owner, long CreateTime, IReadOnlyList<GroupChatMember>? MemberList);

/// <summary>A member of a customer group: <see cref="Type"/> 1 = a corp member (userid), 2 = an external contact
/// (external_userid); <see cref="JoinScene"/> 1 direct invite, 2 invite link, 3 group QR; <see cref="State"/> the join
/// way's state when they joined through a 「加入群聊」 QR.</summary>
public sealed record GroupChatMember(
    [property: JsonPropertyName("userid")] string UserId, int Type, long JoinTime, int JoinScene, string? State = null);

/// <summary>groupchat/statistic's query: days (unix seconds of a day's 00:00, China time), owners (≤ 100), paging (limit ≤ 1,000).</summary>
public sealed record GroupChatStatisticQuery(
    long DayBeginTime, long? DayEndTime, GroupChatOwnerFilter? OwnerFilter, int? OrderBy = null, int? OrderAsc = null, int? Offset = null, int? Limit = null);

/// <summary>The owners groupchat/statistic reports on.</summary>
public sealed record GroupChatOwnerFilter([property: JsonPropertyName("userid_list")] IReadOnlyList<string> UseridList);

/// <summary>groupchat/statistic's answer: one item per owner, and the next offset.</summary>
public sealed record GroupChatStatisticPage(int Total, int NextOffset, IReadOnlyList<GroupChatStatisticItem>? Items);

/// <summary>One owner's figures.</summary>
public sealed record GroupChatStatisticItem(string Owner, GroupChatStatisticData Data);

/// <summary>WeCom's group figures of an owner over the queried days: new groups, groups, groups with messages, new members,
/// members, members who spoke, messages, and groups moved to a trainee.</summary>
public sealed record GroupChatStatisticData(
    int NewChatCnt, int ChatTotal, int ChatHasMsg, int NewMemberCnt, int MemberTotal, int MemberHasMsg, int MsgTotal, int MigrateTraineeChatCnt = 0);
