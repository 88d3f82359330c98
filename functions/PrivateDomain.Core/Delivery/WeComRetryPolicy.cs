namespace PrivateDomain.Delivery;

/// <summary>
/// When to retry a failed WeCom call and how long to wait first. Pure: the attempt number and a random number in
/// [0, 1) come from the caller, so a test can pin every delay.
/// </summary>
/// <remarks>
/// -1 (system busy) is retried at most <see cref="MaxBusyRetries"/> times (WeCom: "建议重试次数不超过3次"). 45009/45033 back
/// off longer. Transport failures are retried only for idempotent calls: a mass send that timed out may have been
/// created, so it becomes <see cref="WeComErrorKind.Indeterminate"/> for the caller to reconcile.
/// </remarks>
public sealed record WeComRetryPolicy
{
    /// <summary>Retries after -1 (system busy); default 3.</summary>
    public int MaxBusyRetries { get; init; } = 3;

    /// <summary>Retries after 45009/45033; default 4.</summary>
    public int MaxThrottleRetries { get; init; } = 4;

    /// <summary>Retries after a timeout or HTTP 5xx on an idempotent call; default 3.</summary>
    public int MaxTransportRetries { get; init; } = 3;

    /// <summary>The first backoff; doubles each retry. Default 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first backoff after a frequency/concurrency limit; doubles each retry. Default 2 s.</summary>
    public TimeSpan ThrottleBaseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>No single wait is longer than this. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether to retry after <paramref name="error"/>, given the retries already made for errors of the same class.
    /// Token rejections are not handled here: the client refreshes the token and retries once on its own.
    /// </summary>
    public bool ShouldRetry(WeComError error, int retriesSoFar, bool idempotent)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            WeComErrors.SystemBusy => retriesSoFar < MaxBusyRetries,
            WeComErrors.FrequencyLimit or WeComErrors.ConcurrencyLimit => retriesSoFar < MaxThrottleRetries,
            WeComErrors.Transport or WeComErrors.BadResponse => idempotent && retriesSoFar < MaxTransportRetries,
            // 6000 (version conflict), 41063 (still dispatching), 41096 (another app sending the welcome): "retry later".
            6000 or 41063 or 41096 => retriesSoFar < MaxBusyRetries,
            _ => false,
        };
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): exponential from the base delay for the error's
    /// class, capped at <see cref="MaxDelay"/>, with "equal jitter" (half fixed, half random) so that many senders that
    /// failed together do not retry together.
    /// </summary>
    public TimeSpan Delay(WeComError error, int retry, double random01)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        if (random01 is < 0 or >= 1 || double.IsNaN(random01))
        {
            throw new ArgumentOutOfRangeException(nameof(random01), random01, "Jitter must be in [0, 1).");
        }

        var baseDelay = error.Kind == WeComErrorKind.Throttled ? ThrottleBaseDelay : BaseDelay;
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((capped / 2) + (capped / 2 * random01));
    }
}
