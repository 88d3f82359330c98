using PrivateDomain.Customers;

namespace PrivateDomain.Tests.Customers;

/// <summary>What a group code request must hold before anything reaches WeCom, and the China-time day arithmetic of the daily read.</summary>
public sealed class GroupCodeRequestTests
{
    private static readonly GroupCodeRequest Good = new("g-xihu-salon", "西湖理财沙龙", ["wrChat1"], null, "西湖理财沙龙", 2, "welcome.group");

    [Fact]
    public void A_complete_request_passes() => Assert.Null(GroupCodeService.Validate(Good));

    [Fact]
    public void A_state_over_WeComs_30_characters_is_refused() =>
        Assert.Equal("code", GroupCodeService.Validate(Good with { Code = new string('g', 31) })?.Field);

    [Fact]
    public void Six_groups_are_one_more_than_a_join_way_takes() =>
        Assert.Equal("chatIds", GroupCodeService.Validate(Good with { ChatIds = [.. Enumerable.Range(1, 6).Select(i => $"wrChat{i}")] })?.Field);

    [Fact]
    public void The_same_group_twice_is_refused() =>
        Assert.Equal("chatIds", GroupCodeService.Validate(Good with { ChatIds = ["wrChat1", "wrChat1"] })?.Field);

    [Fact]
    public void Automatic_new_groups_need_a_name_prefix_but_without_them_none_is_needed()
    {
        Assert.Equal("roomBaseName", GroupCodeService.Validate(Good with { RoomBaseName = null })?.Field);
        Assert.Equal("roomBaseName", GroupCodeService.Validate(Good with { RoomBaseName = new string('群', 41) })?.Field);
        Assert.Null(GroupCodeService.Validate(Good with { AutoCreateRoom = false, RoomBaseName = null }));
    }

    [Fact]
    public void A_template_id_with_other_characters_is_refused() =>
        Assert.Equal("welcomeTemplateId", GroupCodeService.Validate(Good with { WelcomeTemplateId = "Welcome Group" })?.Field);

    [Fact]
    public void Yesterday_is_the_China_day_before_even_when_UTC_is_still_on_the_previous_date()
    {
        // 2026-12-05 17:30 UTC is 2026-12-06 01:30 in China: yesterday there is the 5th.
        Assert.Equal(new DateOnly(2026, 12, 5), GroupChatStatisticsRead.Yesterday(new DateTimeOffset(2026, 12, 5, 17, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeSeconds(), GroupChatStatisticsRead.DayStart(new DateOnly(2026, 12, 5)));
    }
}
