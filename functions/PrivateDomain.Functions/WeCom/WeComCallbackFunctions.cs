using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.WeCom;

/// <summary>
/// WeCom's callback URL, <c>GET|POST /api/wecom/{tenant}/callback</c>: the same Core use case and HTTP edge as the local
/// host. Anonymous at the Functions level because WeCom authenticates every call with msg_signature.
/// </summary>
/// <remarks>The queue is written with the SDK client inside the intake, not an output binding, so a failed enqueue is
/// known before the answer and turns into a 503 that makes WeCom retry.</remarks>
public sealed class WeComCallbackFunctions(CallbackIntake intake, RawEventRetention retention, ILogger<WeComCallbackFunctions> logger)
{
    /// <summary>URL verification (WeCom allows 1 s).</summary>
    [Function("WeComCallbackVerify")]
    public IResult Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "wecom/{tenant}/callback")] HttpRequest request,
        string tenant) =>
        CallbackHttp.Verify(request, tenant, intake, logger);

    /// <summary>An event (WeCom allows 5 s, then retries).</summary>
    [Function("WeComCallbackReceive")]
    public Task<IResult> ReceiveAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "wecom/{tenant}/callback")] HttpRequest request,
        string tenant,
        CancellationToken cancellationToken) =>
        CallbackHttp.ReceiveAsync(request, tenant, intake, logger, cancellationToken);

    /// <summary>Every minute: enqueue events that were stored but never enqueued (see <see cref="CallbackIntake.SweepOutboxAsync"/>).</summary>
    [Function("WeComOutboxSweep")]
    public Task SweepOutboxAsync([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        intake.SweepOutboxAsync(cancellationToken);

    /// <summary>Daily at 03:00 UTC: delete raw events older than Retention:RawEvents.</summary>
    [Function("WeComRawEventRetention")]
    public Task PurgeRawEventsAsync([TimerTrigger("0 0 3 * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retention.PurgeAsync(cancellationToken);
}
