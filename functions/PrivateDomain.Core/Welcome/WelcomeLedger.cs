using PrivateDomain.Customers;
using PrivateDomain.WeCom;

namespace PrivateDomain.Welcome;

/// <summary>What became of a welcome code.</summary>
public enum WelcomeStatus
{
    /// <summary>Claimed: send_welcome_msg is being called (or the caller died; see <see cref="WelcomeOptions.ClaimLease"/>).</summary>
    Sending,

    /// <summary>WeCom accepted the welcome message.</summary>
    Sent,

    /// <summary>WeCom answered 41051: this code was used already (an earlier attempt got through) or the chat had started.</summary>
    AlreadySent,

    /// <summary>Not sent on purpose: something the message needs is missing, or the customer must not be messaged.
    /// WeCom then shows the corp's default welcome (if the console has one).</summary>
    Skipped,

    /// <summary>Not sent: older than <see cref="WelcomeOptions.Window"/> when we got to it.</summary>
    Expired,

    /// <summary>WeCom refused or failed the call, after the client's retries.</summary>
    Failed,
}

/// <summary>Why a welcome was not sent (the <see cref="WelcomeRecord.Reason"/> prefix).</summary>
public static class WelcomeReasons
{
    /// <summary>The welcome was older than the window.</summary>
    public const string Expired = "expired";

    /// <summary>The employee (UserID) is not in the employee directory.</summary>
    public const string UnknownEmployee = "unknown-employee";

    /// <summary>A placeholder the template uses has no value (bank name, hotline, site, employee title, branch …).</summary>
    public const string MissingValues = "missing-values";

    /// <summary>The content library has no sendable welcome template.</summary>
    public const string NoTemplate = "no-template";

    /// <summary>The template has an attachment a welcome cannot carry without an upload (a mini program).</summary>
    public const string UnsupportedAttachment = "unsupported-attachment";

    /// <summary>The customer is known and opted out.</summary>
    public const string OptedOut = "opted-out";

    /// <summary>The relationship ended (deleted) after the add, before we got to it.</summary>
    public const string RelationshipEnded = "relationship-ended";

    /// <summary>An earlier attempt claimed the code and never recorded the outcome (it died); the code is not sent again.</summary>
    public const string OutcomeUnknown = "outcome-unknown";
}

/// <summary>
/// The record of one welcome code: keyed by tenant and welcome_code, so a duplicate add callback (or a redelivered queue
/// message) finds it and never calls send_welcome_msg a second time.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="WelcomeCode">WeCom's welcome_code (single use, ~20 s).</param>
/// <param name="EventKey">The stored add event it came with.</param>
/// <param name="UserId">The employee.</param>
/// <param name="ExternalUserId">The customer.</param>
/// <param name="AddedAt">WeCom's CreateTime of the add event.</param>
/// <param name="Status">What became of it.</param>
/// <param name="Reason">Why it was skipped, expired or failed (a <see cref="WelcomeReasons"/> code, then details), or null.</param>
/// <param name="DecidedAt">When this status was written.</param>
/// <param name="TemplateId">The template rendered, when one was.</param>
/// <param name="TemplateVersion">Its version.</param>
/// <param name="Text">The rendered text that was (or was to be) sent.</param>
/// <param name="ClaimId">Which attempt wrote the record: an insert retried by the storage client after a timeout conflicts
/// with itself, and the attempt recognises its own claim by this id.</param>
public sealed record WelcomeRecord(
    string Tenant,
    string WelcomeCode,
    string EventKey,
    string UserId,
    string ExternalUserId,
    DateTimeOffset AddedAt,
    WelcomeStatus Status,
    string? Reason,
    DateTimeOffset DecidedAt,
    string? TemplateId = null,
    int? TemplateVersion = null,
    string? Text = null,
    string? ClaimId = null)
{
    /// <summary>True once nothing more will happen to this code.</summary>
    public bool IsFinal => Status != WelcomeStatus.Sending;
}

/// <summary>The welcome ledger: one row per welcome code, inserted once, then updated under its ETag.</summary>
public interface IWelcomeLedger
{
    /// <summary>The record of a code, or null.</summary>
    Task<Stored<WelcomeRecord>?> GetAsync(string tenant, string welcomeCode, CancellationToken cancellationToken);

    /// <summary>Inserts the record; returns its ETag, or null if the code has a record already.</summary>
    Task<string?> TryAddAsync(WelcomeRecord record, CancellationToken cancellationToken);

    /// <summary>Replaces the record if its ETag still matches; returns the new ETag, or null if it did not match.</summary>
    Task<string?> TryReplaceAsync(WelcomeRecord record, string etag, CancellationToken cancellationToken);
}

/// <summary>
/// A message on the welcome queue: the stored add event, and — when the intake had them at hand — the fields the welcome
/// needs, so the fast path does not read the event back. The outbox sweep sends only the event's location (the fields
/// null); the sender then reads the stored event.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="EventKey">The stored event's key.</param>
/// <param name="Kind">The event kind.</param>
/// <param name="CreatedAt">WeCom's CreateTime.</param>
/// <param name="UserId">The employee, or null (read the event).</param>
/// <param name="ExternalUserId">The customer, or null (read the event).</param>
/// <param name="WelcomeCode">The welcome_code, or null (read the event).</param>
/// <param name="State">The add's state (the channel code scanned), or null (read the event, or none).</param>
public sealed record WelcomeRequest(
    string Tenant, string EventKey, string Kind, DateTimeOffset CreatedAt, string? UserId = null, string? ExternalUserId = null, string? WelcomeCode = null,
    string? State = null)
{
    /// <summary>The request for a stored event, without its fields.</summary>
    public static WelcomeRequest For(CallbackEventMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new WelcomeRequest(message.Tenant, message.EventKey, message.Kind, message.CreatedAt);
    }
}

/// <summary>
/// The welcome fast path's own queue (<c>welcome-messages</c>): the callback intake puts every add event with a welcome
/// code here as well as on the event queue, so a welcome never waits behind ordinary event processing. An enqueue that
/// returns has been durably accepted.
/// </summary>
public interface IWelcomeQueue
{
    /// <summary>Enqueues one message; throws if the queue did not accept it.</summary>
    Task EnqueueAsync(WelcomeRequest request, CancellationToken cancellationToken);
}
