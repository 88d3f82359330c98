using System.Collections.Immutable;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using static PrivateDomain.Tests.Journeys.JourneyFixtures;

namespace PrivateDomain.Tests.Journeys;

public sealed class JourneyInboxTests
{
    private static readonly JourneyState State = Engine.Start(Aida, "t:aida-nurture:c1", "c1", "lisi", Enrolled);

    [Fact]
    public void Applying_the_same_signals_twice_changes_nothing_the_second_time()
    {
        var signals = new[] { new InboxSignal("a", SignalKinds.Clicked, Enrolled.AddHours(1), null), new InboxSignal("b", "intent", Enrolled.AddHours(2), null) };

        var (once, applied) = JourneyInbox.Apply(State, [], signals);
        var (twice, appliedTwice) = JourneyInbox.Apply(once, applied, signals);

        Assert.Equal(1, once.Reactions);
        Assert.True(once.Intent);
        Assert.Same(once, twice);
        Assert.Equal(["a", "b"], appliedTwice.AsEnumerable());
    }

    [Fact]
    public void Signals_are_applied_in_time_order_whatever_order_they_are_read_in()
    {
        var (state, _) = JourneyInbox.Apply(State, [], [
            new InboxSignal("late", SignalKinds.OptedOut, Enrolled.AddHours(3), null),
            new InboxSignal("early", SignalKinds.DeletedUs, Enrolled.AddHours(1), null)]);

        Assert.Equal(JourneyEnd.ManagerDeleted, state.Exit);
    }

    [Fact]
    public void Pool_kinds_and_operator_kinds_both_reach_the_engine_and_other_kinds_are_ignored()
    {
        Assert.IsType<ManagerDeleted>(JourneyInbox.ToEvent(SignalKinds.DeletedUs, Enrolled, null));
        Assert.IsType<ManagerDeleted>(JourneyInbox.ToEvent("manager-deleted", Enrolled, null));
        Assert.IsType<IntentShown>(JourneyInbox.ToEvent("intent", Enrolled, null));
        Assert.Null(JourneyInbox.ToEvent(SignalKinds.ProfileRefreshDue, Enrolled, null));
        Assert.Null(JourneyInbox.ToEvent(SignalKinds.LoanApplicationAbandoned, Enrolled, null));
    }

    [Fact]
    public void A_click_on_a_tracked_link_is_credited_to_the_touch_it_carried()
    {
        var click = Assert.IsType<Reacted>(JourneyInbox.ToEvent(SignalKinds.Clicked, Enrolled, "t:aida-nurture:c1/r2/attention-welfare"));

        Assert.Equal(new TouchId("t:aida-nurture:c1", 2, "attention-welfare"), click.Touch);
        Assert.Null(JourneyInbox.ParseTouchId("https://example.com/x"));
    }

    [Fact]
    public void The_applied_ids_kept_are_bounded()
    {
        var signals = Enumerable.Range(0, JourneyInbox.AppliedKept + 5).Select(i => new InboxSignal($"s{i:D3}", "replied", Enrolled.AddMinutes(i), null));

        var (_, applied) = JourneyInbox.Apply(State, ImmutableArray<string>.Empty, signals);

        Assert.Equal(JourneyInbox.AppliedKept, applied.Length);
        Assert.Equal("s005", applied[0]);
        Assert.Equal($"s{JourneyInbox.AppliedKept + 4:D3}", applied[^1]);
    }

    [Fact]
    public void A_cohort_splits_into_ranges_of_the_batch_size_with_a_short_last_one()
    {
        Assert.Equal([(0, 100), (100, 100), (200, 50)], CohortPlan.Batches(250, 100));
        Assert.Empty(CohortPlan.Batches(0, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => CohortPlan.Batches(10, CohortRunner.MaxBatchSize + 1));
    }

    [Fact]
    public void A_cohort_instance_id_is_safe_for_Durable_and_differs_from_its_customers_ids()
    {
        var cohort = new CohortKey("bank", "aida-nurture", new DateOnly(2026, 11, 30), "zhang/san");

        Assert.Equal("bank:cohort:aida-nurture:20261130:zhang_san", cohort.InstanceId[..cohort.InstanceId.IndexOf('~', StringComparison.Ordinal)]);
        Assert.True(new CohortKey("bank", "aida-nurture", new DateOnly(2026, 11, 30), new string('m', 200)).InstanceId.Length <= JourneyInstanceId.MaxLength);
    }
}
