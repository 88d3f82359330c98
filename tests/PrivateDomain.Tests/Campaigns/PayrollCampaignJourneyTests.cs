using PrivateDomain.Campaigns;
using PrivateDomain.Journeys;
using PrivateDomain.Tests.Journeys;
using static PrivateDomain.Tests.Campaigns.CalendarFixtures;

namespace PrivateDomain.Tests.Campaigns;

/// <summary>The payroll campaign journey on the pure engine: its steps fall on the window's dates (working days skip the
/// weekend), its touches carry the campaign and the payday, and a late start drops stale steps rather than sending them.</summary>
public sealed class PayrollCampaignJourneyTests
{
    private static readonly JourneyDefinition Campaign = JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory).Get(PayrollCampaignJourney.JourneyId);

    // Payday Thursday 19 Nov 2026: D-5 Thu 12, D-4 Fri 13, D-3 Mon 16 (working days skip the weekend).
    private static PayrollCampaign Payday19Nov() =>
        new("demo", "payroll:E-1:2026-11", "E-1", new PayMonth(2026, 11), D("2026-11-19"),
            PayrollWindow.For(new PayrollEmployer("E-1", PaydayRule.Parse("day:19")), new PayMonth(2026, 11), Official, PayrollDayCounting.WorkingDays).CampaignDays,
            JourneyFixtures.Local(2026, 11, 12, 9));

    private static JourneyState Start(PayrollCampaign campaign, DateTimeOffset at) =>
        JourneyFixtures.Engine.Start(Campaign, PayrollCampaignJourney.InstanceId("demo", "c1", campaign.CampaignId), "c1", "am1", at,
            PayrollCampaignJourney.Occasion(campaign));

    private static (JourneyDecision Decision, JourneyState State) Run(JourneyState state, DateTimeOffset at)
    {
        var decision = JourneyFixtures.Engine.Decide(Campaign, state, at);
        if (decision is SendTouches send)
        {
            foreach (var t in send.Touches)
            {
                state = JourneyEngine.Apply(state, new TouchSent(t, at));
            }
        }

        return (decision, state);
    }

    [Fact]
    public void The_window_is_D5_D4_D3_in_working_days_across_a_weekend()
    {
        Assert.Equal([D("2026-11-12"), D("2026-11-13"), D("2026-11-16")], Payday19Nov().CampaignDays);
    }

    [Fact]
    public void Welfare_quiz_and_sales_go_out_on_the_campaign_days_and_the_quiz_to_sales_gap_waits_over_the_weekend()
    {
        var campaign = Payday19Nov();
        var state = Start(campaign, JourneyFixtures.Local(2026, 11, 12, 9));

        var (first, _) = Run(state, JourneyFixtures.Local(2026, 11, 12, 9));
        Assert.Equal(JourneyFixtures.Local(2026, 11, 12, 10), Assert.IsType<WaitUntil>(first).Until);

        (var welfare, state) = Run(state, JourneyFixtures.Local(2026, 11, 12, 10));
        (var quiz, state) = Run(state, JourneyFixtures.Local(2026, 11, 13, 10));
        var (saturday, _) = Run(state, JourneyFixtures.Local(2026, 11, 14, 10));
        (var sales, state) = Run(state, JourneyFixtures.Local(2026, 11, 16, 10));

        Assert.Equal(["welfare"], Assert.IsType<SendTouches>(welfare).Touches.Select(t => t.Id.StepId));
        Assert.Equal(["quiz"], Assert.IsType<SendTouches>(quiz).Touches.Select(t => t.Id.StepId));
        Assert.Equal(JourneyFixtures.Local(2026, 11, 16, 10), Assert.IsType<WaitUntil>(saturday).Until);
        var salesTouch = Assert.Single(Assert.IsType<SendTouches>(sales).Touches);
        Assert.Equal(("sales", "payroll.sales"), (salesTouch.Id.StepId, salesTouch.Content));
        Assert.IsType<CompleteJourney>(JourneyFixtures.Engine.Decide(Campaign, state, JourneyFixtures.Local(2026, 11, 16, 11)));
    }

    [Fact]
    public void Every_touch_carries_the_campaign_and_its_payday_for_the_payday_placeholder()
    {
        var campaign = Payday19Nov();
        var state = Start(campaign, JourneyFixtures.Local(2026, 11, 12, 9));

        var touch = Assert.Single(Assert.IsType<SendTouches>(JourneyFixtures.Engine.Decide(Campaign, state, JourneyFixtures.Local(2026, 11, 12, 10))).Touches);

        Assert.Equal((campaign.CampaignId, (DateOnly?)D("2026-11-19")), (touch.Campaign, touch.Payday));
    }

    [Fact]
    public void A_campaign_started_late_on_D4_drops_the_stale_welfare_and_sends_the_quiz()
    {
        var campaign = Payday19Nov();
        var state = Start(campaign, JourneyFixtures.Local(2026, 11, 13, 15));

        var send = Assert.IsType<SendTouches>(JourneyFixtures.Engine.Decide(Campaign, state, JourneyFixtures.Local(2026, 11, 13, 15)));

        Assert.Equal(["quiz"], send.Touches.Select(t => t.Id.StepId));
    }

    [Fact]
    public void Days_that_do_not_increase_are_refused_at_start()
    {
        var occasion = new JourneyOccasion("x", [D("2026-11-13"), D("2026-11-12")], null);

        Assert.Throws<ArgumentException>(() => JourneyFixtures.Engine.Start(Campaign, "i", "c1", "am1", JourneyFixtures.Local(2026, 11, 12, 9), occasion));
    }

    [Theory]
    [InlineData("demo:payroll-campaign:c1:payroll:E-1:2026-11/r1/welfare", "openedWelfarePage")]
    [InlineData("demo:payroll-campaign:c1:payroll:E-1:2026-11/r1/quiz", "answeredQuiz")]
    [InlineData("demo:payroll-campaign:c1:payroll:E-1:2026-11/r1/sales", "openedProductPage")]
    [InlineData(null, "openedLink")]
    public void A_tracked_link_names_what_the_customer_did_by_the_step_it_came_from(string? touchId, string activity)
    {
        Assert.Equal(activity, PayrollCampaignJourney.Activity(PayrollCampaignJourney.StepOf(touchId)));
    }
}
