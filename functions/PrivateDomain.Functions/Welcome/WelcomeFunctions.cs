using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Welcome;

namespace PrivateDomain.Functions.Welcome;

/// <summary>
/// The welcome fast path: the callback intake puts each add event with a welcome_code on <c>welcome-messages</c> as well
/// as on <c>wecom-events</c>, so the welcome never waits behind event processing. WeCom takes a welcome_code for 20 s only:
/// host.json's <c>maxPollingInterval</c> keeps an idle queue polled every 2 s (the default backs off to a minute).
/// After maxDequeueCount failures the host moves a message to <c>welcome-messages-poison</c>.
/// </summary>
public sealed class WelcomeFunctions(WelcomeSender sender)
{
    /// <summary>One add event to welcome.</summary>
    [Function("WelcomeMessage")]
    public Task SendAsync(
        [QueueTrigger(StorageWelcomeQueue.QueueName, Connection = "Storage")] string message,
        CancellationToken cancellationToken) =>
        sender.HandleAsync(StorageWelcomeQueue.Deserialize(message), cancellationToken);
}
