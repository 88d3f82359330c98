using PrivateDomain.Journeys;

namespace PrivateDomain.Tests.Journeys;

/// <summary>The shipped definitions and a tiny driver loop, so each test states only its rule.</summary>
internal static class JourneyFixtures
{
    /// <summary>Shanghai is UTC+8 with no daylight saving.</summary>
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>Monday 3 March 2025, 15:00 in Shanghai: the enrolment; day 1 (T+1) is Tuesday 4 March.</summary>
    public static readonly DateTimeOffset Enrolled = new(2025, 3, 3, 15, 0, 0, Shanghai);

    public static readonly JourneyEngine Engine = new(TouchPolicy.Default);

    public static string DefinitionsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PrivateDomain.sln")))
                {
                    return Path.Combine(dir.FullName, "content-templates", "journeys");
                }
            }

            throw new InvalidOperationException("PrivateDomain.sln not found above the test binaries.");
        }
    }

    public static JourneyDefinition Aida { get; } = JourneyCatalog.Load(DefinitionsDirectory).Get("aida-nurture");

    public static JourneyDefinition Loan { get; } = JourneyCatalog.Load(DefinitionsDirectory).Get("loan-abandoned-checkin");

    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, Shanghai);

    /// <summary>A one-round test journey from a steps array (JSON), days 1–3, one stage.</summary>
    public static JourneyDefinition Small(string stepsJson, string startsOn = "nextDay") => JourneyDefinitionReader.Read(
        System.Text.Encoding.UTF8.GetBytes($$"""
            { "id": "small", "version": 1, "title": "t", "status": "draft", "trigger": { "kind": "enrolment" },
              "startsOn": "{{startsOn}}", "rounds": 1, "roundDays": 3,
              "stages": [ { "name": "only", "fromDay": 1, "toDay": 3 } ],
              "exits": ["converted", "optedOut", "managerDeleted"], "steps": {{stepsJson}} }
            """),
        "small.json");

    public static JourneyState Start(JourneyDefinition definition, DateTimeOffset? at = null, JourneyEngine? engine = null) =>
        (engine ?? Engine).Start(definition, "t1:" + definition.Id + ":cust-1", "cust-1", "am-1", at ?? Enrolled);

    /// <summary>Runs the engine like a driver until <paramref name="until"/> or completion; signals wake waits.</summary>
    public static DriveResult Drive(
        JourneyDefinition definition,
        JourneyState state,
        DateTimeOffset until,
        IEnumerable<JourneyEvent>? signals = null,
        JourneyEngine? engine = null,
        DateTimeOffset? from = null)
    {
        engine ??= Engine;
        var pending = (signals ?? []).OrderBy(s => s.At).ToList();
        var sent = new List<Touch>();
        var now = from ?? state.StartedAt;
        var rounds = new List<int>();
        for (var guard = 0; guard < 10_000; guard++)
        {
            var decision = engine.Decide(definition, state, now);
            switch (decision)
            {
                case SendTouches send:
                    foreach (var t in send.Touches)
                    {
                        sent.Add(t);
                        state = JourneyEngine.Apply(state, new TouchSent(t, now));
                    }

                    break;
                case WaitUntil wait when pending.Count > 0 && pending[0].At <= wait.Until && pending[0].At <= until:
                    now = pending[0].At > now ? pending[0].At : now;
                    state = JourneyEngine.Apply(state, pending[0]);
                    pending.RemoveAt(0);
                    break;
                case WaitUntil wait when wait.Until > until:
                    return new DriveResult(sent, decision, state);
                case WaitUntil wait:
                    now = wait.Until;
                    break;
                case StartNextRound next:
                    rounds.Add(next.Round);
                    state = JourneyEngine.Apply(state, new RoundStarted(next.Round, now));
                    break;
                default:
                    return new DriveResult(sent, decision, state);
            }
        }

        throw new InvalidOperationException("The engine did not settle.");
    }
}

internal sealed record DriveResult(List<Touch> Sent, JourneyDecision Last, JourneyState State)
{
    public IEnumerable<Touch> OneToOne => Sent.Where(t => t.Channel == Channel.OneToOne);

    public IEnumerable<Touch> Moments => Sent.Where(t => t.Channel == Channel.Moments);

    public IEnumerable<Touch> OnDay(int day) => Sent.Where(t => t.LocalDate == new DateOnly(2025, 3, 3).AddDays(day));
}
