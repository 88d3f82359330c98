namespace PrivateDomain.WeCom;

/// <summary>Why a callback was refused. Each reason maps to one HTTP status in both hosts.</summary>
public enum CallbackRejection
{
    /// <summary>No tenant of that name is configured (404).</summary>
    UnknownTenant,
    /// <summary>msg_signature does not match, or signing parameters are missing (401).</summary>
    BadSignature,
    /// <summary>The timestamp is further from now than WeCom:MaxClockSkew (401).</summary>
    StaleTimestamp,
    /// <summary>Malformed XML, base64, padding, length, or content (400).</summary>
    Malformed,
    /// <summary>The decrypted receiveid is not the tenant's corp id (400).</summary>
    WrongReceiver,
    /// <summary>The body is larger than the intake accepts (413).</summary>
    TooLarge,
}

/// <summary>
/// Thrown when a callback must be refused. The message says what was wrong and never contains secrets or plaintext.
/// </summary>
public sealed class CallbackRejectedException(CallbackRejection reason, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The category of the refusal.</summary>
    public CallbackRejection Reason { get; } = reason;
}
