using PrivateDomain.Delivery.Policy;

namespace PrivateDomain.Tests.Delivery.Policy;

public sealed class DeliveryPolicyOptionsTests
{
    public static TheoryData<DeliveryPolicyOptions, string> Invalid => new()
    {
        { new() { TimeZoneId = "Mars/Olympus" }, nameof(DeliveryPolicyOptions.TimeZoneId) },
        { new() { QuietHoursStart = new(21, 0), QuietHoursEnd = new(21, 0) }, nameof(DeliveryPolicyOptions.QuietHoursStart) },
        { new() { OneToOnePerDay = 0 }, nameof(DeliveryPolicyOptions.OneToOnePerDay) },
        { new() { OneToOnePerDay = 2, OneToOnePerWeek = 1 }, nameof(DeliveryPolicyOptions.OneToOnePerWeek) },
        { new() { OneToOnePerWeek = 32 }, nameof(DeliveryPolicyOptions.OneToOnePerWeek) },
        { new() { MomentsPerSenderPerDay = 0 }, nameof(DeliveryPolicyOptions.MomentsPerSenderPerDay) },
        { new() { GroupPerSenderPerDay = 0 }, nameof(DeliveryPolicyOptions.GroupPerSenderPerDay) },
        { new() { DeletionRateWindow = TimeSpan.Zero }, nameof(DeliveryPolicyOptions.DeletionRateWindow) },
        { new() { TemplateDeletionRateLimit = 0 }, nameof(DeliveryPolicyOptions.TemplateDeletionRateLimit) },
        { new() { SenderDeletionRateLimit = 1.5 }, nameof(DeliveryPolicyOptions.SenderDeletionRateLimit) },
        { new() { DeletionRateMinimumSends = 0 }, nameof(DeliveryPolicyOptions.DeletionRateMinimumSends) },
    };

    [Fact]
    public void The_defaults_are_valid_and_stay_within_the_admins_strictest_WeCom_setting()
    {
        var options = new DeliveryPolicyOptions().Validated();

        Assert.Equal("Asia/Shanghai", options.TimeZoneId);
        Assert.Equal((new TimeOnly(21, 0), new TimeOnly(9, 0)), (options.QuietHoursStart, options.QuietHoursEnd));
        Assert.Equal(1, options.OneToOnePerDay);
        Assert.InRange(options.OneToOnePerWeek, 1, 7);
    }

    [Fact]
    public void The_default_weekly_cap_is_not_below_the_journey_engines_so_delivery_never_drops_a_planned_touch()
    {
        var weekly = PrivateDomain.Journeys.TouchPolicy.Default.OneToOneCaps.Single(c => c.Days == 7);

        Assert.True(new DeliveryPolicyOptions().OneToOnePerWeek >= weekly.Max);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_options_are_refused_with_a_message_naming_the_field(DeliveryPolicyOptions options, string field)
    {
        var e = Assert.Throws<ArgumentException>(() => new DeliveryPolicy(options));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quiet_hours_that_do_not_span_midnight_are_honoured()
    {
        var policy = new DeliveryPolicy(new() { QuietHoursStart = new(12, 0), QuietHoursEnd = new(14, 0) });
        var noon = new DateTimeOffset(2026, 5, 12, 12, 30, 0, TimeSpan.FromHours(8));
        var request = new DeliveryRequest(PrivateDomain.Journeys.Channel.OneToOne, "C-1", "mgr-li", "welfare-01", []);

        var refused = Assert.IsType<DeliveryRefused>(policy.Evaluate(request, DeliveryHistory.Empty, noon));

        Assert.Equal(noon.Date.AddHours(14), refused.RetryAt!.Value.DateTime);
    }
}
