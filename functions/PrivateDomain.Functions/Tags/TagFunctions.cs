using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Storage;
using PrivateDomain.Tags;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Tags;

/// <summary>
/// Dynamic tags on Azure: the WeCom tag sync from queue <c>tag-sync</c> (a failure — WeCom's rate limit outlasting the
/// client's retries — is retried by the queue, then poisoned after maxDequeueCount) and the nightly sweep at 18:30 UTC
/// (02:30 China time), which evaluates every customer again and reconciles managed tags with WeCom.
/// </summary>
public sealed class TagFunctions(WeComTagSync sync, DynamicTagger tagger, ISignalInbox signals, IOptions<WeComOptions> tenants, QueueTriggerPoison poison)
{
    /// <summary>One customer's tags to WeCom.</summary>
    [Function("TagSync")]
    public Task SyncAsync([QueueTrigger(StorageTagSyncQueue.QueueName, Connection = "Storage")] string message, FunctionContext context, CancellationToken cancellationToken) =>
        poison.RunAsync(StorageTagSyncQueue.QueueName, message, context, async () =>
        {
            var request = QueuePoison.Read(() => StorageTagSyncQueue.Parse(message));
            await sync.SyncAsync(request.Tenant, request.CustomerId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The nightly sweep of every tenant.</summary>
    [Function("DynamicTagSweep")]
    public async Task SweepAsync([TimerTrigger("0 30 18 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            await tagger.SweepAsync(tenant, signals, cancellationToken).ConfigureAwait(false);
        }
    }
}
