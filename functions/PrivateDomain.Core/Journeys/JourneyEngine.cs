using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>
/// The journey engine: two pure functions every driver loops over —
/// <see cref="Decide"/> (what to do at <c>now</c>) and <see cref="Apply"/> (fold an event into the state).
/// No clock, no randomness, no I/O: the same definition, state and time always give the same decision, which is what
/// lets a Durable orchestrator replay it and a simulator run a million customers on a virtual clock.
/// </summary>
/// <remarks>
/// Rules, in the order <see cref="Decide"/> applies them to each pending step of the round:
/// its nominal time (round's day + local time, or hours after start); not before <c>now</c>; moved out of quiet hours
/// to the window's next opening; for 1:1, moved day by day until the per-customer caps allow it (counting touches sent
/// and those in the same decision); dropped if that pushes it past its stage's last day; sent if due, else waited for.
/// Skip-ahead drops the rule's stages once the customer reacted in the trigger stage; intent swaps in the 3W script.
/// </remarks>
public sealed class JourneyEngine
{
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _opens;
    private readonly TimeSpan _closes;
    private readonly ImmutableArray<FrequencyCap> _caps;

    /// <summary>Creates the engine for a tenant's <paramref name="policy"/>.</summary>
    public JourneyEngine(TouchPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy.Validated();
        _zone = policy.TimeZone;
        _opens = policy.WindowOpens.ToTimeSpan();
        _closes = policy.WindowCloses.ToTimeSpan();
        _caps = policy.OneToOneCaps;
    }

    /// <summary>The tenant's policy.</summary>
    public TouchPolicy Policy { get; }

    /// <summary>The state of a journey that starts at <paramref name="now"/>, pinned to <paramref name="definition"/>.</summary>
    public JourneyState Start(JourneyDefinition definition, string instanceId, string customerId, string senderId, DateTimeOffset now) =>
        Start(definition, instanceId, customerId, senderId, now, null);

    /// <summary>The state of a journey that starts at <paramref name="now"/> for a dated <paramref name="occasion"/>
    /// (a payroll campaign): its days fall on the occasion's dates rather than on consecutive days from today.</summary>
    /// <exception cref="ArgumentException">The occasion's dates are not strictly increasing.</exception>
    public JourneyState Start(JourneyDefinition definition, string instanceId, string customerId, string senderId, DateTimeOffset now, JourneyOccasion? occasion)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var today = DateOnly.FromDateTime(Local(now));
        var days = occasion?.Days ?? [];
        for (var i = 1; i < days.Length; i++)
        {
            if (days[i] <= days[i - 1])
            {
                throw new ArgumentException($"The occasion's days must be strictly increasing; day {i + 1} ({days[i]:yyyy-MM-dd}) is not after day {i} ({days[i - 1]:yyyy-MM-dd}).", nameof(occasion));
            }
        }

        return new JourneyState
        {
            Days = days,
            Campaign = occasion?.Campaign,
            Payday = occasion?.Payday,
            InstanceId = instanceId,
            JourneyId = definition.Id,
            Version = definition.Version,
            ContentHash = definition.ContentHash,
            CustomerId = customerId,
            SenderId = senderId,
            StartedAt = now,
            FirstDay = days.IsEmpty ? (definition.StartsOn == JourneyStart.NextDay ? today.AddDays(1) : today) : days[0],
        };
    }

    /// <summary>Decides what the driver does at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The state is pinned to another definition version.</exception>
    public JourneyDecision Decide(JourneyDefinition definition, JourneyState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        if (state.JourneyId != definition.Id || state.Version != definition.Version || state.ContentHash != definition.ContentHash)
        {
            throw new ArgumentException(
                $"The journey state is pinned to {state.JourneyId} v{state.Version} ({state.ContentHash}); it cannot be decided with {definition} ({definition.ContentHash}).",
                nameof(definition));
        }

        if (state.Exit is { } exit)
        {
            return new CompleteJourney(exit);
        }

        if (state.Converted && definition.Exits.Contains(JourneyEnd.Converted))
        {
            return new CompleteJourney(JourneyEnd.Converted);
        }

        if (state.Round > definition.Rounds)
        {
            return new CompleteJourney(JourneyEnd.Finished);
        }

        var nowZoned = TimeZoneInfo.ConvertTime(now, _zone);
        var nowLocal = nowZoned.DateTime;
        var hint = nowZoned.Offset;
        var roundDay1 = state.FirstDay.AddDays((state.Round - 1) * definition.RoundDays);
        var skipping = IsSkippingAhead(definition, state);
        Span<DateOnly> batch = stackalloc DateOnly[definition.Steps.Length];
        var batchCount = 0;
        ImmutableArray<Touch>.Builder? due = null;
        DateTime? next = null;

        foreach (var i in definition.StepOrder)
        {
            if (state.IsDone(i) || (skipping && definition.SkippedOnReaction[i]))
            {
                continue;
            }

            var step = definition.Steps[i];
            var nominal = step.Day is { } day
                ? DayDate(state, roundDay1, day).ToDateTime(step.At.GetValueOrDefault())
                : Local(state.StartedAt.AddDays((state.Round - 1) * definition.RoundDays).AddHours(step.AfterHours.GetValueOrDefault()));
            var slot = IntoWindow(nominal > nowLocal ? nominal : nowLocal);
            if (step.Channel == Channel.OneToOne)
            {
                slot = WithinCaps(slot, state.RecentOneToOne, batch[..batchCount]);
            }

            var stage = definition.Stages[definition.StepStage[i]];
            if (DateOnly.FromDateTime(slot) > DayDate(state, roundDay1, stage.ToDay))
            {
                continue; // pushed out of its stage by caps, quiet hours or a late wake-up: stale, so not sent
            }

            if (slot > nowLocal)
            {
                next = next is { } n && n <= slot ? n : slot;
                continue;
            }

            if (step.Channel == Channel.OneToOne)
            {
                batch[batchCount++] = DateOnly.FromDateTime(slot);
            }

            var threeW = state.Intent && step.IntentContent is not null;
            due ??= ImmutableArray.CreateBuilder<Touch>();
            due.Add(new Touch(
                new TouchId(state.InstanceId, state.Round, step.Id),
                i,
                step.Stage,
                step.Channel,
                step.Kind,
                threeW ? step.IntentContent! : step.Content,
                threeW,
                state.CustomerId,
                state.SenderId,
                slot,
                Instant(slot, hint))
            {
                Campaign = state.Campaign,
                Payday = state.Payday,
                Personal = step.Personal,
            });
        }

        if (due is not null)
        {
            return new SendTouches(due.DrainToImmutable());
        }

        if (next is { } wake)
        {
            return new WaitUntil(Instant(wake, hint), WakeOnSignal: true);
        }

        return state.Round < definition.Rounds ? new StartNextRound(state.Round + 1) : new CompleteJourney(JourneyEnd.Finished);
    }

    /// <summary>Folds <paramref name="journeyEvent"/> into <paramref name="state"/>. Idempotent: applying the same event
    /// twice gives the same state; events for another instance or round, and anything after an exit, change nothing.</summary>
    public static JourneyState Apply(JourneyState state, JourneyEvent journeyEvent)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(journeyEvent);
        if (state.Exit is not null)
        {
            return state;
        }

        switch (journeyEvent)
        {
            case TouchSent { Touch: var t } when Ours(state, t.Id):
            {
                var bit = 1UL << t.Step;
                if ((state.SentSteps & bit) != 0)
                {
                    return state;
                }

                return state with
                {
                    SentSteps = state.SentSteps | bit,
                    FailedSteps = state.FailedSteps & ~bit,
                    LastSentStepId = t.Id.StepId,
                    RecentOneToOne = t.Channel == Channel.OneToOne ? Remember(state.RecentOneToOne, t.LocalDate) : state.RecentOneToOne,
                };
            }

            case TouchFailed { Touch: var t } when Ours(state, t.Id):
                return state.IsDone(t.Step) ? state : state with { FailedSteps = state.FailedSteps | (1UL << t.Step) };

            case Reacted r:
            {
                var stepId = r.Touch is { } id ? (Ours(state, id) ? id.StepId : null) : state.LastSentStepId;
                var reactedTo = stepId is null || state.ReactedTo.Contains(stepId) ? state.ReactedTo : state.ReactedTo.Add(stepId);
                return state with { Reactions = state.Reactions + 1, ReactedTo = reactedTo };
            }

            case IntentShown:
                return state.Intent ? state : state with { Intent = true };
            case Converted:
                return state.Converted ? state : state with { Converted = true };
            case OptedOut:
                return state with { Exit = JourneyEnd.OptedOut };
            case ManagerDeleted:
                return state with { Exit = JourneyEnd.ManagerDeleted };
            case RoundStarted r when r.Round == state.Round + 1:
                return state with { Round = r.Round, SentSteps = 0, FailedSteps = 0, LastSentStepId = null, ReactedTo = [] };
            default:
                return state;
        }
    }

    /// <summary>The local time of <paramref name="at"/> in the tenant's zone.</summary>
    public DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).DateTime;

    /// <summary>The instant of a local time; a time skipped by a daylight-saving jump moves an hour later.</summary>
    public DateTimeOffset Instant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    /// <summary><see cref="Instant(DateTime)"/>, trying <paramref name="hint"/> (the offset at <c>now</c>) first: one
    /// conversion instead of a rule lookup, and right except across a daylight-saving change.</summary>
    private DateTimeOffset Instant(DateTime local, TimeSpan hint)
    {
        var guess = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), hint);
        return TimeZoneInfo.ConvertTime(guess, _zone).DateTime == local ? guess : Instant(local);
    }

    // Day d of the current round: the occasion's date for round 1 when it has one, else consecutive from day 1.
    private static DateOnly DayDate(JourneyState state, DateOnly roundDay1, int day) =>
        state.Round == 1 && day <= state.Days.Length ? state.Days[day - 1]
        : state.Round == 1 && !state.Days.IsEmpty ? state.Days[^1].AddDays(day - state.Days.Length)
        : roundDay1.AddDays(day - 1);

    private static bool Ours(JourneyState state, TouchId id) => id.Round == state.Round && id.InstanceId == state.InstanceId;

    private static ImmutableArray<DateOnly> Remember(ImmutableArray<DateOnly> recent, DateOnly date) =>
        recent.Length < JourneyState.RecentOneToOneKept ? recent.Add(date) : recent.RemoveAt(0).Add(date);

    private static bool IsSkippingAhead(JourneyDefinition definition, JourneyState state)
    {
        if (definition.SkipTriggerStage < 0 || state.ReactedTo.IsEmpty)
        {
            return false;
        }

        foreach (var stepId in state.ReactedTo)
        {
            if (definition.StepIndex.TryGetValue(stepId, out var i) && definition.StepStage[i] == definition.SkipTriggerStage)
            {
                return true;
            }
        }

        return false;
    }

    private DateTime IntoWindow(DateTime local)
    {
        var time = local.TimeOfDay;
        return time < _opens ? local.Date + _opens : time >= _closes ? local.Date.AddDays(1) + _opens : local;
    }

    private DateTime WithinCaps(DateTime slot, ImmutableArray<DateOnly> recent, ReadOnlySpan<DateOnly> batch)
    {
        // Bounded: each cap frees up within its Days once no new sends are added.
        for (var guard = 0; guard < 400; guard++)
        {
            var date = DateOnly.FromDateTime(slot);
            if (CapsAllow(date, recent, batch))
            {
                return slot;
            }

            slot = date.AddDays(1).ToDateTime(TimeOnly.MinValue) + _opens;
        }

        return slot;
    }

    private bool CapsAllow(DateOnly date, ImmutableArray<DateOnly> recent, ReadOnlySpan<DateOnly> batch)
    {
        foreach (var cap in _caps)
        {
            var from = date.AddDays(1 - cap.Days);
            var count = 0;
            foreach (var d in recent)
            {
                count += d >= from && d <= date ? 1 : 0;
            }

            foreach (var d in batch)
            {
                count += d >= from && d <= date ? 1 : 0;
            }

            if (count >= cap.Max)
            {
                return false;
            }
        }

        return true;
    }
}
