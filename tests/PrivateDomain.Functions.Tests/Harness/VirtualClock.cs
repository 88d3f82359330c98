using System.Collections.Concurrent;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>
/// Test time for Durable orchestrations, which the in-process test host runs on real timers. Orchestrations see
/// <c>CurrentUtcDateTime</c> as the host's real orchestration time plus an offset; each durable timer becomes a short
/// real one, and when it fires the offset grows so that the orchestration's time is the timer's due time. The offset is
/// derived only from history (replayed timers fire in the same order at the same recorded times), so replays see the
/// same clock. ContinueAsNew starts a new history: the offset it ends with is carried to the next execution, keyed by
/// instance and the new input. The app's services run on <see cref="TimeProvider"/>: real time plus the start offset.
/// </summary>
public sealed class VirtualClock
{
    private readonly ConcurrentDictionary<string, TimeSpan> _carried = new(StringComparer.Ordinal);

    /// <summary>A clock whose time now reads <paramref name="start"/>.</summary>
    public VirtualClock(DateTimeOffset start)
    {
        StartOffset = start - DateTimeOffset.UtcNow;
        TimeProvider = new OffsetTimeProvider(StartOffset);
    }

    /// <summary>What every new orchestration (and <see cref="TimeProvider"/>) adds to real time.</summary>
    public TimeSpan StartOffset { get; }

    /// <summary>The app's clock: real time moved to the start.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The real delay of a durable timer.</summary>
    public TimeSpan TimerStep { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>When set, a timer due after this (orchestration) time is held: its real delay is
    /// <see cref="HeldDelay"/>, so the orchestration waits there until an event reaches it.</summary>
    public DateTimeOffset? HoldAfter { get; set; }

    /// <summary>The real delay of a held timer.</summary>
    public TimeSpan HeldDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The offset an execution of <paramref name="instanceId"/> with this input starts with.</summary>
    internal TimeSpan OffsetAtStart(string instanceId, string input) =>
        _carried.TryGetValue(Key(instanceId, input), out var offset) ? offset : StartOffset;

    /// <summary>Records the offset an execution ended with for the execution that continues as new with <paramref name="input"/>.</summary>
    internal void Carry(string instanceId, string input, TimeSpan offset) => _carried[Key(instanceId, input)] = offset;

    private static string Key(string instanceId, string input) => instanceId + "\n" + input;

    private sealed class OffsetTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
