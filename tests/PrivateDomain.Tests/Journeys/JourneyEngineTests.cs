using PrivateDomain.Journeys;
using static PrivateDomain.Tests.Journeys.JourneyFixtures;

namespace PrivateDomain.Tests.Journeys;

public sealed class JourneyEngineTests
{
    private static readonly DateTimeOffset End = Local(2025, 4, 30, 0);

    private static (int OneToOne, int Moments) Count(IEnumerable<Touch> touches) =>
        (touches.Count(t => t.Channel == Channel.OneToOne), touches.Count(t => t.Channel == Channel.Moments));

    // ---- cadence ----

    [Fact]
    public void Day_one_is_the_day_after_enrolment_and_the_first_touch_waits_for_its_local_time()
    {
        var decision = Engine.Decide(Aida, Start(Aida), Enrolled);

        Assert.Equal(new WaitUntil(Local(2025, 3, 4, 9, 30), true), decision);
    }

    [Fact]
    public void Attention_sends_one_welfare_message_and_three_Moments_posts_on_day_one()
    {
        var run = Drive(Aida, Start(Aida), End);

        var day1 = run.OnDay(1).ToList();
        Assert.Equal((1, 3), Count(day1));
        Assert.Equal("welfare", day1.Single(t => t.Channel == Channel.OneToOne).Kind);
        Assert.Equal(["persona", "values", "values"], day1.Where(t => t.Channel == Channel.Moments).Select(t => t.Kind));
        Assert.All(day1, t => Assert.Equal("attention", t.Stage));
    }

    [Fact]
    public void Interest_and_desire_send_an_ice_breaker_two_finance_tips_and_three_Moments_posts_on_days_two_to_seven()
    {
        var run = Drive(Aida, Start(Aida), End);

        var days = Enumerable.Range(2, 6).SelectMany(run.OnDay).ToList();
        Assert.Equal((3, 3), Count(days));
        Assert.Equal(["iceBreakerProduct", "financeTip", "financeTip"], days.Where(t => t.Channel == Channel.OneToOne).Select(t => t.Kind));
        Assert.Equal(["persona", "values", "case"], days.Where(t => t.Channel == Channel.Moments).Select(t => t.Kind));
    }

    [Fact]
    public void Action_sends_a_peer_story_rights_and_an_activity_and_one_campaign_post_on_days_eight_to_twelve()
    {
        var run = Drive(Aida, Start(Aida), End);

        var days = Enumerable.Range(8, 5).SelectMany(run.OnDay).ToList();
        Assert.Equal((3, 1), Count(days));
        Assert.Equal(["peerStory", "rights", "activity"], days.Where(t => t.Channel == Channel.OneToOne).Select(t => t.Kind));
        Assert.Equal("campaign", days.Single(t => t.Channel == Channel.Moments).Kind);
    }

    [Fact]
    public void Touches_are_planned_at_the_steps_local_times_in_Shanghai()
    {
        var run = Drive(Aida, Start(Aida), End);

        var welfare = run.Sent.First(t => t.Kind == "welfare");
        Assert.Equal(new DateTime(2025, 3, 4, 10, 30, 0), welfare.Slot);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 2, 30, 0, TimeSpan.Zero), welfare.SlotAt);
    }

    // ---- round 2 ----

    [Fact]
    public void Round_two_repeats_the_plan_on_days_thirteen_to_twenty_four()
    {
        var run = Drive(Aida, Start(Aida), End);

        var round1 = run.Sent.Where(t => t.Id.Round == 1).ToList();
        var round2 = run.Sent.Where(t => t.Id.Round == 2).ToList();
        Assert.Equal((7, 7), Count(round1));
        Assert.Equal(round1.Select(t => (t.Step, t.Slot.AddDays(12))), round2.Select(t => (t.Step, t.Slot)));
        Assert.All(round2, t => Assert.InRange(t.LocalDate, new DateOnly(2025, 3, 16), new DateOnly(2025, 3, 27)));
    }

    [Fact]
    public void The_next_round_is_asked_for_once_round_one_is_done_and_the_journey_finishes_after_round_two()
    {
        var lastDay = Local(2025, 3, 15, 10);
        var state = Drive(Aida, Start(Aida), Local(2025, 3, 15, 9)).State;
        var activity = Assert.IsType<SendTouches>(Engine.Decide(Aida, state, lastDay)).Touches.Single();
        state = JourneyEngine.Apply(state, new TouchSent(activity, lastDay));

        Assert.Equal(new StartNextRound(2), Engine.Decide(Aida, state, lastDay));
        var end = Drive(Aida, JourneyEngine.Apply(state, new RoundStarted(2, lastDay)), End, from: lastDay);
        Assert.Equal(new CompleteJourney(JourneyEnd.Finished), end.Last);
        Assert.Equal(14, end.Sent.Count);
    }

    [Fact]
    public void Touch_ids_come_from_instance_round_and_step_so_a_resend_is_recognisable()
    {
        var run = Drive(Aida, Start(Aida), End);

        var welfare = run.Sent.Where(t => t.Kind == "welfare").Select(t => t.Id.ToString()).ToList();
        Assert.Equal(["t1:aida-nurture:cust-1/r1/attention-welfare", "t1:aida-nurture:cust-1/r2/attention-welfare"], welfare);
        Assert.Equal(run.Sent.Count, run.Sent.Select(t => t.Id).Distinct().Count());
        Assert.Equal(run.Sent.Select(t => t.Id), Drive(Aida, Start(Aida), End).Sent.Select(t => t.Id));
    }

    // ---- skip-ahead ----

    [Fact]
    public void A_customer_who_reacts_to_attention_content_skips_the_interest_ice_breaker()
    {
        var click = new Reacted(ReactionKind.Clicked, Local(2025, 3, 4, 11), new TouchId("t1:aida-nurture:cust-1", 1, "attention-welfare"));

        var run = Drive(Aida, Start(Aida), Local(2025, 3, 15, 23), [click]);

        Assert.DoesNotContain(run.Sent, t => t.Kind == "iceBreakerProduct");
        Assert.Equal(["welfare", "financeTip", "financeTip", "peerStory", "rights", "activity"], run.OneToOne.Select(t => t.Kind));
    }

    [Fact]
    public void A_reply_without_a_touch_id_counts_for_the_last_touch_sent()
    {
        var reply = new Reacted(ReactionKind.Replied, Local(2025, 3, 4, 11));

        var run = Drive(Aida, Start(Aida), Local(2025, 3, 10, 23), [reply]);

        Assert.DoesNotContain(run.Sent, t => t.Kind == "iceBreakerProduct");
    }

    [Fact]
    public void A_reaction_after_the_attention_stage_does_not_skip_anything()
    {
        var click = new Reacted(ReactionKind.Clicked, Local(2025, 3, 6, 11), new TouchId("t1:aida-nurture:cust-1", 1, "interest-ice-breaker"));

        var run = Drive(Aida, Start(Aida), Local(2025, 3, 15, 23), [click]);

        Assert.Equal((7, 7), Count(run.Sent));
    }

    [Fact]
    public void Skipping_ahead_keeps_the_Moments_posts_because_the_rule_covers_one_to_one_only()
    {
        var click = new Reacted(ReactionKind.Clicked, Local(2025, 3, 4, 11), new TouchId("t1:aida-nurture:cust-1", 1, "attention-welfare"));

        var run = Drive(Aida, Start(Aida), Local(2025, 3, 15, 23), [click]);

        Assert.Equal(7, run.Moments.Count());
    }

    [Fact]
    public void Skip_ahead_is_decided_per_round_so_round_two_starts_again_with_the_ice_breaker()
    {
        var click = new Reacted(ReactionKind.Clicked, Local(2025, 3, 4, 11), new TouchId("t1:aida-nurture:cust-1", 1, "attention-welfare"));

        var run = Drive(Aida, Start(Aida), End, [click]);

        Assert.Single(run.Sent, t => t.Kind == "iceBreakerProduct" && t.Id.Round == 2);
    }

    // ---- 3W ----

    [Fact]
    public void Intent_swaps_the_action_stage_one_to_one_copy_for_the_3W_script_without_adding_touches()
    {
        var run = Drive(Aida, Start(Aida), Local(2025, 3, 15, 23), [new IntentShown(Local(2025, 3, 9, 12))]);

        var action = run.OneToOne.Where(t => t.Stage == "action").ToList();
        Assert.Equal(["3w.what", "3w.why", "3w.why-now"], action.Select(t => t.Content));
        Assert.All(action, t => Assert.True(t.ThreeW));
        Assert.Equal((7, 7), Count(run.Sent));
    }

    [Fact]
    public void Intent_leaves_Moments_and_earlier_stages_as_they_are()
    {
        var run = Drive(Aida, Start(Aida), Local(2025, 3, 15, 23), [new IntentShown(Local(2025, 3, 4, 12))]);

        Assert.All(run.Sent.Where(t => t.Stage != "action" || t.Channel == Channel.Moments), t => Assert.False(t.ThreeW));
        Assert.Equal("aida.action.campaign", run.Moments.Single(t => t.Stage == "action").Content);
    }

    // ---- exits ----

    public static TheoryData<string, JourneyEnd> Exits => new()
    {
        { "converted", JourneyEnd.Converted },
        { "optedOut", JourneyEnd.OptedOut },
        { "managerDeleted", JourneyEnd.ManagerDeleted },
    };

    [Theory]
    [MemberData(nameof(Exits))]
    public void An_exit_signal_during_a_wait_ends_the_journey_at_once_and_nothing_more_is_sent(string signal, JourneyEnd reason)
    {
        var at = Local(2025, 3, 6, 15);
        JourneyEvent e = signal switch
        {
            "converted" => new Converted(at),
            "optedOut" => new OptedOut(at),
            _ => new ManagerDeleted(at),
        };

        var run = Drive(Aida, Start(Aida), End, [e]);

        Assert.Equal(new CompleteJourney(reason), run.Last);
        Assert.All(run.Sent, t => Assert.True(t.SlotAt < at));
        Assert.Equal(6, run.Sent.Count); // day 1: 4, day 2: 1 Moments, day 3: the ice-breaker
    }

    [Fact]
    public void Events_after_an_exit_change_nothing()
    {
        var state = JourneyEngine.Apply(Start(Aida), new OptedOut(Enrolled));

        Assert.Same(state, JourneyEngine.Apply(state, new IntentShown(Enrolled)));
        Assert.Same(state, JourneyEngine.Apply(state, new RoundStarted(2, Enrolled)));
    }

    [Fact]
    public void Waits_ask_to_be_woken_by_signals_because_a_signal_can_end_the_journey()
    {
        var wait = Assert.IsType<WaitUntil>(Engine.Decide(Aida, Start(Aida), Enrolled));

        Assert.True(wait.WakeOnSignal);
    }

    // ---- quiet hours ----

    [Fact]
    public void A_check_in_due_in_quiet_hours_is_planned_for_the_window_opening()
    {
        var abandoned = Local(2025, 3, 3, 22, 30); // check-in due 00:30, inside quiet hours

        var decision = Engine.Decide(Loan, Start(Loan, abandoned), abandoned);

        Assert.Equal(new WaitUntil(Local(2025, 3, 4, 9, 0), true), decision);
    }

    [Fact]
    public void A_check_in_due_inside_the_window_goes_out_within_hours()
    {
        var abandoned = Local(2025, 3, 3, 14, 10);

        var run = Drive(Loan, Start(Loan, abandoned), End);

        Assert.Equal(Local(2025, 3, 3, 16, 10), run.Sent[0].SlotAt);
        Assert.Equal(Local(2025, 3, 5, 10, 0), run.Sent[1].SlotAt);
        Assert.Equal(["checkIn", "followUp"], run.Sent.Select(t => t.Kind));
    }

    [Fact]
    public void A_driver_that_wakes_after_the_window_closed_waits_for_the_next_morning()
    {
        var state = Drive(Aida, Start(Aida), Local(2025, 3, 4, 23)).State;

        var decision = Engine.Decide(Aida, state, Local(2025, 3, 6, 22, 15)); // day 3's ice-breaker is overdue

        Assert.Equal(new WaitUntil(Local(2025, 3, 7, 9, 0), true), decision);
    }

    [Fact]
    public void Touches_that_can_no_longer_go_out_within_their_stage_are_dropped_not_sent_late()
    {
        // The driver was down all of day 1: waking at 22:15 the attention touches could only go out on day 2.
        var decision = Engine.Decide(Aida, Start(Aida), Local(2025, 3, 4, 22, 15));

        Assert.Equal(new WaitUntil(Local(2025, 3, 5, 12, 30), true), decision); // day 2's interest post is next
    }

    [Fact]
    public void A_step_whose_local_time_is_before_the_window_is_planned_for_the_opening()
    {
        var early = Small("""[ { "id": "early", "stage": "only", "channel": "moments", "day": 1, "at": "07:00", "kind": "persona", "content": "p" } ]""");

        var run = Drive(early, Start(early), End);

        Assert.Equal(Local(2025, 3, 4, 9, 0), run.Sent.Single().SlotAt);
    }

    // ---- caps ----

    [Fact]
    public void A_second_one_to_one_touch_on_the_same_day_moves_to_the_next_opening()
    {
        var two = Small("""
            [ { "id": "a", "stage": "only", "channel": "oneToOne", "day": 1, "at": "10:00", "kind": "welfare", "content": "a" },
              { "id": "b", "stage": "only", "channel": "oneToOne", "day": 1, "at": "10:00", "kind": "financeTip", "content": "b" } ]
            """);

        var first = Assert.IsType<SendTouches>(Engine.Decide(two, Start(two), Local(2025, 3, 4, 10)));
        Assert.Equal(["a"], first.Touches.Select(t => t.Id.StepId));
        var state = JourneyEngine.Apply(Start(two), new TouchSent(first.Touches[0], Local(2025, 3, 4, 10)));
        Assert.Equal(new WaitUntil(Local(2025, 3, 5, 9, 0), true), Engine.Decide(two, state, Local(2025, 3, 4, 10)));
    }

    [Fact]
    public void Caps_count_one_to_one_only_so_three_Moments_posts_share_a_day()
    {
        var run = Drive(Aida, Start(Aida), Local(2025, 3, 4, 23));

        Assert.Equal(3, run.Moments.Count());
    }

    [Fact]
    public void A_weekly_cap_defers_a_touch_and_drops_it_when_the_deferral_leaves_its_stage()
    {
        // Four 1:1 in any seven days: round 2's welfare (day 13) would be the fifth in days 7–13; day 14 is past the
        // one-day attention stage, so it is dropped rather than sent out of context.
        var strict = new JourneyEngine(TouchPolicy.Default with { OneToOneCaps = [new(1, 1), new(4, 7)] });

        var run = Drive(Aida, Start(Aida, engine: strict), End, engine: strict);

        Assert.DoesNotContain(run.Sent, t => t.Kind == "welfare" && t.Id.Round == 2);
        Assert.Equal(13, run.OneToOne.Count());
        Assert.Equal(new CompleteJourney(JourneyEnd.Finished), run.Last);
    }

    [Fact]
    public void A_weekly_cap_moves_a_touch_to_the_first_day_it_allows()
    {
        var strict = new JourneyEngine(TouchPolicy.Default with { OneToOneCaps = [new(2, 7)] });
        var three = Small("""
            [ { "id": "a", "stage": "only", "channel": "oneToOne", "day": 1, "at": "10:00", "kind": "welfare", "content": "a" },
              { "id": "b", "stage": "only", "channel": "oneToOne", "day": 2, "at": "10:00", "kind": "financeTip", "content": "b" },
              { "id": "c", "stage": "only", "channel": "oneToOne", "day": 3, "at": "10:00", "kind": "financeTip", "content": "c" } ]
            """);

        var run = Drive(three, Start(three, engine: strict), End, engine: strict);

        Assert.Equal(["a", "b"], run.Sent.Select(t => t.Id.StepId));
    }

    [Fact]
    public void The_default_caps_never_reshape_the_A_bank_plan()
    {
        var run = Drive(Aida, Start(Aida), End);

        Assert.Equal((14, 14), Count(run.Sent));
        Assert.All(run.Sent, t => Assert.Equal(t.Slot, Aida.Steps[t.Step].Day is { } d
            ? new DateOnly(2025, 3, 4).AddDays(((t.Id.Round - 1) * 12) + d - 1).ToDateTime(Aida.Steps[t.Step].At!.Value)
            : t.Slot));
    }

    // ---- apply ----

    [Fact]
    public void Applying_the_same_sent_event_twice_changes_nothing()
    {
        var send = Assert.IsType<SendTouches>(Engine.Decide(Aida, Start(Aida), Local(2025, 3, 4, 9, 30)));
        var once = JourneyEngine.Apply(Start(Aida), new TouchSent(send.Touches[0], Local(2025, 3, 4, 9, 30)));

        Assert.Same(once, JourneyEngine.Apply(once, new TouchSent(send.Touches[0], Local(2025, 3, 4, 9, 31))));
    }

    [Fact]
    public void A_failed_touch_is_not_retried_by_the_engine_and_does_not_count_against_caps()
    {
        var send = Assert.IsType<SendTouches>(Engine.Decide(Aida, Start(Aida), Local(2025, 3, 4, 10, 30)));
        var welfare = send.Touches.Single(t => t.Kind == "welfare");

        var state = JourneyEngine.Apply(Start(Aida), new TouchFailed(welfare, "errcode 41003", Local(2025, 3, 4, 10, 30)));

        Assert.True(state.IsDone(welfare.Step));
        Assert.Empty(state.RecentOneToOne);
        var next = Assert.IsType<SendTouches>(Engine.Decide(Aida, state, Local(2025, 3, 4, 10, 30)));
        Assert.DoesNotContain(next.Touches, t => t.Kind == "welfare");
    }

    [Fact]
    public void Events_about_another_round_or_instance_are_ignored()
    {
        var send = Assert.IsType<SendTouches>(Engine.Decide(Aida, Start(Aida), Local(2025, 3, 4, 9, 30)));
        var stale = send.Touches[0] with { Id = send.Touches[0].Id with { Round = 2 } };
        var other = send.Touches[0] with { Id = send.Touches[0].Id with { InstanceId = "t1:aida-nurture:someone-else" } };

        Assert.Equal(0UL, JourneyEngine.Apply(Start(Aida), new TouchSent(stale, Enrolled)).SentSteps);
        Assert.Equal(0UL, JourneyEngine.Apply(Start(Aida), new TouchSent(other, Enrolled)).SentSteps);
    }

    [Fact]
    public void A_state_pinned_to_another_definition_version_is_refused()
    {
        var state = Start(Aida) with { Version = 2 };

        var e = Assert.Throws<ArgumentException>(() => Engine.Decide(Aida, state, Enrolled));
        Assert.Contains("pinned to aida-nurture v2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deciding_twice_with_the_same_inputs_gives_the_same_decision()
    {
        var state = Start(Aida);

        Assert.Equal(
            ((SendTouches)Engine.Decide(Aida, state, Local(2025, 3, 4, 10, 30))).Touches.ToList(),
            ((SendTouches)Engine.Decide(Aida, state, Local(2025, 3, 4, 10, 30))).Touches.ToList());
    }

    [Fact]
    public void Instance_ids_are_deterministic_and_long_ones_are_shortened_with_a_hash()
    {
        Assert.Equal("bank-a:aida-nurture:c1", JourneyInstanceId.For("bank-a", "aida-nurture", "c1"));
        Assert.Equal("bank-a:loan-abandoned-checkin:c1:app-9", JourneyInstanceId.For("bank-a", "loan-abandoned-checkin", "c1", "app-9"));
        var longId = JourneyInstanceId.For("bank-a", "aida-nurture", new string('x', 200));
        Assert.True(longId.Length <= 100);
        Assert.Equal(longId, JourneyInstanceId.For("bank-a", "aida-nurture", new string('x', 200)));
        Assert.DoesNotContain('/', JourneyInstanceId.For("bank-a", "aida-nurture", "a/b"));
    }
}
