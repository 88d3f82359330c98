namespace PrivateDomain.Tags;

/// <summary>
/// Asks for a customer's managed tags (those a channel code or a dynamic-tag rule set) to be brought into line at WeCom
/// (<see cref="WeComTagSync"/>). Requests are queued: a WeCom rate limit or outage delays the sync, it does not lose it.
/// </summary>
public interface ITagSyncQueue
{
    /// <summary>Queues a sync of the customer's managed tags.</summary>
    Task RequestAsync(string tenant, string customerId, CancellationToken cancellationToken);
}
