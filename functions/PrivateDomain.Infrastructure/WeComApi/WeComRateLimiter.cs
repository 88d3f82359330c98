using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PrivateDomain.WeComApi;

/// <summary>
/// Per corp and API: a token bucket (<see cref="WeComApiOptions.PermitsPerMinute"/>, refilled every second, bursting
/// one second's worth) and a concurrency limit. WeCom counts per corp per API, so we do too.
/// </summary>
public sealed class WeComRateLimiter(IOptions<WeComApiOptions> options) : IDisposable
{
    private readonly WeComApiOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Corp, string Api), Lazy<(RateLimiter Rate, RateLimiter Concurrency)>> _limiters = new();

    /// <summary>Waits for a permit; null when the queue is full. Dispose the lease when the HTTP call is done.</summary>
    public async ValueTask<IDisposable?> AcquireAsync(string corpId, string api, CancellationToken cancellationToken)
    {
        var (rate, concurrency) = _limiters.GetOrAdd((corpId, api), _ => new(Create)).Value;
        var rateLease = await rate.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        rateLease.Dispose(); // token-bucket permits are consumed, not returned
        if (!rateLease.IsAcquired)
        {
            return null;
        }

        var lease = await concurrency.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var l in _limiters.Values.Where(l => l.IsValueCreated))
        {
            l.Value.Rate.Dispose();
            l.Value.Concurrency.Dispose();
        }
    }

    private (RateLimiter, RateLimiter) Create()
    {
        var perSecond = Math.Max(1, _options.PermitsPerMinute / 60);
        return (
            new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = _options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            }),
            new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = _options.MaxConcurrentCalls,
                QueueLimit = _options.QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
    }
}
