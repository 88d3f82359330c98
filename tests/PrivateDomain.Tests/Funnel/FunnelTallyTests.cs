using PrivateDomain.Funnel;
using PrivateDomain.Journeys.Simulation;
using static PrivateDomain.Tests.Journeys.JourneyFixtures;

namespace PrivateDomain.Tests.Funnel;

public sealed class FunnelTallyTests
{
    private static readonly DateOnly From = new(2026, 11, 1);
    private static readonly DateOnly To = new(2026, 11, 30);

    [Fact]
    public void Rows_come_most_added_first_with_customers_without_a_value_last_and_a_total()
    {
        FunnelCustomer[] customers =
        [
            new("c1", "a", "zhangsan", "西湖支行", null, true, false, true, false),
            new("c2", null, "zhangsan", "西湖支行", null, false, false, false, false),
            new("c3", null, "lisi", null, null, false, false, false, false),
            new("c4", "b", "lisi", null, null, true, true, false, true),
            new("c5", "b", "lisi", null, null, false, false, false, false),
        ];

        var table = PrivateDomain.Funnel.Funnel.Tally(From, To, FunnelDimension.Channel, customers);

        Assert.Equal(["b 2/1/1/0/1", "a 1/1/0/1/0", "(无) 2/0/0/0/0"], table.Rows.Select(Text));
        Assert.Equal("合计 5/2/1/1/1", Text(table.Total));
        Assert.Equal("channel", table.By);
    }

    [Fact]
    public void Intent_shows_in_a_signal_or_in_a_managers_tag()
    {
        Assert.True(PrivateDomain.Funnel.Funnel.IsIntent("intent"));
        Assert.True(PrivateDomain.Funnel.Funnel.IsIntentTag("意向"));
        Assert.False(PrivateDomain.Funnel.Funnel.IsIntentTag("clicked"));
        Assert.True(PrivateDomain.Funnel.Funnel.IsEngagement("clicked"));
        Assert.False(PrivateDomain.Funnel.Funnel.IsEngagement("converted"));
    }

    [Fact]
    public void A_forecast_simulates_each_managers_customers_and_dates_journey_day_N_N_days_after_the_start()
    {
        var start = new DateOnly(2026, 12, 7);
        var forecast = SegmentForecast.Run(new JourneySimulator(Engine), Aida, "tag:代发",
            new Dictionary<string, int> { ["zhangsan"] = 3, ["lisi"] = 2 }, unassigned: 1, optedOut: 2, deletedUs: 0, start);

        Assert.Equal(6, forecast.Customers);
        Assert.Equal(("2026-12-08", 5L), forecast.TouchesPerDay.Where(t => t.Channel == "oneToOne").Select(t => (t.Day, t.Touches)).First());
        Assert.Equal(["lisi", "zhangsan"], forecast.ConfirmationsPerManagerPerDay.Select(c => c.ManagerId).Distinct().Order());
        Assert.Equal(forecast.ConfirmationsPerManagerPerDay.Min(c => c.Day), forecast.TouchesPerDay.Min(t => t.Day));
        Assert.Equal(3, forecast.TotalRefusals);
    }

    private static string Text(FunnelRow r) => $"{r.Key} {r.Added}/{r.Engaged}/{r.Intent}/{r.Converted}/{r.Referred}";
}
