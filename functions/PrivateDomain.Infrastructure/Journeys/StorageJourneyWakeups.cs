using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>A wake-up message on queue <c>journey-wakeups</c>.</summary>
public sealed record JourneyWakeup(string Tenant, string InstanceId, DateTimeOffset WakeAt);

/// <summary>
/// Wake-ups as delayed messages on the Storage queue <c>journey-wakeups</c>. Queues delay in whole seconds and polling
/// adds latency, so a message is made visible <see cref="EarlyBy"/> before it is due and the handler waits out the rest
/// precisely (<see cref="HandleAsync"/>). A queue delays a message by at most 7 days, so a longer wait is chained: the
/// message comes back early and is scheduled again for the rest.
/// </summary>
public sealed class StorageJourneyWakeups(StorageClients clients, JourneyClock clock) : IJourneyWakeups
{
    /// <summary>The queue name.</summary>
    public const string QueueName = "journey-wakeups";

    /// <summary>The longest delay a Storage queue accepts, less a margin.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _exists;

    /// <inheritdoc />
    public async Task ScheduleAsync(string tenant, string instanceId, DateTimeOffset wakeAt, CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _exists = true;
        }

        var delay = clock.RealDelay(wakeAt) - EarlyBy;
        delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        await _queue.SendMessageAsync(JsonSerializer.Serialize(new JourneyWakeup(tenant, instanceId, wakeAt), Json),
            delay > MaxDelay ? MaxDelay : delay, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a wake-up message.</summary>
    public static JourneyWakeup Parse(string body) =>
        JsonSerializer.Deserialize<JourneyWakeup>(body, Json) ?? throw new FormatException("Empty journey wake-up message.");

    /// <summary>How much earlier than due a wake-up message becomes visible.</summary>
    public static readonly TimeSpan EarlyBy = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Handles a wake-up message: schedules it again if it is still far off (a chained wait), else waits out the last
    /// moments in real time and runs <paramref name="step"/>. Hold the message invisible longer than 2 × <see cref="EarlyBy"/>.
    /// </summary>
    public async Task HandleAsync(string body, Func<JourneyWakeup, CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var wakeup = Parse(body);
        var remaining = clock.RealDelay(wakeup.WakeAt);
        if (remaining > 2 * EarlyBy)
        {
            await ScheduleAsync(wakeup.Tenant, wakeup.InstanceId, wakeup.WakeAt, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
        }

        await step(wakeup, cancellationToken).ConfigureAwait(false);
    }
}
