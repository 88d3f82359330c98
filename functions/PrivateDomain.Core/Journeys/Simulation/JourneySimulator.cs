using System.Globalization;

namespace PrivateDomain.Journeys.Simulation;

/// <summary>
/// The virtual-clock driver: runs customers through a journey with the same engine as the Durable and local drivers,
/// jumping the clock from one decision to the next, and tallies touches, deliveries, outcomes and what the run would
/// cost in orchestration actions. Customers are simulated one at a time and forgotten (only counters and the per-sender
/// aggregation keys are kept), so memory does not grow with the number of customers; threads each keep their own
/// tallies and merge at the end, so the report is the same for any number of threads.
/// </summary>
public sealed class JourneySimulator(JourneyEngine engine)
{
    /// <summary>Messages per second the Azure Storage backend can move at most: 16 control queues × ~2,000/s.</summary>
    public const double AzureStorageMessagesPerSecond = 16 * 2_000;

    /// <summary>Simulates <paramref name="options"/> over <paramref name="definition"/>.</summary>
    public SimulationReport Run(JourneyDefinition definition, SimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        options = options.Validated();
        var run = new RunContext(engine, definition, options);
        var total = new Tally(run);
        var gate = new object();
        var chunks = Math.Max(1, Math.Min(options.Customers / 1_000, options.Parallelism * 16));
        Parallel.For(
            0,
            chunks,
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            () => new Tally(run),
            (chunk, _, tally) =>
            {
                var from = (int)((long)options.Customers * chunk / chunks);
                var to = (int)((long)options.Customers * (chunk + 1) / chunks);
                var signals = new List<JourneyEvent>(8);
                for (var i = from; i < to; i++)
                {
                    RunCustomer(run, i, tally, signals);
                }

                return tally;
            },
            tally =>
            {
                lock (gate)
                {
                    total.Add(tally);
                }
            });
        return total.Report();
    }

    private static void RunCustomer(RunContext run, int index, Tally tally, List<JourneyEvent> signals)
    {
        var (engine, definition, options) = (run.Engine, run.Definition, run.Options);
        var dice = new Dice(options.Seed, index);
        var profile = CustomerResponses.Pick(options.Response, ref dice);
        var leaveAfter = run.Responses.LeaveAfter(ref dice);
        var manager = index % run.Managers;
        var startDay = index / run.Managers % options.StartDays;
        var cohort = (startDay * run.Managers) + manager;
        var startTime = definition.Trigger.Kind == "signal"
            ? new TimeOnly(8, 0).AddMinutes(dice.Below(16 * 60))
            : options.EnrolAt;
        var now = engine.Instant(options.FirstStartDate.AddDays(startDay).ToDateTime(startTime));
        var customerId = "c" + index.ToString(CultureInfo.InvariantCulture);
        var state = engine.Start(definition, $"sim:{definition.Id}:{customerId}", customerId, run.SenderIds[manager], now);
        signals.Clear();
        var oneToOne = 0;
        tally.Starts++;
        tally.Activities++; // open the round: load the pinned definition and read the signal inbox
        tally.NoteCohortMember(cohort);
        tally.CustomerRounds++;
        tally.NoteCohortRound(cohort, 1);
        tally.AddWave(now, 1 + 2);

        while (true)
        {
            tally.Decisions++;
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    tally.NoteCohortWake(cohort, now);
                    foreach (var touch in send.Touches)
                    {
                        tally.Count(state, touch, manager);
                        tally.Activities++;
                        state = JourneyEngine.Apply(state, new TouchSent(touch, now));
                        if (touch.Channel == Channel.OneToOne)
                        {
                            oneToOne++;
                        }

                        run.Responses.OnTouch(profile, touch, oneToOne, leaveAfter, now, ref dice, signals);
                    }

                    tally.AddWave(now, 2 * send.Touches.Length);
                    break;

                case WaitUntil wait:
                    tally.Timers++;
                    tally.AddWave(now, 1);
                    var next = Earliest(signals);
                    if (next >= 0 && signals[next].At <= wait.Until)
                    {
                        // The signal wins the race with the timer: the driver cancels the timer and applies the signal.
                        now = signals[next].At > now ? signals[next].At : now;
                        state = JourneyEngine.Apply(state, signals[next]);
                        signals.RemoveAt(next);
                        tally.Events++;
                        tally.Activities++; // the nudge makes the orchestration read the inbox (signals live there, not in the event)
                        tally.AddWave(now, 1 + 2);
                    }
                    else
                    {
                        now = wait.Until;
                    }

                    break;

                case StartNextRound round:
                    state = JourneyEngine.Apply(state, new RoundStarted(round.Round, now));
                    tally.Starts++;
                    tally.Activities++;
                    tally.CustomerRounds++;
                    tally.NoteCohortRound(cohort, round.Round);
                    tally.AddWave(now, 1 + 2);
                    break;

                case CompleteJourney complete:
                    tally.Outcomes[(int)complete.Reason]++;
                    tally.Reacted += state.Reactions > 0 ? 1 : 0;
                    tally.Intent += state.Intent ? 1 : 0;
                    return; // signals still pending would land in the inbox of a finished journey: dropped

                default:
                    throw new InvalidOperationException("Unknown decision.");
            }
        }
    }

    private static int Earliest(List<JourneyEvent> signals)
    {
        var best = -1;
        for (var i = 0; i < signals.Count; i++)
        {
            if (best < 0 || signals[i].At < signals[best].At)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>What every thread shares, read-only.</summary>
    private sealed class RunContext
    {
        public RunContext(JourneyEngine engine, JourneyDefinition definition, SimulationOptions options)
        {
            Engine = engine;
            Definition = definition;
            Options = options;
            Managers = options.Managers;
            SenderIds = Enumerable.Range(0, Managers).Select(m => "am" + m.ToString("D5", CultureInfo.InvariantCulture)).ToArray();
            Responses = new CustomerResponses(definition);
            Days = definition.Rounds * definition.RoundDays;
            FirstDay = options.FirstStartDate.AddDays(definition.StartsOn == JourneyStart.NextDay ? 1 : 0);
        }

        public JourneyEngine Engine { get; }

        public JourneyDefinition Definition { get; }

        public SimulationOptions Options { get; }

        public int Managers { get; }

        public string[] SenderIds { get; }

        public CustomerResponses Responses { get; }

        public int Days { get; }

        public DateOnly FirstDay { get; }
    }

    /// <summary>A delivery task or post: sender, channel, content (step and whether it is the 3W script), slot.</summary>
    private readonly record struct TaskKey(int Manager, Channel Channel, int Content, long SlotTicks);

    /// <summary>One wake-up of one cohort orchestration.</summary>
    private readonly record struct WakeKey(int Cohort, long UtcTicks);

    /// <summary>One thread's counters; merged with <see cref="Add"/>.</summary>
    private sealed class Tally
    {
        private readonly RunContext _run;
        private readonly long[] _byDay;
        private readonly long[] _byStage;
        private readonly HashSet<TaskKey> _tasks = [];
        private readonly Dictionary<WakeKey, int> _cohortWakes = [];
        private readonly Dictionary<long, long> _waveByMinute = [];
        private readonly int[] _cohortRounds;
        private readonly int[] _cohortSizes;

        public Tally(RunContext run)
        {
            _run = run;
            _byDay = new long[(run.Days + 1) * 3];
            _byStage = new long[run.Definition.Rounds * run.Definition.Stages.Length * 3];
            _cohortRounds = new int[run.Options.StartDays * run.Managers];
            _cohortSizes = new int[run.Options.StartDays * run.Managers];
        }

        public long[] Outcomes { get; } = new long[4];

        public long Decisions { get; set; }

        public long Starts { get; set; }

        public long Activities { get; set; }

        public long Timers { get; set; }

        public long Events { get; set; }

        public long CustomerRounds { get; set; }

        public long Reacted { get; set; }

        public long Intent { get; set; }

        private long ThreeW { get; set; }

        public void Count(JourneyState state, Touch touch, int manager)
        {
            var channel = (int)touch.Channel;
            var day = Math.Clamp(touch.LocalDate.DayNumber - state.FirstDay.DayNumber + 1, 1, _run.Days);
            _byDay[(day * 3) + channel]++;
            var stage = _run.Definition.StepStage[touch.Step];
            _byStage[((((state.Round - 1) * _run.Definition.Stages.Length) + stage) * 3) + channel]++;
            ThreeW += touch.ThreeW ? 1 : 0;
            _tasks.Add(new TaskKey(manager, touch.Channel, (touch.Step * 2) + (touch.ThreeW ? 1 : 0), touch.Slot.Ticks));
        }

        public void NoteCohortWake(int cohort, DateTimeOffset now)
        {
            var key = new WakeKey(cohort, now.UtcTicks);
            _cohortWakes[key] = _cohortWakes.GetValueOrDefault(key) + 1;
        }

        public void NoteCohortMember(int cohort) => _cohortSizes[cohort]++;

        public void NoteCohortRound(int cohort, int round) => _cohortRounds[cohort] = Math.Max(_cohortRounds[cohort], round);

        public void AddWave(DateTimeOffset now, long actions)
        {
            var minute = now.UtcTicks / TimeSpan.TicksPerMinute;
            _waveByMinute[minute] = _waveByMinute.GetValueOrDefault(minute) + actions;
        }

        public void Add(Tally other)
        {
            for (var i = 0; i < _byDay.Length; i++)
            {
                _byDay[i] += other._byDay[i];
            }

            for (var i = 0; i < _byStage.Length; i++)
            {
                _byStage[i] += other._byStage[i];
            }

            for (var i = 0; i < Outcomes.Length; i++)
            {
                Outcomes[i] += other.Outcomes[i];
            }

            for (var i = 0; i < _cohortRounds.Length; i++)
            {
                _cohortRounds[i] = Math.Max(_cohortRounds[i], other._cohortRounds[i]);
                _cohortSizes[i] += other._cohortSizes[i];
            }

            _tasks.UnionWith(other._tasks);
            foreach (var (k, v) in other._cohortWakes)
            {
                _cohortWakes[k] = _cohortWakes.GetValueOrDefault(k) + v;
            }

            foreach (var (k, v) in other._waveByMinute)
            {
                _waveByMinute[k] = _waveByMinute.GetValueOrDefault(k) + v;
            }

            Decisions += other.Decisions;
            Starts += other.Starts;
            Activities += other.Activities;
            Timers += other.Timers;
            Events += other.Events;
            CustomerRounds += other.CustomerRounds;
            Reacted += other.Reacted;
            Intent += other.Intent;
            ThreeW += other.ThreeW;
        }

        public SimulationReport Report()
        {
            var d = _run.Definition;
            var o = _run.Options;
            long Sum(Func<int, long> f, int n) => Enumerable.Range(0, n).Sum(f);
            var byDay = Enumerable.Range(1, _run.Days)
                .Select(day => new DayCounts(day, _byDay[day * 3], _byDay[(day * 3) + 1], _byDay[(day * 3) + 2])).ToList();
            var byStage = new List<StageCounts>();
            for (var r = 0; r < d.Rounds; r++)
            {
                for (var s = 0; s < d.Stages.Length; s++)
                {
                    var at = ((r * d.Stages.Length) + s) * 3;
                    byStage.Add(new StageCounts(r + 1, d.Stages[s].Name, _byStage[at], _byStage[at + 1], _byStage[at + 2]));
                }
            }

            var deliveries = new long[3];
            foreach (var t in _tasks)
            {
                deliveries[(int)t.Channel]++;
            }

            var confirmations = _tasks
                .GroupBy(t => DateOnly.FromDateTime(new DateTime(t.SlotTicks, DateTimeKind.Unspecified)))
                .OrderBy(g => g.Key)
                .Select(g => new ConfirmationDay(
                    g.Key.DayNumber - _run.FirstDay.DayNumber + 1,
                    g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    g.LongCount(t => t.Channel == Channel.OneToOne),
                    g.LongCount(t => t.Channel == Channel.Moments),
                    g.LongCount(t => t.Channel == Channel.Group),
                    g.LongCount(),
                    g.GroupBy(t => t.Manager).Max(m => m.LongCount())))
                .ToList();

            var customers = o.Customers;
            var peakMinute = _waveByMinute.Count == 0 ? 0 : _waveByMinute.Values.Max();
            var perCustomer = Cost("perCustomer", customers, Starts, Activities, Timers, Events, CustomerRounds, peakMinute, 1);

            // Cohort mode (functions/…/CohortOrchestration.cs): one orchestration per start day × account manager. Each
            // wake-up is one execution — a start (the first, then ContinueAsNew), one batch activity per batch range of
            // the whole cohort (members that are not due or have ended are skipped inside the activity), one timer to
            // the earliest next wake-up (none after the last, where every member ends) — plus the execution at
            // enrolment that finds the first wake-up. Delivery adds one activity per aggregated task or post (SendTouch, planned).
            // Signals go to the inbox table and are read by the batches, so they cost no Durable events.
            var cohorts = _cohortRounds.LongCount(r => r > 0);
            var wakesPerCohort = new int[_cohortSizes.Length];
            foreach (var key in _cohortWakes.Keys)
            {
                wakesPerCohort[key.Cohort]++;
            }

            long BatchesOf(int cohortIndex) => (_cohortSizes[cohortIndex] + o.CohortBatchSize - 1) / o.CohortBatchSize;
            var cohortStarts = Enumerable.Range(0, _cohortSizes.Length).Where(i => _cohortSizes[i] > 0).Sum(i => (long)wakesPerCohort[i] + 1);
            var batches = Enumerable.Range(0, _cohortSizes.Length).Where(i => _cohortSizes[i] > 0).Sum(i => ((long)wakesPerCohort[i] + 1) * BatchesOf(i));
            var largestFanOut = _cohortSizes.Length == 0 ? 0 : Enumerable.Range(0, _cohortSizes.Length).Max(BatchesOf);
            var cohortWave = _cohortWakes
                .GroupBy(w => w.Key.UtcTicks / TimeSpan.TicksPerMinute)
                .Select(g => g.Sum(w => 1 + 1 + (2L * BatchesOf(w.Key.Cohort))))
                .DefaultIfEmpty(0).Max();
            var cohort = Cost(
                "cohort", cohorts, cohortStarts, batches + _tasks.Count, _cohortWakes.Count, 0, CustomerRounds, cohortWave, largestFanOut);

            return new SimulationReport
            {
                Journey = new JourneyRef(d.Id, d.Version, d.ContentHash),
                Run = new SimulationRun(customers, o.Response.ToString().ToLowerInvariant(), o.Seed, _run.Managers, o.StartDays,
                    o.FirstStartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), o.CohortBatchSize),
                Touches = new TouchTotals(Sum(i => _byDay[i * 3], _run.Days + 1), Sum(i => _byDay[(i * 3) + 1], _run.Days + 1),
                    Sum(i => _byDay[(i * 3) + 2], _run.Days + 1), ThreeW),
                Deliveries = new ChannelCounts(deliveries[0], deliveries[1], deliveries[2]),
                ByDay = byDay,
                ByStage = byStage,
                Outcomes = new Outcomes(Outcomes[0], Outcomes[1], Outcomes[2], Outcomes[3]),
                Funnel = new Funnel(Reacted, Intent),
                Confirmations = confirmations,
                Orchestration = new OrchestrationCosts(perCustomer, cohort),
                Decisions = Decisions,
            };
        }

        private static OrchestrationCost Cost(
            string mode, long instances, long starts, long activities, long timers, long events, long customerRounds, long peakMinute, long largestFanOut)
        {
            var actions = (2 * activities) + timers + events + starts;
            return new OrchestrationCost(
                mode,
                instances,
                starts,
                activities,
                timers,
                events,
                actions,
                Math.Round(actions / (double)Math.Max(1, customerRounds), 3),
                peakMinute,
                Math.Round(peakMinute / AzureStorageMessagesPerSecond, 1),
                Math.Round(actions / AzureStorageMessagesPerSecond, 1),
                largestFanOut);
        }
    }
}
