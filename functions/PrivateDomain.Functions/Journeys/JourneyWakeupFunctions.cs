using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// Wake-ups of table-driven journeys (queue <c>journey-wakeups</c>, delayed messages written by
/// <see cref="StorageJourneyWakeups"/>): the payroll fan-out starts its campaign journeys on the runner (state in a
/// table), as on the local host, and each of their waits ends here with <see cref="JourneyRunner.StepAsync"/> — without
/// this trigger a campaign sent D-5 and nothing after. A step is idempotent, so the host's retries are safe; a message
/// is held at most 2 s past due (host.json's visibility timeout is longer).
/// </summary>
public sealed class JourneyWakeupFunctions(StorageJourneyWakeups wakeups, JourneyRunner runner, QueueTriggerPoison poison)
{
    /// <summary>One wake-up.</summary>
    [Function("JourneyWakeup")]
    public Task WakeAsync([QueueTrigger(StorageJourneyWakeups.QueueName, Connection = "Storage")] string message, FunctionContext context, CancellationToken cancellationToken) =>
        poison.RunAsync(StorageJourneyWakeups.QueueName, message, context, () =>
        {
            _ = QueuePoison.Read(() => StorageJourneyWakeups.Parse(message)); // unreadable: poison now, not after five tries
            return wakeups.HandleAsync(message, (w, ct) => runner.StepAsync(w.Tenant, w.InstanceId, ct, w.WakeAt), cancellationToken);
        }, cancellationToken);
}
