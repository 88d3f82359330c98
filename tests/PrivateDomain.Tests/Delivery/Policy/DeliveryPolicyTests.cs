using PrivateDomain.Customers;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Journeys;

namespace PrivateDomain.Tests.Delivery.Policy;

public sealed class DeliveryPolicyTests
{
    private static readonly TimeSpan ShanghaiOffset = TimeSpan.FromHours(8);
    private static readonly DeliveryPolicy Policy = new(new DeliveryPolicyOptions());

    /// <summary>Tuesday 12 May 2026 at a Shanghai local time.</summary>
    private static DateTimeOffset Shanghai(int hour, int minute = 0, int dayOffset = 0) =>
        new DateTimeOffset(2026, 5, 12, hour, minute, 0, ShanghaiOffset).AddDays(dayOffset);

    private static DeliveryRequest Request(Channel channel = Channel.OneToOne, RelationshipStatus? relationship = null, params string[] tags) =>
        new(channel, "C-1", "mgr-li", "welfare-01", tags, relationship);

    private static DeliveryHistory Sent(params DateTimeOffset[] oneToOne) =>
        DeliveryHistory.Empty with { CustomerSends = [.. oneToOne.Select(at => new PastSend(Channel.OneToOne, at))] };

    private static DeliveryRefused Refused(DeliveryDecision decision) => Assert.IsType<DeliveryRefused>(decision);

    [Fact]
    public void A_customer_with_no_history_is_allowed_in_the_daytime()
    {
        Assert.True(Policy.Evaluate(Request(), DeliveryHistory.Empty, Shanghai(10)).IsAllowed);
    }

    [Fact]
    public void An_opted_out_customer_is_refused_for_good()
    {
        var refused = Refused(Policy.Evaluate(Request(tags: "opted-out"), DeliveryHistory.Empty, Shanghai(10)));

        Assert.Equal(RefusalReason.OptedOut, refused.Reason);
        Assert.Null(refused.RetryAt);
    }

    [Fact]
    public void Opt_out_beats_every_other_rule()
    {
        var history = Sent(Shanghai(9, 30)) with { Template = new(100, 50), Sender = new(100, 50) };

        var refused = Refused(Policy.Evaluate(
            Request(Channel.OneToOne, RelationshipStatus.DeletedByCustomer, "deleted-us", "opted-out"), history, Shanghai(22)));

        Assert.Equal(RefusalReason.OptedOut, refused.Reason);
    }

    [Fact]
    public void A_customer_tagged_deleted_us_is_paused()
    {
        var refused = Refused(Policy.Evaluate(Request(tags: "deleted-us"), DeliveryHistory.Empty, Shanghai(10)));

        Assert.Equal(RefusalReason.DeletedUs, refused.Reason);
        Assert.Null(refused.RetryAt);
    }

    [Fact]
    public void A_customer_whose_relationship_says_they_deleted_the_manager_is_paused()
    {
        var refused = Refused(Policy.Evaluate(Request(relationship: RelationshipStatus.DeletedByCustomer), DeliveryHistory.Empty, Shanghai(10)));

        Assert.Equal(RefusalReason.DeletedUs, refused.Reason);
    }

    [Fact]
    public void A_customer_transferred_away_from_the_sender_is_refused_as_not_connected()
    {
        var refused = Refused(Policy.Evaluate(Request(relationship: RelationshipStatus.Transferred), DeliveryHistory.Empty, Shanghai(10)));

        Assert.Equal(RefusalReason.NotConnected, refused.Reason);
    }

    [Fact]
    public void A_second_one_to_one_message_on_the_same_local_day_is_refused_until_tomorrow_morning()
    {
        var refused = Refused(Policy.Evaluate(Request(), Sent(Shanghai(9, 30)), Shanghai(15)));

        Assert.Equal(RefusalReason.DailyCap, refused.Reason);
        Assert.Equal(Shanghai(9, dayOffset: 1), refused.RetryAt);
    }

    [Fact]
    public void A_send_at_half_past_seven_in_Shanghai_counts_against_that_Shanghai_day_though_it_was_yesterday_in_UTC()
    {
        var earlyMorning = new DateTimeOffset(2026, 5, 11, 23, 30, 0, TimeSpan.Zero); // 07:30 on 12 May in Shanghai

        var refused = Refused(Policy.Evaluate(Request(), Sent(earlyMorning), Shanghai(10)));

        Assert.Equal(RefusalReason.DailyCap, refused.Reason);
    }

    [Fact]
    public void A_send_last_evening_does_not_count_against_this_morning_though_it_was_under_24_hours_ago()
    {
        Assert.True(Policy.Evaluate(Request(), Sent(Shanghai(20, 30, dayOffset: -1)), Shanghai(9)).IsAllowed);
    }

    [Fact]
    public void A_sixth_one_to_one_message_in_seven_local_days_is_refused_with_WeeklyCap()
    {
        var history = Sent([.. Enumerable.Range(1, 5).Select(d => Shanghai(10, dayOffset: -d))]);

        var refused = Refused(Policy.Evaluate(Request(), history, Shanghai(10)));

        Assert.Equal(RefusalReason.WeeklyCap, refused.Reason);
    }

    [Fact]
    public void The_weekly_cap_lifts_on_the_morning_the_oldest_send_leaves_the_seven_day_window()
    {
        var history = Sent([.. Enumerable.Range(1, 5).Select(d => Shanghai(10, dayOffset: -d))]); // days -5 … -1

        var refused = Refused(Policy.Evaluate(Request(), history, Shanghai(10)));

        Assert.Equal(Shanghai(9, dayOffset: 2), refused.RetryAt); // day +2's window is days -4 … +2
    }

    [Fact]
    public void The_weekly_window_is_rolling_so_a_send_seven_days_ago_no_longer_counts()
    {
        var history = Sent([Shanghai(10, dayOffset: -7), .. Enumerable.Range(2, 4).Select(d => Shanghai(10, dayOffset: -d))]);

        Assert.True(Policy.Evaluate(Request(), history, Shanghai(10)).IsAllowed);
    }

    [Fact]
    public void A_fourth_Moments_post_by_the_same_manager_in_a_day_is_refused_with_SenderDailyCap()
    {
        var history = DeliveryHistory.Empty with { SenderSends = [.. new[] { 9, 11, 13 }.Select(h => new PastSend(Channel.Moments, Shanghai(h)))] };

        var refused = Refused(Policy.Evaluate(Request(Channel.Moments), history, Shanghai(15)));

        Assert.Equal(RefusalReason.SenderDailyCap, refused.Reason);
        Assert.Equal(Shanghai(9, dayOffset: 1), refused.RetryAt);
    }

    [Fact]
    public void A_one_to_one_message_today_does_not_use_up_the_managers_Moments_posts()
    {
        Assert.True(Policy.Evaluate(Request(Channel.Moments), Sent(Shanghai(9, 30)), Shanghai(15)).IsAllowed);
    }

    [Fact]
    public void A_second_group_post_by_the_same_manager_in_a_day_is_refused_with_SenderDailyCap()
    {
        var history = DeliveryHistory.Empty with { SenderSends = [new PastSend(Channel.Group, Shanghai(10))] };

        var refused = Refused(Policy.Evaluate(Request(Channel.Group), history, Shanghai(15)));

        Assert.Equal(RefusalReason.SenderDailyCap, refused.Reason);
    }

    [Theory]
    [InlineData(20, 59)]
    [InlineData(9, 0)]
    public void The_edges_of_the_send_window_are_allowed(int hour, int minute)
    {
        Assert.True(Policy.Evaluate(Request(), DeliveryHistory.Empty, Shanghai(hour, minute)).IsAllowed);
    }

    [Fact]
    public void Nine_in_the_evening_is_quiet_hours_until_nine_the_next_morning()
    {
        var refused = Refused(Policy.Evaluate(Request(), DeliveryHistory.Empty, Shanghai(21)));

        Assert.Equal(RefusalReason.QuietHours, refused.Reason);
        Assert.Equal(Shanghai(9, dayOffset: 1), refused.RetryAt);
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(8, 59)]
    public void Early_morning_is_quiet_hours_until_nine_the_same_morning(int hour, int minute)
    {
        var refused = Refused(Policy.Evaluate(Request(), DeliveryHistory.Empty, Shanghai(hour, minute)));

        Assert.Equal(RefusalReason.QuietHours, refused.Reason);
        Assert.Equal(Shanghai(9), refused.RetryAt);
    }

    [Fact]
    public void Quiet_hours_apply_in_the_tenants_time_zone_whatever_offset_now_carries()
    {
        var nineFifteenPmShanghaiInUtc = new DateTimeOffset(2026, 5, 12, 13, 15, 0, TimeSpan.Zero);

        var refused = Refused(Policy.Evaluate(Request(), DeliveryHistory.Empty, nineFifteenPmShanghaiInUtc));

        Assert.Equal(RefusalReason.QuietHours, refused.Reason);
    }

    [Fact]
    public void A_template_whose_deletion_rate_passes_the_limit_is_throttled()
    {
        var history = DeliveryHistory.Empty with { Template = new DeletionTally(Sends: 40, Deletions: 3) };

        var refused = Refused(Policy.Evaluate(Request(), history, Shanghai(10)));

        Assert.Equal(RefusalReason.TemplateThrottled, refused.Reason);
        Assert.Contains("welfare-01", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manager_whose_deletion_rate_passes_the_limit_is_throttled()
    {
        var history = DeliveryHistory.Empty with { Sender = new DeletionTally(Sends: 40, Deletions: 3) };

        var refused = Refused(Policy.Evaluate(Request(Channel.Moments), history, Shanghai(10)));

        Assert.Equal(RefusalReason.SenderThrottled, refused.Reason);
    }

    [Fact]
    public void One_deletion_out_of_two_sends_is_below_the_minimum_sample_and_does_not_throttle()
    {
        var history = DeliveryHistory.Empty with { Template = new DeletionTally(2, 1), Sender = new DeletionTally(2, 1) };

        Assert.True(Policy.Evaluate(Request(), history, Shanghai(10)).IsAllowed);
    }

    [Fact]
    public void A_deletion_rate_under_the_limit_does_not_throttle()
    {
        var history = DeliveryHistory.Empty with { Template = new DeletionTally(100, 4) };

        Assert.True(Policy.Evaluate(Request(), history, Shanghai(10)).IsAllowed);
    }

    [Fact]
    public void A_request_for_a_journey_touch_carries_its_channel_sender_and_template()
    {
        var touch = new Touch(new TouchId("j-1", 1, "s1"), 0, "attention", Channel.Moments, "welfare", "welfare-01", false, "C-1", "mgr-li", Shanghai(10).DateTime, Shanghai(10));

        Assert.Equal(Request(Channel.Moments), DeliveryRequest.For(touch, Request().CustomerTags));
    }

    [Fact]
    public void A_manager_s_personal_tasks_of_the_day_use_up_the_allowance_and_the_next_opens_after_the_night()
    {
        var posts = Enumerable.Range(0, 18).Select(i => new PastSend(Channel.OneToOne, Shanghai(9, i), Personal: true))
            .Append(new PastSend(Channel.OneToOne, Shanghai(9, 30))) // a mass-send task does not count
            .Append(new PastSend(Channel.OneToOne, Shanghai(15, dayOffset: -1), Personal: true)) // nor does yesterday
            .ToList();

        var allowance = Policy.PersonalTasks(posts, Shanghai(16));

        Assert.Equal((new DateOnly(2026, 5, 12), 18, 2), (allowance.Day, allowance.Used, allowance.Remaining));
        Assert.Equal(Shanghai(9, dayOffset: 1), allowance.NextDayOpens);
        Assert.Equal(0, Policy.PersonalTasks([.. posts, .. posts], Shanghai(16)).Remaining);
    }
}
