using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateDomain.WeCom;

/// <summary>Retention of raw WeCom events (PIPL: personal data is kept no longer than needed).</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Retention";

    /// <summary>How long raw callback events are kept (<c>Retention:RawEvents</c>, default 180 days).</summary>
    public TimeSpan RawEvents { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>Deletes raw events older than the retention period, for every tenant. Hosts run it daily.</summary>
public sealed class RawEventRetention(
    ICallbackEventStore store, IOptions<WeComOptions> tenants, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RawEventRetention> log)
{
    /// <summary>Purges; returns the number of events deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.RawEvents;
        var total = 0;
        foreach (var tenant in tenants.Value.Tenants.Keys)
        {
            var purged = await store.PurgeAsync(tenant, cutoff, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                log.LogInformation("Purged {Count} raw WeCom events of {Tenant} created before {Cutoff:yyyy-MM-dd}", purged, tenant, cutoff);
            }

            total += purged;
        }

        return total;
    }
}
