using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Simulation;
using static PrivateDomain.Tests.Journeys.JourneyFixtures;

namespace PrivateDomain.Tests.Journeys;

public sealed class JourneySimulatorTests
{
    private static readonly JourneySimulator Simulator = new(Engine);

    private static SimulationReport Simulate(int customers, ResponseMix response, JourneyDefinition? definition = null, int threads = 1, int? managers = null) =>
        Simulator.Run(definition ?? Aida, new SimulationOptions { Customers = customers, Response = response, Parallelism = threads, AccountManagers = managers });

    [Fact]
    public void One_silent_customer_gets_14_one_to_one_and_14_Moments_touches_over_days_1_to_24_with_the_plan_per_stage_counts()
    {
        var r = Simulate(1, ResponseMix.Silent);

        Assert.Equal(new TouchTotals(14, 14, 0, 0), r.Touches);
        Assert.Equal(Enumerable.Range(1, 24), r.ByDay.Select(d => d.Day));
        Assert.Equal(14, r.ByDay.Sum(d => d.OneToOne));
        Assert.Equal(14, r.ByDay.Sum(d => d.Moments));
        foreach (var round in new[] { 1, 2 })
        {
            var first = (round - 1) * 12;
            (long, long) Days(int from, int to) => (
                r.ByDay.Where(d => d.Day >= first + from && d.Day <= first + to).Sum(d => d.OneToOne),
                r.ByDay.Where(d => d.Day >= first + from && d.Day <= first + to).Sum(d => d.Moments));
            Assert.Equal((1L, 3L), Days(1, 1));   // T+1 attention
            Assert.Equal((3L, 3L), Days(2, 7));   // T+2..T+7 interest + desire
            Assert.Equal((3L, 1L), Days(8, 12));  // T+8..T+12 action
        }

        var stages = r.ByStage.Where(s => s.Round == 1).ToDictionary(s => s.Stage, s => (s.OneToOne, s.Moments));
        Assert.Equal((1L, 3L), stages["attention"]);
        Assert.Equal((3L, 3L), (stages["interest"].OneToOne + stages["desire"].OneToOne, stages["interest"].Moments + stages["desire"].Moments));
        Assert.Equal((3L, 1L), stages["action"]);
        Assert.Equal(new Outcomes(1, 0, 0, 0), r.Outcomes);
    }

    [Fact]
    public void Moments_posts_are_counted_once_per_account_manager_and_step_not_per_customer()
    {
        var r = Simulate(100, ResponseMix.Silent, managers: 2);

        Assert.Equal(1_400, r.Touches.Moments);
        Assert.Equal(2 * 14, r.Deliveries.Moments);
        Assert.Equal(2 * 14, r.Deliveries.OneToOne); // 1:1 mass sends travel together per sender, content and slot
        Assert.Equal(2 * 4, r.Confirmations.Single(c => c.Day == 1).Total);
        Assert.Equal(4, r.Confirmations.Single(c => c.Day == 1).MaxPerAccountManager);
    }

    [Fact]
    public void The_same_seed_gives_the_same_report_whatever_the_number_of_threads()
    {
        var one = Simulate(5_000, ResponseMix.Mixed, threads: 1);
        var four = Simulate(5_000, ResponseMix.Mixed, threads: 4);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(one), System.Text.Json.JsonSerializer.Serialize(four));
    }

    [Fact]
    public void Converting_customers_get_the_3W_script_and_end_as_converted()
    {
        var r = Simulate(200, ResponseMix.Converts);

        Assert.Equal(200, r.Outcomes.Converted);
        Assert.Equal(200, r.Funnel.Intent);
        Assert.True(r.Touches.ThreeW > 0);
        Assert.True(r.Touches.OneToOne < 200 * 7); // skip-ahead dropped the ice-breaker and conversion ended round 1
    }

    [Fact]
    public void Deleting_customers_all_leave_before_the_end()
    {
        var r = Simulate(200, ResponseMix.Deletes);

        Assert.Equal(200, r.Outcomes.ManagerDeleted);
        Assert.True(r.Touches.OneToOne < 200 * 14);
    }

    [Fact]
    public void Per_customer_orchestration_costs_activities_timers_and_starts_and_cohort_mode_costs_far_less()
    {
        var r = Simulate(1_000, ResponseMix.Silent, managers: 2);

        var per = r.Orchestration.PerCustomer;
        Assert.Equal(2_000, per.Starts);                    // a start and a ContinueAsNew per customer
        Assert.Equal(1_000 * (28 + 2), per.Activities);     // a send per touch, a round opening (definition + inbox) per round
        Assert.Equal(1_000 * 28, per.Timers);               // one timer per distinct send time
        Assert.Equal((2 * per.Activities) + per.Timers + per.Events + per.Starts, per.Actions);
        Assert.Equal(45, per.ActionsPerCustomerPerRound);
        Assert.True(r.Orchestration.Cohort.Actions * 50 < per.Actions);
    }

    [Fact]
    public void A_cohort_costs_an_execution_per_wake_up_with_one_batch_activity_per_range_and_a_timer_between_wake_ups()
    {
        var r = Simulate(1_000, ResponseMix.Silent, managers: 2); // two cohorts of 500, batches of 100

        var cohort = r.Orchestration.Cohort;
        Assert.Equal(2, cohort.Instances);
        Assert.Equal(2 * (1 + 28), cohort.Starts);                       // enrolment, then one execution per send time
        Assert.Equal(2 * 28, cohort.Timers);                             // a timer to each send time
        Assert.Equal((2 * (1 + 28) * 5) + r.Deliveries.OneToOne + r.Deliveries.Moments + r.Deliveries.Group, cohort.Activities);
        Assert.Equal(5, cohort.LargestFanOut);
        Assert.Equal(0, cohort.Events);                                  // signals are read from the inbox, never raised
    }

    [Fact]
    public void Each_signal_to_a_per_customer_journey_costs_an_event_an_inbox_read_and_a_new_timer()
    {
        var r = Simulate(500, ResponseMix.Engaged, managers: 1);

        var per = r.Orchestration.PerCustomer;
        Assert.True(per.Events > 0);
        Assert.Equal(r.Touches.OneToOne + r.Touches.Moments + r.Touches.Group + per.Starts + per.Events, per.Activities);
    }

    [Fact]
    public void Every_silent_customer_of_the_loan_journey_gets_a_check_in_and_a_follow_up()
    {
        var r = Simulate(500, ResponseMix.Silent, Loan);

        Assert.Equal(1_000, r.Touches.OneToOne);
        Assert.Equal(0, r.Touches.Moments);
        Assert.Equal(500, r.Outcomes.Finished);
    }
}
