using PrivateDomain.Delivery;
using PrivateDomain.WeCom;

namespace PrivateDomain.WeComApi;

/// <summary>The customer-group calls (<see cref="IWeComGroupChats"/>) over the same token, limiter and retry path.</summary>
public sealed partial class WeComApiClient : IWeComGroupChats
{
    // add_join_way and group_welcome_template/add are not idempotent: a repeat after an unknown outcome makes a second one.
    private static readonly WeComCall AddJoinWay = new("externalcontact/groupchat/add_join_way", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall GetJoinWay = new("externalcontact/groupchat/get_join_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall UpdateJoinWay = new("externalcontact/groupchat/update_join_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall DelJoinWay = new("externalcontact/groupchat/del_join_way", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall AddGroupWelcome = new("externalcontact/group_welcome_template/add", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall EditGroupWelcome = new("externalcontact/group_welcome_template/edit", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetGroupWelcome = new("externalcontact/group_welcome_template/get", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall DelGroupWelcome = new("externalcontact/group_welcome_template/del", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetGroupChat = new("externalcontact/groupchat/get", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GroupChatStatistic = new("externalcontact/groupchat/statistic", HttpMethod.Post, Idempotent: true);

    /// <inheritdoc />
    public Task<WeComApiResult<JoinWayCreated>> AddJoinWayAsync(string tenant, JoinWay way, CancellationToken cancellationToken) =>
        CallAsync<JoinWayCreated>(tenant, AddJoinWay, way, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<JoinWayDetail>> GetJoinWayAsync(string tenant, string configId, CancellationToken cancellationToken) =>
        CallAsync<JoinWayDetail>(tenant, GetJoinWay, new JoinWay(ConfigId: configId), null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> UpdateJoinWayAsync(string tenant, JoinWay way, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, UpdateJoinWay, way, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> DeleteJoinWayAsync(string tenant, string configId, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, DelJoinWay, new JoinWay(ConfigId: configId), null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<GroupWelcomeTemplateCreated>> AddGroupWelcomeTemplateAsync(string tenant, GroupWelcomeTemplate welcome, CancellationToken cancellationToken) =>
        CallAsync<GroupWelcomeTemplateCreated>(tenant, AddGroupWelcome, welcome, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> EditGroupWelcomeTemplateAsync(string tenant, GroupWelcomeTemplate welcome, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, EditGroupWelcome, welcome, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<GroupWelcomeTemplate>> GetGroupWelcomeTemplateAsync(string tenant, string templateId, CancellationToken cancellationToken) =>
        CallAsync<GroupWelcomeTemplate>(tenant, GetGroupWelcome, new GroupWelcomeTemplate(TemplateId: templateId), null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> DeleteGroupWelcomeTemplateAsync(string tenant, string templateId, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, DelGroupWelcome, new GroupWelcomeTemplate(TemplateId: templateId), null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<GroupChatDetail>> GetGroupChatAsync(string tenant, string chatId, CancellationToken cancellationToken) =>
        CallAsync<GroupChatDetail>(tenant, GetGroupChat, new Dictionary<string, object> { ["chat_id"] = chatId, ["need_name"] = 0 }, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<GroupChatStatisticPage>> GetGroupChatStatisticAsync(string tenant, GroupChatStatisticQuery query, CancellationToken cancellationToken) =>
        CallAsync<GroupChatStatisticPage>(tenant, GroupChatStatistic, query, null, cancellationToken);
}
