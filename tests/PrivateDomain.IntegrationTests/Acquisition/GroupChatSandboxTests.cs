using PrivateDomain.Customers;
using PrivateDomain.Delivery;
using PrivateDomain.IntegrationTests.Delivery;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>The WeCom client's customer-group calls against the sandbox on loopback: WeCom's contracts and limits for join
/// ways, the group-welcome library, groupchat/get and groupchat/statistic.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GroupChatSandboxTests(AzuriteFixture fixture)
{
    private const string Tenant = WeComClientHarness.Tenant;

    [Fact]
    public async Task Join_ways_take_one_to_five_known_groups_and_a_state_of_at_most_30_characters()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var client = WeComClientHarness.Create(fixture.Azurite.ConnectionString(), sandbox, WeComClientHarness.NewApp(sandbox));
        var api = client.GroupChats;
        var chats = Enumerable.Range(1, 6).Select(i => sandbox.Sandbox.CreateGroupChat("lina", $"沙龙{i}群")).ToList();

        Assert.Equal(WeComErrorKind.InvalidInput, (await api.AddJoinWayAsync(Tenant, new JoinWay(Scene: 2, ChatIdList: chats), default)).Error?.Kind);
        Assert.Equal(40050, (await api.AddJoinWayAsync(Tenant, new JoinWay(Scene: 2, ChatIdList: ["wrNoSuchGroup"]), default)).Error?.Code);
        Assert.Equal(40058, (await api.AddJoinWayAsync(Tenant, new JoinWay(Scene: 2, ChatIdList: [chats[0]], State: new string('s', 31)), default)).Error?.Code);

        var created = (await api.AddJoinWayAsync(Tenant, new JoinWay(Scene: 2, Remark: "一个超过三十个字符的备注一个超过三十个字符的备注一个超过三十个字符的备注", AutoCreateRoom: 0,
            ChatIdList: chats[..5], State: "g-salon"), default)).GetValueOrThrow();
        var way = (await api.GetJoinWayAsync(Tenant, created.ConfigId, default)).GetValueOrThrow().JoinWay;
        Assert.Equal((5, "g-salon", 0, 30), (way.ChatIdList!.Count, way.State, way.AutoCreateRoom, way.Remark!.Length));
        Assert.StartsWith("https://", way.QrCode, StringComparison.Ordinal);

        // A join through it: groupchat/get names the member's join scene and the way's state.
        var join = sandbox.Sandbox.JoinThroughQr(created.ConfigId, "wmJoiner0001", "小王")!;
        var member = Assert.Single((await api.GetGroupChatAsync(Tenant, join.ChatId, default)).GetValueOrThrow().GroupChat.MemberList!, m => m.UserId == "wmJoiner0001");
        Assert.Equal((2, 3, "g-salon"), (member.Type, member.JoinScene, member.State));
        Assert.Equal(WeComErrorKind.NotFound, (await api.GetGroupChatAsync(Tenant, "wrNoSuchGroup", default)).Error?.Kind);

        Assert.True((await api.DeleteJoinWayAsync(Tenant, created.ConfigId, default)).IsSuccess);
        Assert.Null(sandbox.Sandbox.JoinThroughQr(created.ConfigId, "wmJoiner0002"));
    }

    [Fact]
    public async Task The_group_welcome_library_keeps_WeComs_text_and_link_limits()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var client = WeComClientHarness.Create(fixture.Azurite.ConnectionString(), sandbox, WeComClientHarness.NewApp(sandbox));
        var api = client.GroupChats;

        Assert.Equal(45002, (await api.AddGroupWelcomeTemplateAsync(Tenant, new GroupWelcomeTemplate(Text: new WeComText(new string('欢', 1001))), default)).Error?.Code);
        Assert.Equal(44004, (await api.AddGroupWelcomeTemplateAsync(Tenant, new GroupWelcomeTemplate(), default)).Error?.Code);
        Assert.Equal(40058, (await api.AddGroupWelcomeTemplateAsync(Tenant,
            new GroupWelcomeTemplate(Link: new GroupWelcomeLink(new string('标', 43), "https://h5.example-bank.cn/x")), default)).Error?.Code);

        var added = (await api.AddGroupWelcomeTemplateAsync(Tenant, new GroupWelcomeTemplate(Text: new WeComText("欢迎%NICKNAME%入群"), Notify: 0), default)).GetValueOrThrow();
        Assert.Empty(sandbox.Sandbox.GroupWelcomeNotifications);
        Assert.True((await api.EditGroupWelcomeTemplateAsync(Tenant, new GroupWelcomeTemplate(added.TemplateId, new WeComText("欢迎%NICKNAME%加入")), default)).IsSuccess);
        Assert.Equal("欢迎%NICKNAME%加入", (await api.GetGroupWelcomeTemplateAsync(Tenant, added.TemplateId, default)).GetValueOrThrow().Text?.Content);

        // Applied to a group, it greets each joiner by nickname.
        var chat = sandbox.Sandbox.CreateGroupChat("lina", "沙龙群");
        var way = (await api.AddJoinWayAsync(Tenant, new JoinWay(Scene: 2, ChatIdList: [chat], State: "g-1"), default)).GetValueOrThrow();
        Assert.Equal(SandboxControlOutcome.Done, sandbox.Sandbox.ApplyGroupWelcome(chat, added.TemplateId));
        Assert.Equal("欢迎小王加入", sandbox.Sandbox.JoinThroughQr(way.ConfigId, "wmJoiner0001", "小王")!.Welcome?.Text);

        Assert.True((await api.DeleteGroupWelcomeTemplateAsync(Tenant, added.TemplateId, default)).IsSuccess);
        Assert.Equal(WeComErrorKind.InvalidInput, (await api.GetGroupWelcomeTemplateAsync(Tenant, added.TemplateId, default)).Error?.Kind);
    }

    [Fact]
    public async Task Group_statistics_cover_yesterday_back_180_days_at_most_30_days_and_100_owners_a_call()
    {
        await using var sandbox = await WeComSandboxHost.StartAsync();
        await using var client = WeComClientHarness.Create(fixture.Azurite.ConnectionString(), sandbox, WeComClientHarness.NewApp(sandbox));
        var api = client.GroupChats;
        var yesterday = GroupChatStatisticsRead.Yesterday(DateTimeOffset.UtcNow);
        var today = GroupChatStatisticsRead.DayStart(yesterday.AddDays(1));
        var owners = new GroupChatOwnerFilter(["lina"]);

        Assert.Equal(40058, (await api.GetGroupChatStatisticAsync(Tenant, new GroupChatStatisticQuery(today, today, owners), default)).Error?.Code);
        Assert.Equal(40058, (await api.GetGroupChatStatisticAsync(Tenant,
            new GroupChatStatisticQuery(GroupChatStatisticsRead.DayStart(yesterday.AddDays(-30)), GroupChatStatisticsRead.DayStart(yesterday), owners), default)).Error?.Code);
        Assert.Equal(40058, (await api.GetGroupChatStatisticAsync(Tenant, new GroupChatStatisticQuery(GroupChatStatisticsRead.DayStart(yesterday), null,
            new GroupChatOwnerFilter([.. Enumerable.Range(0, 101).Select(i => $"u{i}")])), default)).Error?.Code);

        sandbox.Sandbox.SetGroupMessageFigures(yesterday, "lina", 2, 9, 40);
        sandbox.Sandbox.SetGroupMessageFigures(yesterday.AddDays(-1), "lina", 1, 3, 5);
        var page = (await api.GetGroupChatStatisticAsync(Tenant, new GroupChatStatisticQuery(GroupChatStatisticsRead.DayStart(yesterday.AddDays(-1)),
            GroupChatStatisticsRead.DayStart(yesterday), owners), default)).GetValueOrThrow();
        var item = Assert.Single(page.Items!);
        Assert.Equal(("lina", 45, 12), (item.Owner, item.Data.MsgTotal, item.Data.MemberHasMsg));
    }
}
