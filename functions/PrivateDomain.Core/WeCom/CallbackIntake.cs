using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Welcome;

namespace PrivateDomain.WeCom;

/// <summary>The signing parameters WeCom puts on the callback URL (already URL-decoded once by the host).</summary>
public sealed record CallbackQuery(string? MsgSignature, string? Timestamp, string? Nonce, string? EchoStr = null);

/// <summary>The result of an accepted callback.</summary>
/// <param name="EventKey">The event's content key.</param>
/// <param name="Kind">The event kind.</param>
/// <param name="Duplicate">True when the event had been stored before (a WeCom retry).</param>
public sealed record CallbackReceipt(string EventKey, string Kind, bool Duplicate);

/// <summary>Thrown when an event is stored but could not be enqueued; the host answers 5xx so that WeCom retries.</summary>
public sealed class CallbackNotQueuedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// WeCom callback intake: verify → decrypt → parse → store durably (deduplicated on the decrypted content) → enqueue.
/// The caller answers 200 with an empty body only when this returns; any exception means "not accepted". An add event
/// with a welcome_code is also enqueued on the welcome queue (in parallel, under the same outbox marker), so its
/// welcome message never waits behind ordinary event processing.
/// </summary>
public sealed class CallbackIntake
{
    /// <summary>How long a request owns the right to enqueue an event it stored before a retry or sweep may.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(15);

    /// <summary>How far WeCom's CreateTime may be from now (it also picks the storage partition).</summary>
    public static readonly TimeSpan MaxCreateTimeSkew = TimeSpan.FromDays(1);

    private readonly WeComOptions _options;
    private readonly Dictionary<string, (WeComTenantOptions Settings, CallbackCrypto Crypto)> _tenants;
    private readonly ICallbackEventStore _store;
    private readonly ICallbackEventQueue _queue;
    private readonly IWelcomeQueue _welcomeQueue;
    private readonly TimeProvider _time;
    private readonly ILogger<CallbackIntake> _log;
    private readonly (WeComTenantOptions Settings, CallbackCrypto Crypto) _decoy = Decoy();

    /// <summary>Creates the intake over validated options.</summary>
    public CallbackIntake(
        IOptions<WeComOptions> options, ICallbackEventStore store, ICallbackEventQueue queue, IWelcomeQueue welcomeQueue, TimeProvider time,
        ILogger<CallbackIntake> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _tenants = _options.Tenants.ToDictionary(
            t => t.Key, t => (t.Value, new CallbackCrypto(t.Value.EncodingAesKey, t.Value.CorpId)), StringComparer.Ordinal);
        _store = store;
        _queue = queue;
        _welcomeQueue = welcomeQueue;
        _time = time;
        _log = log;
    }

    /// <summary>The configured tenant names.</summary>
    public IEnumerable<string> Tenants => _tenants.Keys;

    /// <summary>The body size limit the host must enforce while reading.</summary>
    public int MaxBodyBytes => _options.MaxBodyBytes;

    /// <summary>Answers WeCom's URL verification: checks the signature over echostr and returns it decrypted.</summary>
    public string VerifyUrl(string tenant, CallbackQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (settings, crypto) = Tenant(tenant);
        if (string.IsNullOrEmpty(query.EchoStr))
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "URL verification needs the echostr parameter.");
        }

        CheckSignature(settings, query, query.EchoStr);
        return crypto.Decrypt(query.EchoStr);
    }

    /// <summary>Accepts one POSTed callback: returns once the event is stored and enqueued.</summary>
    /// <exception cref="CallbackRejectedException">Bad input; nothing was stored.</exception>
    /// <exception cref="CallbackNotQueuedException">Stored but not enqueued; a retry or the outbox sweep will enqueue it.</exception>
    public async Task<CallbackReceipt> ReceiveAsync(string tenant, CallbackQuery query, string envelopeXml, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (settings, crypto) = Tenant(tenant);
        var encrypt = CallbackXml.ReadEncrypt(envelopeXml);
        CheckSignature(settings, query, encrypt);
        var plaintext = crypto.Decrypt(encrypt);
        var parsed = CallbackXml.ParseEvent(plaintext);

        var now = _time.GetUtcNow();
        if ((parsed.CreatedAt - now).Duration() > MaxCreateTimeSkew)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed,
                $"The event's CreateTime {parsed.CreatedAt:O} is more than a day from now.");
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)));
        var stored = new StoredCallbackEvent(tenant, key, parsed.Kind, parsed.CreatedAt, now, plaintext);
        var outcome = await _store.AddAsync(stored, now, now + ClaimLease, cancellationToken).ConfigureAwait(false);
        if (outcome is AddOutcome.AlreadyEnqueued or AddOutcome.EnqueueInFlight)
        {
            _log.LogInformation("Duplicate WeCom callback {EventKey} ({Kind}) for {Tenant}: {Outcome}", key, parsed.Kind, tenant, outcome);
            return new CallbackReceipt(key, parsed.Kind, Duplicate: true);
        }

        var message = new CallbackEventMessage(tenant, key, parsed.Kind, parsed.CreatedAt);
        var welcome = parsed switch
        {
            ExternalContactAdded { WelcomeCode.Length: > 0 } a => WelcomeRequest.For(message) with { UserId = a.UserId, ExternalUserId = a.ExternalUserId, WelcomeCode = a.WelcomeCode, State = a.State },
            HalfExternalContactAdded { WelcomeCode.Length: > 0 } h => WelcomeRequest.For(message) with { UserId = h.UserId, ExternalUserId = h.ExternalUserId, WelcomeCode = h.WelcomeCode, State = h.State },
            _ => null,
        };
        await EnqueueClaimedAsync(message, welcome, cancellationToken).ConfigureAwait(false);
        _log.LogDebug("Accepted WeCom callback {EventKey} ({Kind}) for {Tenant}", key, parsed.Kind, tenant);
        return new CallbackReceipt(key, parsed.Kind, Duplicate: outcome == AddOutcome.ClaimedPending);
    }

    /// <summary>
    /// Enqueues events that were stored but never enqueued (the request died, or its enqueue failed and WeCom gave up
    /// retrying). Hosts run it periodically. Returns how many were enqueued.
    /// </summary>
    public async Task<int> SweepOutboxAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var enqueued = 0;
        foreach (var tenant in _tenants.Keys)
        {
            var pending = _store.ClaimStalePendingAsync(
                tenant, now - MaxCreateTimeSkew - TimeSpan.FromDays(1), now + MaxCreateTimeSkew, now, now + ClaimLease, cancellationToken);
            await foreach (var message in pending.ConfigureAwait(false))
            {
                try
                {
                    // The marker does not say whether the add carried a welcome_code, so every add goes to the welcome queue
                    // too; the sender reads the event, and records a welcome this late as expired.
                    await EnqueueClaimedAsync(message, WelcomeSender.CanCarryWelcome(message.Kind) ? WelcomeRequest.For(message) : null, cancellationToken)
                        .ConfigureAwait(false);
                    enqueued++;
                }
                catch (CallbackNotQueuedException e)
                {
                    _log.LogWarning(e, "Outbox sweep could not enqueue {EventKey} for {Tenant}; will retry", message.EventKey, tenant);
                }
            }
        }

        if (enqueued > 0)
        {
            _log.LogWarning("Outbox sweep enqueued {Count} callback events that had been stored but not enqueued", enqueued);
        }

        return enqueued;
    }

    private async Task EnqueueClaimedAsync(CallbackEventMessage message, WelcomeRequest? welcome, CancellationToken cancellationToken)
    {
        try
        {
            // Both queues in parallel, so the welcome adds no round trip to the acknowledgement; if either fails the marker
            // stays and both are enqueued again (each consumer tolerates a duplicate).
            var events = _queue.EnqueueAsync(message, cancellationToken);
            if (welcome is not null)
            {
                await Task.WhenAll(_welcomeQueue.EnqueueAsync(welcome, cancellationToken), events).ConfigureAwait(false);
            }
            else
            {
                await events.ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Let the next retry take over at once rather than waiting for the lease; if this fails too, the lease expires.
            try
            {
                await _store.ReleaseClaimAsync(message.Tenant, message.EventKey, message.CreatedAt, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception releaseError) when (releaseError is not OperationCanceledException)
            {
                _log.LogWarning(releaseError, "Could not release the enqueue claim on {EventKey}; it expires in {Lease}", message.EventKey, ClaimLease);
            }

            throw new CallbackNotQueuedException($"Event {message.EventKey} is stored but the queue did not accept it.", e);
        }

        try
        {
            // Not the caller's token: once the queue has the message, running out of the request's budget here must not
            // turn into a 503 (WeCom would retry and the event would be enqueued again). Storage timeouts still bound it.
            await _store.MarkEnqueuedAsync(message.Tenant, message.EventKey, message.CreatedAt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The event is stored and enqueued; a leftover marker only means a later sweep enqueues it again,
            // which processing tolerates (it is idempotent). Acknowledge rather than make WeCom retry.
            _log.LogWarning(e, "Enqueued {EventKey} but could not clear its pending marker", message.EventKey);
        }
    }

    // An unknown tenant is answered exactly as a known one whose signature does not match: it goes through the same
    // checks with a decoy of random keys, so the public route does not tell which tenant names exist.
    // The log, not the answer, says which it was.
    private (WeComTenantOptions Settings, CallbackCrypto Crypto) Tenant(string tenant)
    {
        if (_tenants.TryGetValue(tenant, out var t))
        {
            return t;
        }

        _log.LogInformation("WeCom callback for tenant {Tenant}, which is not configured here; answered as a bad signature", PrivateDomain.Input.LogValue.Of(tenant));
        return _decoy;
    }

    private static (WeComTenantOptions, CallbackCrypto) Decoy()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
        var settings = new WeComTenantOptions { CorpId = "decoy", Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), EncodingAesKey = key };
        return (settings, new CallbackCrypto(key, settings.CorpId));
    }

    private void CheckSignature(WeComTenantOptions settings, CallbackQuery query, string ciphertext)
    {
        if (string.IsNullOrEmpty(query.MsgSignature) || string.IsNullOrEmpty(query.Timestamp) || query.Nonce is null)
        {
            throw new CallbackRejectedException(CallbackRejection.BadSignature,
                "msg_signature, timestamp and nonce are all required.");
        }

        if (!CallbackSignature.Verify(settings.Token, query.Timestamp, query.Nonce, ciphertext, query.MsgSignature))
        {
            throw new CallbackRejectedException(CallbackRejection.BadSignature, "msg_signature does not match; check the tenant's Token.");
        }

        if (!long.TryParse(query.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > 32503680000
            || (DateTimeOffset.FromUnixTimeSeconds(seconds) - _time.GetUtcNow()).Duration() > _options.MaxClockSkew)
        {
            throw new CallbackRejectedException(CallbackRejection.StaleTimestamp,
                $"timestamp is further than {_options.MaxClockSkew} from now; check the clock or replay.");
        }
    }
}
