using System.Collections.Immutable;
using System.Globalization;
using PrivateDomain.Customers;

namespace PrivateDomain.Journeys;

/// <summary>A customer signal as a journey reads it from the inbox (small and serializable: Durable activities return it).</summary>
/// <param name="Id">The inbox id (one signal per cause).</param>
/// <param name="Kind">A pool kind (<see cref="SignalKinds"/>) or an operator kind (<see cref="JourneySignals.Kinds"/>).</param>
/// <param name="At">When it happened.</param>
/// <param name="TouchId">The touch reacted to, when a tracked link carried it.</param>
public sealed record InboxSignal(string Id, string Kind, DateTimeOffset At, string? TouchId);

/// <summary>
/// How a journey consumes its customer's signal inbox. Signals are written to the inbox first (Durable drops an event
/// raised to an instance that does not exist yet or has finished), and every driver that cannot apply a signal at the
/// moment it is raised reads the inbox when it wakes. The inbox is shared (several journeys and other capabilities read
/// the same customer partition) and never emptied by a reader, so each journey keeps the ids it applied: reading is
/// "what concerns me and I have not applied", and applying is idempotent.
/// </summary>
/// <remarks>
/// A signal concerns a journey when it happened at or after the journey started (an old "deleted us" must not end a
/// journey that began after the customer came back), maps to an engine event, and — for an operator's signal aimed at
/// one instance (data <c>instanceId</c>) — names this instance.
/// </remarks>
public static class JourneyInbox
{
    /// <summary>The data key of an operator signal aimed at one instance.</summary>
    public const string InstanceIdKey = "instanceId";

    /// <summary>The data key of the touch a tracked link click refers to.</summary>
    public const string TouchIdKey = "touchId";

    /// <summary>How many applied ids a journey remembers (a customer produces a handful of signals per journey).</summary>
    public const int AppliedKept = 64;

    /// <summary>The signals in <paramref name="inbox"/> that concern the journey and are not in <paramref name="applied"/>, oldest first.</summary>
    public static async Task<ImmutableArray<InboxSignal>> PendingAsync(
        ISignalInbox inbox, string tenant, JourneyState state, IReadOnlyCollection<string> applied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(applied);
        var pending = ImmutableArray.CreateBuilder<InboxSignal>();
        await foreach (var signal in inbox.ListAsync(tenant, state.CustomerId, cancellationToken).ConfigureAwait(false))
        {
            if (!applied.Contains(signal.Id) && Concerns(state, signal))
            {
                pending.Add(new InboxSignal(signal.Id, signal.Kind, signal.At,
                    signal.Data.TryGetValue(TouchIdKey, out var touch) && touch.Length > 0 ? touch : null));
            }
        }

        return pending.DrainToImmutable();
    }

    /// <summary>True if <paramref name="signal"/> is for the journey in <paramref name="state"/>.</summary>
    public static bool Concerns(JourneyState state, CustomerSignal signal)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(signal);
        return signal.CustomerId == state.CustomerId
            && signal.At >= state.StartedAt
            && ToEvent(signal.Kind, signal.At, null) is not null
            && (!signal.Data.TryGetValue(InstanceIdKey, out var target) || target.Length == 0 || target == state.InstanceId);
    }

    /// <summary>Applies the signals not applied yet, in time order; returns the new state and the applied ids.</summary>
    public static (JourneyState State, ImmutableArray<string> Applied) Apply(JourneyState state, ImmutableArray<string> applied, IEnumerable<InboxSignal> signals)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(signals);
        applied = applied.IsDefault ? [] : applied;
        foreach (var signal in signals.OrderBy(s => s.At).ThenBy(s => s.Id, StringComparer.Ordinal))
        {
            if (applied.Contains(signal.Id) || ToEvent(signal.Kind, signal.At, signal.TouchId) is not { } journeyEvent)
            {
                continue;
            }

            state = JourneyEngine.Apply(state, journeyEvent);
            applied = applied.Length < AppliedKept ? applied.Add(signal.Id) : applied.RemoveAt(0).Add(signal.Id);
        }

        return (state, applied);
    }

    /// <summary>The engine event for a pool or operator signal kind, or null for kinds journeys ignore.</summary>
    public static JourneyEvent? ToEvent(string kind, DateTimeOffset at, string? touchId) => kind switch
    {
        SignalKinds.DeletedUs => new ManagerDeleted(at),
        SignalKinds.Clicked => new Reacted(ReactionKind.Clicked, at, ParseTouchId(touchId)),
        _ => JourneySignals.ToEvent(kind, at),
    };

    /// <summary>Reads <c>{instance}/r{round}/{step}</c> (instance ids never contain '/'); null if it is not one.</summary>
    public static TouchId? ParseTouchId(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split('/');
        return parts.Length == 3 && parts[1].StartsWith('r')
            && int.TryParse(parts[1].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var round)
            ? new TouchId(parts[0], round, parts[2])
            : null;
    }
}
