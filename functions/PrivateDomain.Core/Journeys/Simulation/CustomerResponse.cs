namespace PrivateDomain.Journeys.Simulation;

/// <summary>How simulated customers respond (the <c>--response</c> option).</summary>
public enum ResponseMix
{
    /// <summary>Nobody reacts: every customer gets the whole journey.</summary>
    Silent,

    /// <summary>Everybody clicks the first 1:1 touch (attention) and about a third of the rest; nobody buys.</summary>
    Engaged,

    /// <summary>Everybody engages, shows intent after the desire content and converts during the action stage.</summary>
    Converts,

    /// <summary>Everybody deletes the account manager after a random 1:1 touch.</summary>
    Deletes,

    /// <summary>A launch forecast mix: 55% silent, 22% engaged, 10% intent without buying, 6% convert, 5% delete, 2% opt out.</summary>
    Mixed,
}

/// <summary>One simulated customer's behaviour, drawn from the mix.</summary>
internal enum CustomerProfile
{
    Silent,
    Engaged,
    Intent,
    Converts,
    Deletes,
    OptsOut,
}

/// <summary>A small deterministic random source (SplitMix64) seeded from the run's seed and the customer's index, so
/// a customer behaves the same whichever thread simulates it and whatever the other customers do.</summary>
internal struct Dice
{
    private ulong _state;

    public Dice(ulong seed, long customer)
    {
        _state = (seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)customer * 0xD1B54A32D192ED03UL) ^ 0x2545F4914F6CDD1DUL;
        Next();
    }

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A whole number in [0, n).</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    /// <summary>A whole number in [min, max].</summary>
    public int Between(int min, int max) => min + Below(max - min + 1);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => (Next() >> 11) * (1.0 / (1UL << 53)) < p;
}

/// <summary>Turns touches into the signals a customer of a profile would raise, with delays.</summary>
internal sealed class CustomerResponses
{
    private readonly int _intentAfter;
    private readonly int _convertAfter;
    private readonly int _oneToOnePerJourney;

    public CustomerResponses(JourneyDefinition definition)
    {
        var perRound = definition.Steps.Count(s => s.Channel == Channel.OneToOne);
        var afterSkip = perRound - definition.Steps.Where((s, i) => s.Channel == Channel.OneToOne && definition.SkippedOnReaction[i]).Count();
        _intentAfter = Math.Max(1, (afterSkip + 2) / 3);
        _convertAfter = Math.Max(_intentAfter, afterSkip - 1);
        _oneToOnePerJourney = perRound * definition.Rounds;
    }

    public static CustomerProfile Pick(ResponseMix mix, ref Dice dice) => mix switch
    {
        ResponseMix.Silent => CustomerProfile.Silent,
        ResponseMix.Engaged => CustomerProfile.Engaged,
        ResponseMix.Converts => CustomerProfile.Converts,
        ResponseMix.Deletes => CustomerProfile.Deletes,
        _ => dice.Below(100) switch
        {
            < 55 => CustomerProfile.Silent,
            < 77 => CustomerProfile.Engaged,
            < 87 => CustomerProfile.Intent,
            < 93 => CustomerProfile.Converts,
            < 98 => CustomerProfile.Deletes,
            _ => CustomerProfile.OptsOut,
        },
    };

    /// <summary>The 1:1 touch (1-based, never the last, so the customer leaves before the journey ends) after which a
    /// deleting or opting-out customer leaves.</summary>
    public int LeaveAfter(ref Dice dice) => 1 + dice.Below(Math.Max(1, _oneToOnePerJourney - 1));

    /// <summary>Adds the signals <paramref name="touch"/> provokes; <paramref name="ordinal"/> counts 1:1 touches so far.</summary>
    public void OnTouch(CustomerProfile profile, Touch touch, int ordinal, int leaveAfter, DateTimeOffset now, ref Dice dice, List<JourneyEvent> signals)
    {
        if (touch.Channel != Channel.OneToOne || profile == CustomerProfile.Silent)
        {
            return;
        }

        switch (profile)
        {
            case CustomerProfile.Engaged or CustomerProfile.Intent or CustomerProfile.Converts:
                if (ordinal == 1)
                {
                    signals.Add(new Reacted(ReactionKind.Clicked, now.AddMinutes(dice.Between(20, 90)), touch.Id));
                }
                else if (dice.Chance(0.35))
                {
                    signals.Add(new Reacted(ReactionKind.Clicked, now.AddMinutes(dice.Between(60, 240)), touch.Id));
                }

                if (profile != CustomerProfile.Engaged && ordinal == _intentAfter)
                {
                    signals.Add(new IntentShown(now.AddHours(dice.Between(3, 30))));
                }

                if (profile == CustomerProfile.Converts && ordinal == _convertAfter)
                {
                    signals.Add(new Converted(now.AddHours(dice.Between(20, 48))));
                }

                break;
            case CustomerProfile.Deletes when ordinal == leaveAfter:
                signals.Add(new ManagerDeleted(now.AddHours(dice.Between(1, 12))));
                break;
            case CustomerProfile.OptsOut when ordinal == leaveAfter:
                signals.Add(new OptedOut(now.AddMinutes(dice.Between(5, 60))));
                break;
        }
    }
}
