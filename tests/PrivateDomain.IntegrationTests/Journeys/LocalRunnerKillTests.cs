using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;
using Xunit.Abstractions;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>
/// The local runner as a real OS process on Azurite with a fast journey clock, killed with SIGKILL mid-journey and
/// restarted against the same storage. The clock counts from a configured epoch, so every process agrees on journey
/// time; one journey day passes in <see cref="RealSecondsPerDay"/> real seconds. A scaled clock makes a slow machine's
/// step late (the reason <see cref="LocalRunnerTests"/> uses a manual clock), so this test holds the kills to the strict
/// standard and tolerates only a stale drop that happened while a host was up throughout.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalRunnerKillTests(AzuriteFixture fixture, ITestOutputHelper log)
{
    /// <summary>
    /// Real seconds per journey day. The plan's tightest step (Moments at 20:00 on each round's day 1, stale once the
    /// window closes at 21:00) has an hour of journey time to spare: 83 ms at this speed.
    /// </summary>
    private const double RealSecondsPerDay = 2;

    private const double Speed = 86_400 / RealSecondsPerDay;

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly string _tenant = "bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();

    [Fact]
    public async Task A_host_killed_twice_mid_journey_and_restarted_records_each_planned_touch_once_and_skips_none_across_the_kills()
    {
        var wall = Stopwatch.StartNew();
        var epoch = EpochPuttingJourneyTimeAtSevenAfter(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3));
        var clock = JourneyClock.FromEpoch(Speed, epoch);
        var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }));
        var store = new TableJourneyStore(clients);
        var ledger = new TableTouchLedger(clients, new PrivateDomain.Delivery.Storage.TableDeliveryQueue(clients), new PrivateDomain.Delivery.Storage.StorageDeliveryNudges(clients, clock), new PrivateDomain.Delivery.Sending.DispatchOptions());
        var catalog = JourneyCatalog.Load(Path.Combine(LocalHostProcess.AppDirectory, "content-templates", "journeys"));
        var engine = new JourneyEngine(TouchPolicy.Default);
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = fixture.Azurite.ConnectionString(),
            ["Customers:PhoneHashKey"] = LocalHostInstance.TestPhoneHashKey,
            ["Journeys:ClockSpeed"] = Speed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Journeys:ClockEpoch"] = epoch.ToString("O"),
            ["Local:PayrollRun"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:PrivateDomain"] = "Information",
        };

        var outputs = new List<string>();
        var host = await LocalHostProcess.StartAsync(settings);
        try
        {
            // Journeys are started through the runner (what the operator API calls), on the same clock; the host does
            // every step after. A first, short journey warms the host up (JIT, tables) so its first steps are not late.
            var runner = new JourneyRunner(catalog, engine, store, ledger, new StorageJourneyWakeups(clients, clock), new TableJourneyStarts(clients), clock, NullLogger<JourneyRunner>.Instance);
            var (warmup, _) = await runner.StartAsync(_tenant, "loan-abandoned-checkin", "cWarm", "zhangsan", "warm-up", CancellationToken.None);
            await Eventually.TrueAsync(async () => await CountAsync(ledger, warmup) > 0, "the warm-up journey's check-in", TimeSpan.FromSeconds(30));
            var (instanceId, started) = await runner.StartAsync(_tenant, "aida-nurture", "cKill", "zhangsan", null, CancellationToken.None);
            Assert.True(started);
            var startState = (await store.GetAsync(_tenant, instanceId, CancellationToken.None))!.Value.Record.State;
            var plan = Plan(engine, catalog.Get(startState.JourneyId, startState.Version), startState);
            var lastSlot = plan.Max(t => t.SlotAt);

            // Kill just after the last touch of each round's first day is recorded: the step may still be saving its
            // state or holding its wake-up message, and every step after it still has a day or more to spare.
            var killedAt = new List<int>();
            var downtimes = new List<(DateTimeOffset From, DateTimeOffset To)>();
            foreach (var k in new[] { 4, 18 })
            {
                await Eventually.TrueAsync(async () => await CountAsync(ledger, instanceId) >= k,
                    $"{k} touches in the ledger", RealUntil(clock, plan[k - 1].SlotAt) + TimeSpan.FromSeconds(15));
                var pid = host.ProcessId;
                var down = clock.GetUtcNow();
                host.Kill();
                await host.WaitForExitAsync();
                killedAt.Add(await CountAsync(ledger, instanceId));
                var atKill = (await store.GetAsync(_tenant, instanceId, CancellationToken.None))!.Value.Record;
                log.WriteLine($"row at kill: {atKill.Status}, next wake-up {(atKill.NextWakeAt is { } w ? Local(w) : "none")}");
                log.WriteLine($"{wall.Elapsed.TotalSeconds:F1} s: killed host {pid} at journey time {Local(clock.GetUtcNow())} with {killedAt[^1]} touches recorded");
                outputs.Add(host.Output);
                await host.DisposeAsync();
                Assert.Equal(JourneyStatus.Running, (await store.GetAsync(_tenant, instanceId, CancellationToken.None))!.Value.Record.Status);
                host = await LocalHostProcess.StartAsync(settings);
                downtimes.Add((down, clock.GetUtcNow()));
                log.WriteLine($"{wall.Elapsed.TotalSeconds:F1} s: restarted as host {host.ProcessId} at journey time {Local(clock.GetUtcNow())}");
            }

            var done = await Eventually.GetAsync(async () =>
                (await store.GetAsync(_tenant, instanceId, CancellationToken.None))?.Record is { Status: JourneyStatus.Completed } r ? r : null,
                "the journey to complete", RealUntil(clock, lastSlot) + TimeSpan.FromSeconds(15));

            log.WriteLine($"{wall.Elapsed.TotalSeconds:F1} s: completed");
            var recorded = await ledger.ListAsync(_tenant, instanceId, CancellationToken.None).ToListAsync();
            var planned = plan.Select(t => t.Id.ToString()).ToList();
            var ids = recorded.Select(e => e.TouchId).ToList();
            var late = recorded.OrderBy(e => e.RecordedAt).Select(e =>
                $"{e.TouchId[(e.TouchId.IndexOf('/', StringComparison.Ordinal) + 1)..]} slot {Local(e.SlotAt)} recorded {Local(JourneyTimeAt(epoch, e.RecordedAt))}");
            var because = $"killed at {string.Join(" and ", killedAt)} of {planned.Count} touches after {wall.Elapsed.TotalSeconds:F1} s; " +
                $"missing: [{string.Join(", ", planned.Except(ids))}], unplanned: [{string.Join(", ", ids.Except(planned))}]; " +
                $"recorded (Shanghai journey time): {string.Join(", ", late)}; planned: {string.Join(", ", plan.Select(t => $"{t.Id.Round}/{t.Id.StepId} {Local(t.SlotAt)}"))}";
            Assert.True(killedAt.All(n => n < planned.Count), because);
            Assert.Equal(JourneyEnd.Finished, done.EndReason);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Empty(ids.Except(planned));

            // A planned touch may be missing only if the engine dropped it as stale while a host was up the whole time it
            // could be sent (slot to its stage's last window close): the machine was too slow for the fast clock (the
            // 20:00 Moments step has 83 ms to spare), not the kill. Anything a kill or restart could have touched must be there.
            var definition = catalog.Get(startState.JourneyId, startState.Version);
            var missing = plan.Where(t => !ids.Contains(t.Id.ToString())).ToList();
            var byKill = missing.Where(t => downtimes.Any(d => d.From <= LastChance(engine, definition, startState, t) && t.SlotAt <= d.To)).ToList();
            Assert.True(byKill.Count == 0, $"skipped across a kill: [{string.Join(", ", byKill.Select(t => t.Id))}]; {because}");
            Assert.True(missing.Count <= 2, because);
            foreach (var t in missing)
            {
                log.WriteLine($"dropped as stale while a host was up (machine too slow for the clock): {t.Id}");
            }
        }
        catch (Exception e)
        {
            outputs.Add(host.Output);
            throw new InvalidOperationException($"{e.Message}\n--- local host output, one block per process ---\n{string.Join("\n---\n", outputs)}", e);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>
    /// An epoch that puts journey time at 07:00 Shanghai <paramref name="startup"/> after <paramref name="now"/> (the
    /// warm-up journey's check-in falls due at 09:00): journey time = epoch + speed × (real − epoch), and the epoch lies
    /// up to a journey day's real seconds in the past, as the host requires.
    /// </summary>
    private static DateTimeOffset EpochPuttingJourneyTimeAtSevenAfter(DateTimeOffset now, TimeSpan startup)
    {
        var earliest = now + startup * Speed; // the journey time at now + startup with the epoch at now
        var local = TimeZoneInfo.ConvertTime(earliest, Shanghai);
        var seven = new DateTimeOffset(local.Date.AddHours(7), local.Offset);
        seven = seven < earliest ? seven.AddDays(1) : seven;
        return now - (seven - earliest) / (Speed - 1);
    }

    private static string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Shanghai).ToString("MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset JourneyTimeAt(DateTimeOffset epoch, DateTimeOffset real) => epoch + (real - epoch) * Speed;

    /// <summary>The last moment the engine would still send <paramref name="touch"/>: its stage's last day at window close.</summary>
    private static DateTimeOffset LastChance(JourneyEngine engine, JourneyDefinition definition, JourneyState start, Touch touch)
    {
        var stage = definition.Stages.Single(s => s.Name == touch.Stage);
        var lastDay = start.FirstDay.AddDays(((touch.Id.Round - 1) * definition.RoundDays) + stage.ToDay - 1);
        return engine.Instant(lastDay.ToDateTime(engine.Policy.WindowCloses));
    }

    /// <summary>The real time left until the clock shows <paramref name="journeyTime"/>.</summary>
    private static TimeSpan RealUntil(JourneyClock clock, DateTimeOffset journeyTime) =>
        clock.RealDelay(journeyTime);

    private async Task<int> CountAsync(TableTouchLedger ledger, string instanceId) =>
        await ledger.ListAsync(_tenant, instanceId, CancellationToken.None).CountAsync();

    /// <summary>What the engine sends to a silent customer from <paramref name="start"/> with every wake-up on time.</summary>
    private static List<Touch> Plan(JourneyEngine engine, JourneyDefinition definition, JourneyState start)
    {
        var state = start;
        var now = start.StartedAt;
        var touches = new List<Touch>();
        for (var i = 0; i < 1_000; i++)
        {
            switch (engine.Decide(definition, state, now))
            {
                case SendTouches send:
                    foreach (var t in send.Touches)
                    {
                        touches.Add(t);
                        state = JourneyEngine.Apply(state, new TouchSent(t, now));
                    }

                    break;
                case StartNextRound round:
                    state = JourneyEngine.Apply(state, new RoundStarted(round.Round, now));
                    break;
                case WaitUntil wait:
                    now = wait.Until;
                    break;
                case CompleteJourney:
                    return touches;
            }
        }

        throw new InvalidOperationException("The plan did not complete.");
    }
}
