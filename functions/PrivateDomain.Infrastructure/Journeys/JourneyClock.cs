namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// Journey time for the local runner. At speed 1 it is the system clock. Faster (demos) it runs from the moment it was
/// created at <see cref="Speed"/> times real time — or, with an epoch (<see cref="FromEpoch"/>), from that fixed real
/// instant, so a host killed and restarted continues the same journey time instead of rewinding to its own start.
/// <see cref="RealDelay"/> turns a wait in journey time into the real delay a queue message needs — Storage queues and
/// Azurite apply visibility delays in real seconds. A
/// <see cref="Manual"/> clock stands still until told to move, so a test can walk a journey from wake-up to wake-up
/// without depending on how fast the machine is.
/// </summary>
public sealed class JourneyClock : TimeProvider
{
    /// <summary>How often a manual clock's not-yet-due wake-ups look again.</summary>
    public static readonly TimeSpan ManualRecheck = TimeSpan.FromMilliseconds(200);

    private readonly TimeProvider _real;
    private readonly DateTimeOffset _origin;
    private readonly long _realOrigin;
    private readonly bool _manual;
    private readonly DateTimeOffset? _epoch;
    private long _manualTicks;

    /// <summary>A clock at <paramref name="speed"/> × real time, starting at <paramref name="origin"/> (default: now).</summary>
    public JourneyClock(double speed, DateTimeOffset? origin = null, TimeProvider? real = null)
    {
        if (!(speed >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Journeys:ClockSpeed must be at least 1.");
        }

        _real = real ?? System;
        Speed = speed;
        _origin = origin ?? _real.GetUtcNow();
        _realOrigin = _real.GetTimestamp();
    }

    private JourneyClock(DateTimeOffset start)
    {
        _real = System;
        _manual = true;
        _origin = start;
        _manualTicks = start.UtcTicks;
        Speed = double.PositiveInfinity;
    }

    private JourneyClock(double speed, DateTimeOffset epoch, TimeProvider? real, bool fromEpoch)
        : this(speed, epoch, real)
    {
        _epoch = fromEpoch ? epoch : null;
    }

    /// <summary>
    /// A clock at <paramref name="speed"/> × real time since the real instant <paramref name="epoch"/> (when journey time
    /// equalled real time): journey now = epoch + speed × (real now − epoch). It reads the wall clock, not the process's
    /// stopwatch, so every process configured with the same epoch and speed agrees on journey time.
    /// </summary>
    public static JourneyClock FromEpoch(double speed, DateTimeOffset epoch, TimeProvider? real = null) => new(speed, epoch, real, fromEpoch: true);

    /// <summary>A clock that stands at <paramref name="start"/> until <see cref="AdvanceTo"/> moves it.</summary>
    public static JourneyClock Manual(DateTimeOffset start) => new(start);

    /// <summary>How many journey seconds pass per real second (infinite for a manual clock).</summary>
    public double Speed { get; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _manual
        ? new DateTimeOffset(Interlocked.Read(ref _manualTicks), TimeSpan.Zero)
        : _epoch is { } epoch
            ? epoch + (_real.GetUtcNow() - epoch) * Speed
            : _origin + _real.GetElapsedTime(_realOrigin) * Speed;

    /// <summary>Moves a manual clock forward to <paramref name="at"/> (never back).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        if (!_manual)
        {
            throw new InvalidOperationException("Only a manual journey clock can be moved.");
        }

        long current;
        do
        {
            current = Interlocked.Read(ref _manualTicks);
            if (at.UtcTicks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _manualTicks, at.UtcTicks, current) != current);
    }

    /// <summary>The real delay until journey time <paramref name="at"/>.</summary>
    public TimeSpan RealDelay(DateTimeOffset at)
    {
        var journeyDelay = at - GetUtcNow();
        if (journeyDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return _manual ? ManualRecheck : journeyDelay / Speed;
    }
}
