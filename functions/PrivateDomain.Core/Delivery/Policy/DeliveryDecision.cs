namespace PrivateDomain.Delivery.Policy;

/// <summary>What <see cref="DeliveryPolicy.Evaluate"/> decided: <see cref="DeliveryAllowed"/> or <see cref="DeliveryRefused"/>.</summary>
public abstract record DeliveryDecision
{
    private protected DeliveryDecision()
    {
    }

    /// <summary>The touch may be sent now.</summary>
    public static DeliveryAllowed Allowed { get; } = new();

    /// <summary>True for <see cref="DeliveryAllowed"/>.</summary>
    public bool IsAllowed => this is DeliveryAllowed;
}

/// <summary>The touch may be sent now.</summary>
public sealed record DeliveryAllowed : DeliveryDecision;

/// <summary>The touch may not be sent now; the caller records <paramref name="Reason"/> on the touch.</summary>
/// <param name="Reason">The rule that refused it.</param>
/// <param name="Message">A sentence for operators: the rule, the numbers, what lifts it.</param>
/// <param name="RetryAt">The next instant every time-based rule allows the touch, given the same history; null when
/// only a change of state lifts the refusal (opt-out, deletion, throttle).</param>
public sealed record DeliveryRefused(RefusalReason Reason, string Message, DateTimeOffset? RetryAt) : DeliveryDecision;

/// <summary>Why a touch was refused. Stored with the touch: do not renumber.</summary>
public enum RefusalReason
{
    /// <summary>The customer opted out (tag <c>opted-out</c>); durable, never retried.</summary>
    OptedOut = 1,

    /// <summary>The customer deleted the account manager (tag <c>deleted-us</c> or relationship status).</summary>
    DeletedUs = 2,

    /// <summary>The account manager deleted the customer or the customer was transferred: the sender cannot reach them.</summary>
    NotConnected = 3,

    /// <summary>Inside the tenant's quiet hours.</summary>
    QuietHours = 4,

    /// <summary>The customer's 1:1 cap for the local day is used.</summary>
    DailyCap = 5,

    /// <summary>The customer's 1:1 cap for the last seven local days is used.</summary>
    WeeklyCap = 6,

    /// <summary>The account manager's Moments or group posts for the local day are used.</summary>
    SenderDailyCap = 7,

    /// <summary>The template's deletion rate passed the limit.</summary>
    TemplateThrottled = 8,

    /// <summary>The account manager's deletion rate passed the limit.</summary>
    SenderThrottled = 9,

    /// <summary>The account manager was given the day's allowance of personal tasks (one per customer); the touch waits for the next day.</summary>
    PersonalTaskCap = 10,

    /// <summary>A mass-send step's template names the customer (<see cref="Content.MassSendRule"/>): it would be one task per customer.</summary>
    PersonalTextInMassSend = 11,
}

/// <summary>An account manager's personal tasks on a local day.</summary>
/// <param name="Day">The local day.</param>
/// <param name="Used">Personal tasks already created that day.</param>
/// <param name="Remaining">How many more may be created that day.</param>
/// <param name="NextDayOpens">When the next day's allowance can be used (the end of its quiet hours).</param>
public readonly record struct PersonalTaskAllowance(DateOnly Day, int Used, int Remaining, DateTimeOffset NextDayOpens);
