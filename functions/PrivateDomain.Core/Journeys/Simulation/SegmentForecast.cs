using System.Globalization;

namespace PrivateDomain.Journeys.Simulation;

/// <summary>Touches on one date and channel.</summary>
public sealed record ForecastTouches(string Day, string Channel, long Touches);

/// <summary>Mass-send tasks and posts one account manager confirms on one date.</summary>
public sealed record ForecastConfirmations(string ManagerId, string Day, long Tasks);

/// <summary>Touches or customers the policy will refuse, by reason.</summary>
public sealed record ForecastRefusal(string Reason, long Count);

/// <summary>
/// A pre-launch forecast for a segment: what starting the journey for its customers today would send, per day and
/// channel, what each account manager would confirm per day, and what the delivery policy refuses at once.
/// </summary>
public sealed record JourneyForecast(
    string JourneyId, int Version, string Segment, int Customers, int Unassigned, string StartDay, int Days, long TotalTouches, long TotalRefusals,
    IReadOnlyList<ForecastTouches> TouchesPerDay, IReadOnlyList<ForecastConfirmations> ConfirmationsPerManagerPerDay, IReadOnlyList<ForecastRefusal> Refusals,
    string Assumptions);

/// <summary>
/// Runs the existing <see cref="JourneySimulator"/> once per account manager over that manager's customers of the
/// segment (same engine, send windows, quiet hours and per-customer caps as the drivers; customers react with the
/// simulator's <c>mixed</c> response), and adds what the delivery policy refuses before any touch: customers who opted
/// out or deleted their manager, and customers with no active manager. Pure: no I/O and no clock.
/// </summary>
public static class SegmentForecast
{
    /// <summary>The forecast for <paramref name="managers"/> (manager → how many of the segment's customers they serve).</summary>
    public static JourneyForecast Run(
        JourneySimulator simulator, JourneyDefinition definition, string segment, IReadOnlyDictionary<string, int> managers, int unassigned, int optedOut,
        int deletedUs, DateOnly startDay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(managers);
        var touches = new SortedDictionary<(string Day, string Channel), long>();
        var confirmations = new List<ForecastConfirmations>();
        var days = 0;
        foreach (var (manager, customers) in managers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (customers <= 0)
            {
                continue;
            }

            var report = simulator.Run(definition, new SimulationOptions
            {
                Customers = customers, AccountManagers = 1, FirstStartDate = startDay, Response = ResponseMix.Mixed, Seed = 1,
            }, cancellationToken);
            days = Math.Max(days, report.ByDay.Count);
            foreach (var d in report.ByDay)
            {
                // Journey day N is N days after the start (day 1 is T+1), as the simulator's confirmation dates show.
                var date = startDay.AddDays(d.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                Add(touches, (date, "oneToOne"), d.OneToOne);
                Add(touches, (date, "moments"), d.Moments);
                Add(touches, (date, "group"), d.Group);
            }

            confirmations.AddRange(report.Confirmations.Where(c => c.Total > 0).Select(c => new ForecastConfirmations(manager, c.Date, c.Total)));
        }

        var refusals = new List<ForecastRefusal>();
        if (optedOut > 0)
        {
            refusals.Add(new ForecastRefusal("OptedOut：已退订，不会收到任何营销消息", optedOut));
        }

        if (deletedUs > 0)
        {
            refusals.Add(new ForecastRefusal("DeletedUs：已删除客户经理，暂停发送", deletedUs));
        }

        if (unassigned > 0)
        {
            refusals.Add(new ForecastRefusal("NotConnected：没有在职的客户经理，不会启动", unassigned));
        }

        var perDay = touches.Where(t => t.Value > 0).Select(t => new ForecastTouches(t.Key.Day, t.Key.Channel, t.Value)).ToList();
        return new JourneyForecast(definition.Id, definition.Version, segment, managers.Values.Sum() + unassigned, unassigned,
            startDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), days, perDay.Sum(t => t.Touches), refusals.Sum(r => r.Count),
            perDay, [.. confirmations.OrderBy(c => c.Day, StringComparer.Ordinal).ThenBy(c => c.ManagerId, StringComparer.Ordinal)], refusals,
            "模拟器按客户经理分别运行（同一引擎、发送时段、免打扰时段与每位客户的频控，客户反应按 mixed 假设）；频控与免打扰时段使触达顺延而非丢弃，"
            + "因此拒绝只计已退订、已删除客户经理和无客户经理的客户。已在其他旅程中的客户的发送历史未计入。");
    }

    private static void Add(SortedDictionary<(string, string), long> into, (string, string) key, long value) =>
        into[key] = into.GetValueOrDefault(key) + value;
}
