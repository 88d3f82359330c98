using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>
/// The tenant's rules for when a customer may be touched: its time zone, the daily send window (outside it are quiet
/// hours) and per-customer 1:1 frequency caps. Quiet hours are honoured by scheduling — a touch due at 22:00 is planned
/// for the next opening — never by dropping. Caps count 1:1 touches only: a Moments or group post is not a message to
/// one customer, and capping it per customer would mean hiding a post from some of a manager's customers.
/// </summary>
/// <param name="TimeZone">The bank's time zone; day numbers, windows and caps are all in its local dates.</param>
/// <param name="WindowOpens">Local time the send window opens (inclusive).</param>
/// <param name="WindowCloses">Local time the window closes (exclusive); later than <paramref name="WindowOpens"/>.</param>
/// <param name="OneToOneCaps">At most Max 1:1 touches in any Days consecutive local days.</param>
public sealed record TouchPolicy(TimeZoneInfo TimeZone, TimeOnly WindowOpens, TimeOnly WindowCloses, ImmutableArray<FrequencyCap> OneToOneCaps)
{
    /// <summary>The largest cap count a journey state remembers sends for.</summary>
    public const int MaxCap = JourneyState.RecentOneToOneKept;

    /// <summary>Asia/Shanghai, window 09:00–21:00, at most one 1:1 touch a day and five in any seven days. The A-bank plan
    /// sends 7 one-to-one touches per 12-day round — 4.08 per 7 days on average, so no schedule of it fits a cap of four;
    /// its busiest week (round 1's days 7–12 plus round 2's day 1) holds five, so this default never reshapes it.</summary>
    public static TouchPolicy Default { get; } = new(
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), new TimeOnly(9, 0), new TimeOnly(21, 0), [new(1, 1), new(5, 7)]);

    /// <summary>Throws if the window is empty or a cap is out of range.</summary>
    /// <exception cref="ArgumentException">The policy cannot be honoured.</exception>
    public TouchPolicy Validated()
    {
        if (WindowCloses <= WindowOpens)
        {
            throw new ArgumentException($"The send window must close after it opens (opens {WindowOpens}, closes {WindowCloses}); windows across midnight are not supported.");
        }

        foreach (var cap in OneToOneCaps)
        {
            if (cap.Max is < 1 or > MaxCap || cap.Days is < 1 or > 366)
            {
                throw new ArgumentException($"A 1:1 cap of {cap.Max} per {cap.Days} days is out of range: Max is 1–{MaxCap}, Days 1–366.");
            }
        }

        return this;
    }
}

/// <summary>At most <paramref name="Max"/> touches in any <paramref name="Days"/> consecutive local days.</summary>
public readonly record struct FrequencyCap(int Max, int Days);
