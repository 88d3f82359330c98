namespace PrivateDomain.Delivery;

/// <summary>What a caller can do about a failed WeCom call.</summary>
public enum WeComErrorKind
{
    /// <summary>WeCom or the network failed; the client already retried as far as it is allowed to.</summary>
    Transient,

    /// <summary>Over WeCom's frequency (45009) or concurrency (45033) limit, or our own limiter's queue is full.</summary>
    Throttled,

    /// <summary>The corp id, app secret or access token was refused; fix configuration.</summary>
    Auth,

    /// <summary>The app may not do this: API permission, trusted IP, visibility range.</summary>
    Permission,

    /// <summary>A parameter is wrong (an id, a list, a field's length); retrying the same request cannot help.</summary>
    InvalidInput,

    /// <summary>The referenced thing does not exist (no relationship with the customer, unknown job or message id).</summary>
    NotFound,

    /// <summary>A business quota is used up (tag count, transfers per 90 days, reminders per day).</summary>
    LimitExceeded,

    /// <summary>Already done: a welcome message was delivered or the chat had started; nothing to retry.</summary>
    AlreadyDone,

    /// <summary>
    /// A non-idempotent call (a mass send, a Moments task) failed in transport after it may have reached WeCom: reconcile
    /// (get_groupmsg_list_v2, get_moment_list) before calling again.
    /// </summary>
    Indeterminate,

    /// <summary>A code not in <see cref="WeComErrors"/>; see <see cref="WeComError.Meaning"/> for WeCom's errmsg.</summary>
    Unknown,
}

/// <summary>A failed WeCom call: WeCom's errcode (or a local code below zero for transport and limiter failures),
/// what it means, and its kind.</summary>
/// <param name="Code">WeCom's errcode; <see cref="WeComErrors.Transport"/> and friends for failures without one.</param>
/// <param name="Meaning">The documented meaning (zh-CN as WeCom words it), or WeCom's errmsg for unknown codes.</param>
/// <param name="Kind">What the caller can do about it.</param>
/// <param name="Api">The API called, e.g. <c>externalcontact/add_msg_template</c>.</param>
/// <param name="Attempts">How many HTTP calls were made for this result, retries included.</param>
public sealed record WeComError(int Code, string Meaning, WeComErrorKind Kind, string Api = "", int Attempts = 1)
{
    /// <inheritdoc />
    public override string ToString() => $"WeCom {Api} failed with {Code} ({Kind}): {Meaning} after {Attempts} attempt(s)";
}

/// <summary>The outcome of one WeCom API call: a value, or a typed <see cref="WeComError"/>. Never both.</summary>
/// <typeparam name="T">The call's response.</typeparam>
public sealed record WeComApiResult<T>
    where T : class
{
    internal WeComApiResult(T? value, WeComError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The response when the call succeeded (errcode 0).</summary>
    public T? Value { get; }

    /// <summary>Why the call failed.</summary>
    public WeComError? Error { get; }

    /// <summary>True when WeCom answered errcode 0.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The value, or an exception naming the WeCom error (for callers that treat failure as exceptional).</summary>
    public T GetValueOrThrow() => Value ?? throw new InvalidOperationException(Error!.ToString());
}

/// <summary>Creates <see cref="WeComApiResult{T}"/> values.</summary>
public static class WeComApiResult
{
    /// <summary>A success.</summary>
    public static WeComApiResult<T> Ok<T>(T value)
        where T : class => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A failure.</summary>
    public static WeComApiResult<T> Fail<T>(WeComError error)
        where T : class => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}

/// <summary>The body of a call that returns nothing but errcode 0.</summary>
public sealed record WeComAck
{
    /// <summary>The single instance.</summary>
    public static WeComAck Instance { get; } = new();
}
