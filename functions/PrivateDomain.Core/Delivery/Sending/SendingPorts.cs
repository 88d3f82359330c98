using System.Collections.Immutable;
using PrivateDomain.Content;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Journeys;

namespace PrivateDomain.Delivery.Sending;

/// <summary>Where a touch stands in delivery. The ledger row moves Due → Pending (claimed by one dispatch) → Sent (WeCom
/// created the task) → Confirmed / Delivered / Undelivered (the account manager confirmed it; WeCom's per-customer
/// result), or ends as Refused (policy or content) or Failed (WeCom refused the call or the customer).</summary>
public enum TouchStatus
{
    /// <summary>Recorded by a journey, waiting for delivery (also while deferred by quiet hours or a cap).</summary>
    Due,
    /// <summary>Claimed by a dispatch; the WeCom call may be under way.</summary>
    Pending,
    /// <summary>WeCom created the mass-send task or Moments task; the account manager still has to confirm it.</summary>
    Sent,
    /// <summary>The account manager confirmed the task (Moments: published).</summary>
    Confirmed,
    /// <summary>WeCom reports the message reached the customer.</summary>
    Delivered,
    /// <summary>WeCom reports the message did not reach the customer (not a contact any more, receive limit).</summary>
    Undelivered,
    /// <summary>Refused by the delivery policy or because its content cannot be sent; see the reason.</summary>
    Refused,
    /// <summary>WeCom refused the call; see the reason.</summary>
    Failed,
}

/// <summary>A ledger row as delivery reads it: the touch, its status, the dispatch that claimed it and the row's ETag.</summary>
public sealed record LedgerTouch(Touch Touch, TouchStatus Status, string? DispatchId, DateTimeOffset? ClaimedAt, string ETag);

/// <summary>What happened to a touch, written to its ledger row.</summary>
/// <param name="Status">The new status.</param>
/// <param name="Reason">A short code: a <see cref="RefusalReason"/>, a <see cref="ContentRefusalReason"/>, a WeCom errcode, …</param>
/// <param name="Message">The reason in words, for operators.</param>
/// <param name="WeComId">The msgid or jobid of the WeCom task.</param>
/// <param name="At">When.</param>
public sealed record TouchOutcome(TouchStatus Status, string? Reason, string? Message, string? WeComId, DateTimeOffset At);

/// <summary>A touch and what happened to it.</summary>
public sealed record TouchResult(Touch Touch, TouchOutcome Outcome);

/// <summary>The delivery side of the touch ledger (the journey side records touches through
/// <see cref="Journeys.Running.ITouchLedger"/>). Rows are claimed with their ETag, so two dispatchers never send one touch.
/// Rows are addressed by <see cref="TouchRef"/>: a campaign's touches of one account manager share a partition, so the
/// batch methods read, claim and close them a page or a transaction at a time; the defaults go row by row.</summary>
public interface IDeliveryLedger
{
    /// <summary>Reads a touch's row; null if it was never recorded.</summary>
    Task<LedgerTouch?> GetAsync(string tenant, TouchRef touch, CancellationToken cancellationToken);

    /// <summary>Reads the rows of <paramref name="touches"/> (those never recorded are missing from the answer).</summary>
    async Task<IReadOnlyDictionary<TouchId, LedgerTouch>> GetManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touches);
        var rows = new Dictionary<TouchId, LedgerTouch>();
        foreach (var touch in touches)
        {
            if (await GetAsync(tenant, touch.Ref, cancellationToken).ConfigureAwait(false) is { } row)
            {
                rows[touch.Id] = row;
            }
        }

        return rows;
    }

    /// <summary>Moves a Due (or a stale Pending) row to Pending for <paramref name="dispatchId"/> if its ETag still matches.</summary>
    Task<bool> TryClaimAsync(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Claims rows as <see cref="TryClaimAsync"/> does; true at each index whose row this dispatch holds.</summary>
    async Task<bool[]> TryClaimManyAsync(string tenant, IReadOnlyList<LedgerTouch> rows, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var won = new bool[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            won[i] = await TryClaimAsync(tenant, rows[i], dispatchId, at, cancellationToken).ConfigureAwait(false);
        }

        return won;
    }

    /// <summary>Records an outcome (unconditionally: only the claiming dispatch writes outcomes).</summary>
    Task SetOutcomeAsync(string tenant, TouchRef touch, TouchOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records outcomes as <see cref="SetOutcomeAsync"/> does (a campaign's in transactions). Safe to repeat.</summary>
    async Task SetOutcomesAsync(string tenant, IReadOnlyList<(TouchRef Touch, TouchOutcome Outcome)> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var (touch, outcome) in outcomes)
        {
            await SetOutcomeAsync(tenant, touch, outcome, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records the outcomes of the touches one dispatch carried once WeCom created its task: Sent, or Failed for
    /// the customers WeCom left out. One call per dispatch, so what is kept per dispatch rather than per touch (the
    /// campaign counts) costs a few storage calls per task. Safe to repeat for the same dispatch.</summary>
    Task SetDispatchOutcomesAsync(string tenant, string dispatchId, IReadOnlyList<TouchResult> results, CancellationToken cancellationToken);

    /// <summary>Notes why a still-Due touch was put off (quiet hours, a cap) without changing its status.</summary>
    Task NoteDeferralAsync(string tenant, TouchRef touch, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken);
}

/// <summary>A sender's outbox: the due touches of one account manager, so delivery finds in one partition everything that
/// can travel together. A row is added when a journey records a touch and removed once the touch's outcome is final.</summary>
public interface IDeliveryQueue
{
    /// <summary>Adds a touch (insert-if-absent).</summary>
    Task AddAsync(string tenant, Touch touch, CancellationToken cancellationToken);

    /// <summary>Adds touches (insert-if-absent), a sender's in transactions of up to 100.</summary>
    Task AddManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken);

    /// <summary>The sender's touches whose time has come, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<Touch>> DueAsync(string tenant, string senderId, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Puts a touch off until <paramref name="notBefore"/>.</summary>
    Task PostponeAsync(string tenant, Touch touch, DateTimeOffset notBefore, CancellationToken cancellationToken);

    /// <summary>Removes touches whose outcome is final (batched per sender).</summary>
    Task RemoveAsync(string tenant, string senderId, IReadOnlyCollection<TouchId> ids, CancellationToken cancellationToken);
}

/// <summary>Asks for a dispatch run of one sender's outbox at a time (a delayed queue message locally).</summary>
public interface IDeliveryNudges
{
    /// <summary>Asks for <see cref="TouchDispatcher.DispatchAsync"/> of the sender at <paramref name="at"/> or soon after.</summary>
    Task NudgeAsync(string tenant, string senderId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Asks for <see cref="TouchDispatcher.FollowUpAsync"/> of a dispatch at <paramref name="at"/> or soon after.</summary>
    Task FollowUpAsync(string tenant, string senderId, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Where a dispatch (one WeCom task for many touches) stands.</summary>
public enum DispatchStatus
{
    /// <summary>Written before the WeCom call; if it stays so, the call may or may not have created the task.</summary>
    Calling,
    /// <summary>WeCom created the task; <see cref="Dispatch.WeComId"/> holds its msgid or jobid.</summary>
    Created,
    /// <summary>WeCom refused the call.</summary>
    Failed,
    /// <summary>The account manager confirmed (sent or published) the task.</summary>
    Confirmed,
}

/// <summary>One WeCom task carrying many touches: a 1:1 or group mass send (add_msg_template) or a Moments post
/// (add_moment_task) by one account manager with one text.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="SenderId">The account manager.</param>
/// <param name="Id">The dispatch id (time-ordered).</param>
/// <param name="Channel">The channel.</param>
/// <param name="TemplateId">The template.</param>
/// <param name="TemplateVersion">Its approved version.</param>
/// <param name="Text">The rendered text, as sent (reconciliation matches on it).</param>
/// <param name="Attachments">The rendered attachments, as sent.</param>
/// <param name="Recipients">How many touches it carries.</param>
/// <param name="CreatedAt">When the dispatch was written (just before the call).</param>
/// <param name="Status">Where it stands.</param>
/// <param name="WeComId">msgid (mass send) or jobid (Moments).</param>
/// <param name="Error">WeCom's error when it failed.</param>
/// <param name="Reminders">When reminders were sent (remind_groupmsg_send).</param>
/// <param name="ConfirmedAt">When the account manager confirmed.</param>
/// <param name="MomentId">A Moments post's moment_id, once WeCom's job has produced it.</param>
public sealed record Dispatch(
    string Tenant,
    string SenderId,
    string Id,
    Channel Channel,
    string TemplateId,
    int TemplateVersion,
    string Text,
    IReadOnlyList<TemplateAttachment> Attachments,
    int Recipients,
    DateTimeOffset CreatedAt,
    DispatchStatus Status,
    string? WeComId,
    string? Error,
    IReadOnlyList<DateTimeOffset> Reminders,
    DateTimeOffset? ConfirmedAt,
    string? MomentId = null);

/// <summary>Dispatch rows, per sender.</summary>
public interface IDispatchStore
{
    /// <summary>Writes a new dispatch with the touches it carries (customer's external_userid → touch id).</summary>
    Task CreateAsync(Dispatch dispatch, IReadOnlyList<DispatchMember> members, CancellationToken cancellationToken);

    /// <summary>Reads a dispatch.</summary>
    Task<Dispatch?> GetAsync(string tenant, string senderId, string dispatchId, CancellationToken cancellationToken);

    /// <summary>Replaces a dispatch.</summary>
    Task UpdateAsync(Dispatch dispatch, CancellationToken cancellationToken);

    /// <summary>The touches a dispatch carries.</summary>
    IAsyncEnumerable<DispatchMember> MembersAsync(string tenant, string dispatchId, CancellationToken cancellationToken);

    /// <summary>The sender's dispatches created at or after <paramref name="since"/>.</summary>
    IAsyncEnumerable<Dispatch> ListAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>A touch carried by a dispatch.</summary>
/// <param name="Recipient">The customer's external_userid (1:1), or the customer id for Moments and group posts.</param>
/// <param name="Touch">The touch id.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="Campaign">The campaign of the touch (<see cref="Journeys.Touch.Campaign"/>), which places its ledger row.</param>
public sealed record DispatchMember(string Recipient, TouchId Touch, string CustomerId, string? Campaign = null)
{
    /// <summary>The touch's ledger address, for a dispatch by <paramref name="senderId"/>.</summary>
    public TouchRef Ref(string senderId) => new(Touch, senderId, Campaign);
}

/// <summary>What the delivery policy needs to know from the past, and where sends and deletions are counted. Deletion
/// tallies count 1:1 sends only: a 1:1 message is what gets an account manager deleted, and a Moments post has no
/// per-customer send to blame. A customer's 1:1 sends are kept in the book of the account manager who sent them (every
/// touch of a customer goes through the manager the journey or campaign assigned), so a dispatch run reads the caps of
/// all its customers in one range read and writes its sends in transactions of 100.</summary>
public interface IDeliveryHistoryStore
{
    /// <summary>The customer's 1:1 sends by <paramref name="senderId"/> at or after <paramref name="since"/>.</summary>
    Task<ImmutableArray<PastSend>> CustomerSendsAsync(string tenant, string senderId, string customerId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The 1:1 sends of every customer of <paramref name="senderId"/> at or after <paramref name="since"/>, by
    /// customer: the sender's send book, read as one key range (a page per 1,000 sends) instead of a query per customer.</summary>
    Task<IReadOnlyDictionary<string, ImmutableArray<PastSend>>> SenderBookAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The sender's posts (one per dispatch: a Moments post, a group send, a 1:1 task) at or after <paramref name="since"/>.</summary>
    Task<ImmutableArray<PastSend>> SenderPostsAsync(string tenant, string senderId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>1:1 sends and the deletions that followed them, for a template or a sender, since a time.</summary>
    Task<DeletionTally> TallyAsync(string tenant, TallySubject subject, string id, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Adds 1:1 sends to a template's or a sender's deletion tally.</summary>
    Task CountSendsAsync(string tenant, TallySubject subject, string id, int sends, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records a dispatch: one send per touch for each customer and one post for the sender (tallies are
    /// counted separately, with <see cref="CountSendsAsync"/>).</summary>
    Task RecordSendsAsync(string tenant, Dispatch dispatch, IReadOnlyList<Touch> touches, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A customer deleted the account manager: counts a deletion against the last 1:1 template that sender sent
    /// them within <paramref name="attribution"/> before <paramref name="at"/>, and against the sender.</summary>
    /// <returns>The template blamed, or null if no 1:1 send of that sender came before it in the window.</returns>
    Task<string?> RecordDeletionAsync(string tenant, string customerId, string senderId, DateTimeOffset at, TimeSpan attribution, CancellationToken cancellationToken);
}

/// <summary>What a deletion tally is about.</summary>
public enum TallySubject
{
    /// <summary>A content template.</summary>
    Template,
    /// <summary>An account manager.</summary>
    Sender,
}

/// <summary>The bank, the account manager and their branch, for picking a template's override and filling placeholders.</summary>
/// <param name="Bank">The bank's template scope name (the tenant).</param>
/// <param name="Branch">The account manager's branch scope, if any.</param>
/// <param name="Values">Bank and employee placeholder values (customer values are added per customer).</param>
public sealed record SenderContext(string Bank, string? Branch, PlaceholderValues Values);

/// <summary>Looks up a sender's context (employee directory and the tenant's bank details).</summary>
public interface ISenderContexts
{
    /// <summary>The sender's context; null if the account manager is unknown (nothing is sent in their name then).</summary>
    Task<SenderContext?> GetAsync(string tenant, string senderId, CancellationToken cancellationToken);
}
