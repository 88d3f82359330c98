using Microsoft.Azure.Functions.Worker;
using PrivateDomain.Storage;
using PrivateDomain.Welcome;

namespace PrivateDomain.Functions.Welcome;

/// <summary>
/// The welcome fast path: the callback intake puts each add event with a welcome_code on <c>welcome-messages</c> as well
/// as on <c>wecom-events</c>, so the welcome never waits behind event processing. WeCom takes a welcome_code for 20 s only:
/// host.json's <c>maxPollingInterval</c> keeps an idle queue polled every 2 s (the default backs off to a minute).
/// A message that cannot be read goes to <c>welcome-messages-poison</c> with the reason at once (<see cref="QueueTriggerPoison"/>);
/// after maxDequeueCount other failures the host moves it there.
/// </summary>
public sealed class WelcomeFunctions(WelcomeSender sender, QueueTriggerPoison poison)
{
    /// <summary>One add event to welcome.</summary>
    [Function("WelcomeMessage")]
    public Task SendAsync(
        [QueueTrigger(StorageWelcomeQueue.QueueName, Connection = "Storage")] string message, FunctionContext context,
        CancellationToken cancellationToken) =>
        poison.RunAsync(StorageWelcomeQueue.QueueName, message, context,
            () => sender.HandleAsync(QueuePoison.Read(() => StorageWelcomeQueue.Deserialize(message)), cancellationToken), cancellationToken);
}
