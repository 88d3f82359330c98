using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PrivateDomain.Input;

namespace PrivateDomain.WeCom;

/// <summary>
/// The HTTP edge of the WeCom callback, shared by the local host and the Functions app so both answer identically:
/// GET verifies the URL, POST accepts an event. Errors are RFC 7807 problem+json; 5xx makes WeCom retry.
/// </summary>
public static class CallbackHttp
{
    /// <summary>WeCom waits 5 s; answer 503 before that so the retry is WeCom's decision, not a timeout.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);

    /// <summary>GET: URL verification. Answers the decrypted echostr as bare text.</summary>
    public static IResult Verify(HttpRequest request, string tenant, CallbackIntake intake, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(intake);
        try
        {
            var echo = intake.VerifyUrl(tenant, Query(request));
            return Results.Text(echo, "text/plain; charset=utf-8", new UTF8Encoding(false));
        }
        catch (CallbackRejectedException e)
        {
            return Rejected(e, tenant, logger);
        }
    }

    /// <summary>POST: reads the body within the size limit and runs the intake; 200 with an empty body on success.</summary>
    public static async Task<IResult> ReceiveAsync(
        HttpRequest request, string tenant, CallbackIntake intake, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(intake);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            var body = await ReadBodyAsync(request, intake.MaxBodyBytes, budget.Token).ConfigureAwait(false);
            await intake.ReceiveAsync(tenant, Query(request), body, budget.Token).ConfigureAwait(false);
            return Results.Ok();
        }
        catch (CallbackRejectedException e)
        {
            return Rejected(e, tenant, logger);
        }
        catch (CallbackNotQueuedException e)
        {
            logger.LogError(e, "WeCom callback for {Tenant} stored but not enqueued; answering 503 so WeCom retries", LogValue.Of(tenant));
            return Unavailable("The event is stored but could not be queued; retry.");
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError("WeCom callback for {Tenant} took longer than {Budget}; answering 503 so WeCom retries", LogValue.Of(tenant), Budget);
            return Unavailable("Storage did not answer in time; retry.");
        }
#pragma warning disable CA1031 // Whatever failed (storage unreachable, retries exhausted), nothing was acknowledged: 503 makes WeCom retry.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Storage failed for a WeCom callback for {Tenant}; answering 503 so WeCom retries", LogValue.Of(tenant));
            return Unavailable("Storage is unavailable; nothing was accepted; retry.");
        }
    }

    /// <summary>The HTTP status for each refusal.</summary>
    public static int StatusFor(CallbackRejection reason) => reason switch
    {
        CallbackRejection.UnknownTenant => StatusCodes.Status404NotFound,
        CallbackRejection.BadSignature or CallbackRejection.StaleTimestamp => StatusCodes.Status401Unauthorized,
        CallbackRejection.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    };

    private static CallbackQuery Query(HttpRequest request) => new(
        request.Query["msg_signature"].ToString() is { Length: > 0 } s ? s : null,
        request.Query["timestamp"].ToString() is { Length: > 0 } t ? t : null,
        request.Query.TryGetValue("nonce", out var n) ? n.ToString() : null,
        request.Query["echostr"].ToString() is { Length: > 0 } e ? e : null);

    private static async Task<string> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // A pooled buffer: on the acknowledgement path a fresh limit-sized array per callback is 64 KiB of garbage for a
        // body of about one. Reads stop at limit + 1 bytes, enough to tell "too large".
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total, limit + 1 - total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw TooLarge(limit);
                }
            }

            return StrictUtf8.GetString(buffer, 0, total);
        }
        catch (DecoderFallbackException e)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "The body is not UTF-8.", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static CallbackRejectedException TooLarge(int limit) =>
        new(CallbackRejection.TooLarge, $"The body is larger than {limit} bytes (WeCom:MaxBodyBytes).");

    private static IResult Rejected(CallbackRejectedException e, string tenant, ILogger logger)
    {
        var status = StatusFor(e.Reason);
        // Route values and error texts that may quote the request are escaped: a %0A in the URL must not forge a log line.
        logger.LogWarning("Refused a WeCom callback for {Tenant}: {Reason} ({Status}): {Detail}", LogValue.Of(tenant), e.Reason, status, LogValue.Of(e.Message, 300));
        return Results.Problem(detail: e.Message, statusCode: status, title: Title(e.Reason),
            type: "https://privatedomain.dev/problems/wecom-callback-" + e.Reason.ToString().ToLowerInvariant());
    }

    private static IResult Unavailable(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Callback not accepted");

    private static string Title(CallbackRejection reason) => reason switch
    {
        CallbackRejection.UnknownTenant => "Unknown tenant",
        CallbackRejection.BadSignature => "Bad signature",
        CallbackRejection.StaleTimestamp => "Stale timestamp",
        CallbackRejection.WrongReceiver => "Wrong receiveid",
        CallbackRejection.TooLarge => "Body too large",
        _ => "Malformed callback",
    };
}
