using System.Globalization;
using System.Text;
using PrivateDomain.Journeys.Simulation;

namespace PrivateDomain.Local.Journeys;

/// <summary>The human-readable form of a <see cref="SimulationReport"/>.</summary>
internal static class SimulationTable
{
    public static string Render(SimulationReport r)
    {
        var s = new StringBuilder();
        void Line(string text = "") => s.AppendLine(text);
        string N(double v) => v.ToString("#,0.###", CultureInfo.InvariantCulture);
        var run = r.Run;
        Line($"{r.Journey.Id} v{r.Journey.Version} ({r.Journey.ContentHash[..19]}…)  customers {N(run.Customers)}  response {run.Response}  seed {run.Seed}");
        Line($"account managers {N(run.AccountManagers)}  start days {run.StartDays} from {run.FirstStartDate}  cohort batch {run.CohortBatchSize}");
        Line();
        Line("Per-customer touches (1:1 = one message; Moments/group = one customer in one post's audience)");
        Line($"  1:1 {N(r.Touches.OneToOne)}  Moments {N(r.Touches.Moments)}  group {N(r.Touches.Group)}  (3W script {N(r.Touches.ThreeW)})");
        Line($"Deliveries after aggregation (mass-send tasks / posts): 1:1 {N(r.Deliveries.OneToOne)}  Moments {N(r.Deliveries.Moments)}  group {N(r.Deliveries.Group)}");
        Line();
        Line("  day        1:1    Moments      group");
        foreach (var d in r.ByDay)
        {
            Line($"  {d.Day,3} {N(d.OneToOne),10} {N(d.Moments),10} {N(d.Group),10}");
        }

        Line();
        Line("  round stage             1:1    Moments      group");
        foreach (var g in r.ByStage)
        {
            Line($"  {g.Round,5} {g.Stage,-12} {N(g.OneToOne),10} {N(g.Moments),10} {N(g.Group),10}");
        }

        Line();
        Line($"Outcomes: finished {N(r.Outcomes.Finished)}  converted {N(r.Outcomes.Converted)}  opted out {N(r.Outcomes.OptedOut)}  deleted manager {N(r.Outcomes.ManagerDeleted)}");
        Line($"Funnel: reacted {N(r.Funnel.Reacted)}  intent {N(r.Funnel.Intent)}");
        Line();
        Line("Account-manager confirmations per day");
        Line("  day date            1:1  Moments  group   total  max/AM");
        foreach (var c in r.Confirmations)
        {
            Line($"  {c.Day,3} {c.Date} {N(c.OneToOne),7} {N(c.Moments),8} {N(c.Group),6} {N(c.Total),7} {N(c.MaxPerAccountManager),7}");
        }

        Line();
        Line("Orchestration (actions: activity 2, timer 1, event 1, start 1; Azure Storage messages ≈ actions, ≤ 32,000/s)");
        Line("  mode          instances      starts  activities      timers      events         actions  per cust·round  peak min  drain s  total s  max fan-out");
        foreach (var c in new[] { r.Orchestration.PerCustomer, r.Orchestration.Cohort })
        {
            Line($"  {c.Mode,-12} {N(c.Instances),10} {N(c.Starts),11} {N(c.Activities),11} {N(c.Timers),11} {N(c.Events),11} {N(c.Actions),15} {N(c.ActionsPerCustomerPerRound),15} {N(c.PeakMinuteActions),9} {N(c.PeakMinuteDrainSecondsAzureStorage),8} {N(c.TotalSecondsAzureStorage),8} {N(c.LargestFanOut),12}");
        }

        if (r.Performance is { } p)
        {
            Line();
            Line($"Performance: {N(p.ElapsedSeconds)} s, {N(p.CustomerJourneysPerSecond)} customer-journeys/s, {N(p.DecisionsPerSecond)} decisions/s ({N(r.Decisions)} decisions), " +
                 $"peak working set {N(p.PeakWorkingSetMb)} MB, GC heap {N(p.GcHeapMb)} MB, allocated {N(p.AllocatedMb)} MB, gen0 {p.Gen0Collections}, gen2 {p.Gen2Collections}, threads {p.Threads}");
        }

        return s.ToString();
    }
}
