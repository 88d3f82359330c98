namespace PrivateDomain.Customers;

/// <summary>
/// A group code (群活码): a WeCom 「加入群聊」 QR (<c>groupchat/add_join_way</c>, scene 2) for 1–5 customer groups whose
/// <c>state</c> is <see cref="Code"/>. WeCom reports the state per member in <c>groupchat/get</c> (the change_external_chat
/// event carries none), so a join through the QR is attributed by reading the group after the event. When the groups are
/// full WeCom creates a new one (<see cref="AutoCreateRoom"/>) with the same owner; joins there carry the same state.
/// </summary>
/// <param name="Code">The state, up to 30 characters (WeCom's limit); unique per tenant and never reused.</param>
public sealed record GroupCode(string Code)
{
    /// <summary>A name for operators; the join way's remark at WeCom (≤ 30 characters).</summary>
    public string? Name { get; init; }

    /// <summary>The groups the QR was created for (WeCom takes 1–5).</summary>
    public IReadOnlyList<string> ChatIds { get; init; } = [];

    /// <summary>Whether WeCom creates a new group when these are full.</summary>
    public bool AutoCreateRoom { get; init; } = true;

    /// <summary>The name prefix of groups WeCom creates (≤ 40 characters).</summary>
    public string? RoomBaseName { get; init; }

    /// <summary>The number the first created group's name counts from.</summary>
    public int? RoomBaseId { get; init; }

    /// <summary>Our approved welcome template (kind welcome, channel group) the group welcome was made from.</summary>
    public string? WelcomeTemplateId { get; init; }

    /// <summary>The template's version that was put into WeCom's library.</summary>
    public int? WelcomeTemplateVersion { get; init; }

    /// <summary>WeCom's group-welcome library entry (<c>group_welcome_template/add</c>'s template_id).</summary>
    public string? WeComWelcomeTemplateId { get; init; }

    /// <summary>WeCom's config_id: without it the QR cannot be changed or deleted.</summary>
    public string? ConfigId { get; init; }

    /// <summary>The QR image URL (get_join_way's answer).</summary>
    public string? QrCode { get; init; }

    /// <summary>Where the code stands (the same states as a channel code's, without pause).</summary>
    public ChannelCodeStatus Status { get; init; } = ChannelCodeStatus.Active;

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Who created it (an operator's object id).</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>One customer who joined a group through a group code (counted once per code and group).</summary>
/// <param name="ChatId">The group they joined (one of the code's, or one WeCom created when those were full).</param>
/// <param name="CustomerId">Our customer id of the joining external contact.</param>
/// <param name="At">When WeCom says they joined.</param>
public sealed record GroupCodeJoin(string ChatId, string CustomerId, DateTimeOffset At);

/// <summary>Per-group figures of a group code: customers who joined through its QR, and how many of them left again.</summary>
/// <param name="ChatId">The group.</param>
/// <param name="Joins">Customers who joined through the QR.</param>
/// <param name="Left">Of those, customers who are no longer members (from the chat events).</param>
public sealed record GroupCodeChatStats(string ChatId, int Joins, int Left);

/// <summary>Group codes and their joins.</summary>
public interface IGroupCodes
{
    /// <summary>The code with this state, or null.</summary>
    Task<GroupCode?> FindAsync(string tenant, string code, CancellationToken cancellationToken);

    /// <summary>Adds a new code; false if the state is taken (by a group code).</summary>
    Task<bool> TryAddAsync(string tenant, GroupCode code, CancellationToken cancellationToken);

    /// <summary>Replaces a code.</summary>
    Task SaveAsync(string tenant, GroupCode code, CancellationToken cancellationToken);

    /// <summary>Every code of the tenant.</summary>
    IAsyncEnumerable<GroupCode> ListAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Records a join through the code (once per code, group and customer; a repeat is harmless).</summary>
    Task RecordJoinAsync(string tenant, string code, GroupCodeJoin join, CancellationToken cancellationToken);

    /// <summary>The code's joins.</summary>
    IAsyncEnumerable<GroupCodeJoin> JoinsAsync(string tenant, string code, CancellationToken cancellationToken);
}

/// <summary>One owner's group figures for one day, as WeCom's <c>groupchat/statistic</c> reported them.</summary>
/// <param name="Day">The day (China time).</param>
/// <param name="Owner">The group owner (an employee userid): WeCom aggregates by owner, never by single group.</param>
/// <param name="NewChats">Groups created that day.</param>
/// <param name="Chats">Groups in total.</param>
/// <param name="ChatsWithMessages">Groups with a message that day.</param>
/// <param name="NewMembers">Members who joined that day.</param>
/// <param name="Members">Members in total.</param>
/// <param name="MembersWhoSpoke">Members who sent a message that day.</param>
/// <param name="Messages">Messages that day.</param>
/// <param name="ReadAt">When we read it from WeCom.</param>
public sealed record GroupChatDailyStats(
    DateOnly Day, string Owner, int NewChats, int Chats, int ChatsWithMessages, int NewMembers, int Members, int MembersWhoSpoke, int Messages, DateTimeOffset ReadAt);

/// <summary>Daily group figures per owner (table storage).</summary>
public interface IGroupChatStatistics
{
    /// <summary>Stores (replaces) one owner's figures of one day.</summary>
    Task SaveAsync(string tenant, GroupChatDailyStats stats, CancellationToken cancellationToken);

    /// <summary>The figures of the days in [first, last], by day then owner.</summary>
    IAsyncEnumerable<GroupChatDailyStats> ListAsync(string tenant, DateOnly first, DateOnly last, CancellationToken cancellationToken);
}
