using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Storage;
using PrivateDomain.Tags;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Tags;

/// <summary>
/// Dynamic tags on Azure: the WeCom tag sync from queue <c>tag-sync</c> (a failure — WeCom's rate limit outlasting the
/// client's retries — is retried by the queue, then poisoned after maxDequeueCount) and the nightly sweep at
/// <see cref="TagOptions.SweepAt"/> China time (02:30 by default), which evaluates every customer again and reconciles
/// managed tags with WeCom.
/// </summary>
public sealed class TagFunctions(
    WeComTagSync sync, DynamicTagger tagger, ISignalInbox signals, IOptions<WeComOptions> tenants, IOptions<TagOptions> options, TimeProvider time,
    QueueTriggerPoison poison, ILogger<TagFunctions> log)
{
    /// <summary>The sweep timer's schedule (UTC): every 15 minutes; the run whose China time falls in the quarter hour from
    /// <see cref="TagOptions.SweepAt"/> sweeps, the others return at once — a fixed daily schedule would ignore the setting.</summary>
    public const string SweepSchedule = "0 */15 * * * *";

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>One customer's tags to WeCom.</summary>
    [Function("TagSync")]
    public Task SyncAsync([QueueTrigger(StorageTagSyncQueue.QueueName, Connection = "Storage")] string message, FunctionContext context, CancellationToken cancellationToken) =>
        poison.RunAsync(StorageTagSyncQueue.QueueName, message, context, async () =>
        {
            var request = QueuePoison.Read(() => StorageTagSyncQueue.Parse(message));
            await sync.SyncAsync(request.Tenant, request.CustomerId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The nightly sweep of every tenant, in the quarter hour from SweepAt. One tenant's failure does not hold up the
    /// others' sweeps; it fails the run afterwards (that tenant is swept again the next night, as on the local host).</summary>
    [Function("DynamicTagSweep")]
    public async Task SweepAsync([TimerTrigger(SweepSchedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), China).DateTime);
        var from = options.Value.SweepAt;
        if (!local.IsBetween(from, from.Add(TimeSpan.FromMinutes(15))))
        {
            return;
        }

        var failed = new List<Exception>();
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            try
            {
                await tagger.SweepAsync(tenant, signals, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Dynamic tag sweep for {Tenant} failed; it runs again tomorrow", tenant);
                failed.Add(e);
            }
        }

        if (failed.Count > 0)
        {
            throw new AggregateException("The dynamic tag sweep failed for some tenants (see the warnings); they are swept again tomorrow.", failed);
        }
    }
}
