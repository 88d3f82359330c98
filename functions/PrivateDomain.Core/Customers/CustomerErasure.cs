using Microsoft.Extensions.Logging;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Customers;

/// <summary>What an erasure removed, recorded without any personal data.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="CustomerId">Our pseudonymous customer id.</param>
/// <param name="RequestedBy">Who asked (an operator or the data-protection officer's ticket).</param>
/// <param name="Reason">Why, e.g. a PIPL request number.</param>
/// <param name="ErasedAt">When.</param>
/// <param name="ProfileRemoved">Whether a profile existed and was removed.</param>
/// <param name="Relationships">Relationship rows removed.</param>
/// <param name="RawEvents">Raw WeCom events naming the customer removed.</param>
/// <param name="Signals">Signals removed.</param>
/// <param name="ChatMemberships">Group-chat membership rows removed.</param>
public sealed record ErasureRecord(
    string Tenant, string CustomerId, string RequestedBy, string Reason, DateTimeOffset ErasedAt,
    bool ProfileRemoved, int Relationships, int RawEvents, int Signals, int ChatMemberships)
{
    /// <summary>Journeys ended and removed (their instance rows and start rows), cohort memberships included.</summary>
    public int Journeys { get; init; }

    /// <summary>Touch-ledger rows removed.</summary>
    public int Touches { get; init; }

    /// <summary>Touches still waiting in an outbox, removed unsent.</summary>
    public int OutboxTouches { get; init; }

    /// <summary>Dispatch member rows removed (the customer's place in a WeCom task).</summary>
    public int DispatchMembers { get; init; }

    /// <summary>Task texts (dispatch rows) that named the customer, with the name replaced.</summary>
    public int DispatchTexts { get; init; }

    /// <summary>Delivery-history rows (the customer's 1:1 sends and the deletion markers) removed.</summary>
    public int DeliveryHistory { get; init; }

    /// <summary>Payroll campaign markers (per customer and metric) removed; the counters stay.</summary>
    public int PayrollMarkers { get; init; }

    /// <summary>Follow-up tasks removed.</summary>
    public int FollowUpTasks { get; init; }

    /// <summary>Staff messages about the customer (task cards, 流失提醒, recall offers) removed from the managers' ledgers.</summary>
    public int StaffMessages { get; init; }

    /// <summary>Welcome-ledger rows whose external_userid was removed (the row stays, so the welcome code is not sent twice).</summary>
    public int Welcomes { get; init; }

    /// <summary>Opportunity-list entries removed.</summary>
    public int Opportunities { get; init; }
}

/// <summary>What erasing one journey instance removed.</summary>
/// <param name="InstanceRemoved">Whether the instance row existed.</param>
/// <param name="Touches">Ledger rows removed.</param>
/// <param name="OutboxTouches">Outbox rows removed (touches never sent).</param>
/// <param name="DispatchMembers">Dispatch member rows removed.</param>
/// <param name="DispatchTexts">Dispatch texts that named the customer, pseudonymised.</param>
public sealed record JourneyErasure(bool InstanceRemoved, int Touches, int OutboxTouches, int DispatchMembers, int DispatchTexts);

/// <summary>A raw event or chat that names a customer, recorded when the event is applied, so an erasure can find it.</summary>
/// <param name="EventKey">The stored event's key.</param>
/// <param name="CreatedAt">Its CreateTime (locates the stored row).</param>
/// <param name="ChatId">The group chat it made the customer a member of, if any.</param>
/// <param name="WelcomeCode">The welcome code the event carried (an add), if any: its welcome-ledger row names the contact.</param>
public sealed record CustomerEventRef(string EventKey, DateTimeOffset CreatedAt, string? ChatId, string? WelcomeCode = null);

/// <summary>Which raw events name which customer: written by the event processor, read by erasure.</summary>
public interface ICustomerEventRefs
{
    /// <summary>Records that an event (and possibly a chat membership) names a customer.</summary>
    Task AddAsync(string tenant, string customerId, CustomerEventRef eventRef, CancellationToken cancellationToken);

    /// <summary>The refs recorded for a customer.</summary>
    IAsyncEnumerable<CustomerEventRef> ListAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's refs.</summary>
    Task DeleteAsync(string tenant, string customerId, CancellationToken cancellationToken);
}

/// <summary>
/// Tombstones of erased WeCom contacts: events about an erased external_userid created before its erasure (still queued,
/// or retried by WeCom) must not bring the customer back; a later add is a new relationship and is applied.
/// </summary>
public interface IErasureTombstones
{
    /// <summary>Records that an external_userid was erased at <paramref name="at"/>.</summary>
    Task AddAsync(string tenant, string externalUserId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>When the external_userid was erased, or null.</summary>
    Task<DateTimeOffset?> ErasedAtAsync(string tenant, string externalUserId, CancellationToken cancellationToken);
}

/// <summary>The storage side of erasure: every place personal data about a customer lives.</summary>
public interface ICustomerErasureStore
{
    /// <summary>Deletes a stored raw event (and its pending marker); false if it was not there.</summary>
    Task<bool> DeleteRawEventAsync(string tenant, string eventKey, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Deletes a customer's membership rows of a chat; returns how many.</summary>
    Task<int> DeleteChatMembershipAsync(string tenant, string chatId, IReadOnlyList<string> memberIds, CancellationToken cancellationToken);

    /// <summary>Deletes a relationship (both of its rows); false if it was not there.</summary>
    Task<bool> DeleteRelationshipAsync(string tenant, Relationship relationship, CancellationToken cancellationToken);

    /// <summary>Deletes all signals of a customer; returns how many.</summary>
    Task<int> DeleteSignalsAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Deletes the profile and its index rows; false if there was no profile.</summary>
    Task<bool> DeleteProfileAsync(Customer customer, CancellationToken cancellationToken);

    /// <summary>
    /// Erases one journey instance of the customer, already ended: its touch-ledger rows, the touches still in the
    /// sender's outbox, the customer's rows in the WeCom tasks that carried them (a task's text that names the customer
    /// gets <paramref name="name"/> replaced), and the instance row.
    /// </summary>
    /// <remarks>A campaign journey's touches are kept with its campaign and account manager (<paramref name="campaign"/>,
    /// <paramref name="senderId"/>, from its state): without them only the instance's own rows are found.</remarks>
    Task<JourneyErasure> DeleteJourneyAsync(string tenant, string instanceId, string? senderId, string? campaign, string? name, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's journey start rows; returns how many.</summary>
    Task<int> DeleteJourneyStartsAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's cohort member rows (found through the references enrolment wrote under the cohort's
    /// manager, one of <paramref name="managerIds"/>, and any older per-customer ones) and the signal journal's rows
    /// about them under those managers; their touches are erased like a journey's. Returns the cohort memberships and
    /// what their journeys left.</summary>
    Task<(int Members, JourneyErasure Journeys)> DeleteCohortMembershipsAsync(
        string tenant, string customerId, IReadOnlyCollection<string> managerIds, string? name, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's delivery history (their 1:1 sends in the books of <paramref name="managerIds"/> and their
    /// deletion markers); returns how many rows.</summary>
    Task<int> DeleteDeliveryHistoryAsync(string tenant, string customerId, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken);

    /// <summary>The payroll campaigns of an employer (their ids), for the markers of customers never enrolled in a journey.</summary>
    IAsyncEnumerable<string> ListCampaignIdsAsync(string tenant, string employerId, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's markers in the campaigns' counts (the counters stay); returns how many.</summary>
    Task<int> DeletePayrollMarkersAsync(
        string tenant, string customerId, IReadOnlyCollection<string> campaignIds, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's follow-up tasks of those campaigns on those managers' lists; returns how many.</summary>
    Task<int> DeleteFollowUpTasksAsync(
        string tenant, string customerId, IReadOnlyCollection<string> campaignIds, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken);

    /// <summary>Deletes the staff messages about the customer (task cards, 流失提醒, recall offers) in those managers' and
    /// their supervisors' ledgers; returns how many.</summary>
    Task<int> DeleteStaffMessagesAsync(string tenant, string customerId, IReadOnlyCollection<string> managerIds, CancellationToken cancellationToken);

    /// <summary>Removes the contact from a welcome-ledger row (the row and its outcome stay, so the code is never sent
    /// twice); false if there was no row or it did not name them.</summary>
    Task<bool> PseudonymiseWelcomeAsync(string tenant, string welcomeCode, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's opportunity-list entries (found through the per-customer refs written with them); returns how many.</summary>
    Task<int> DeleteOpportunitiesAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Deletes the customer's rows in the channel codes' tallies (found through the per-customer refs written with them); returns how many.</summary>
    Task<int> DeleteChannelCodeTalliesAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Appends the erasure record (table <c>Erasures</c>, no personal data).</summary>
    Task RecordAsync(ErasureRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// Erases a customer on request (PIPL), everywhere a row names them: the profile and its index rows, relationships,
/// signals, group-chat memberships and the raw WeCom events that name them; their journeys (ended first, so a wake-up or
/// a step in flight does nothing more) with the touch ledger, the touches still in an outbox (never sent) and their place
/// in WeCom tasks; cohort memberships; delivery history; payroll markers and follow-up tasks; the contact in the welcome
/// ledger; opportunity-list entries. Shared rows keep what is not theirs: counters, tallies, a task's other recipients.
/// Then it records that it happened. Safe to run again: each step removes what is left. Every row is found through a
/// per-customer partition or reference, never by scanning a table.
/// </summary>
public sealed class CustomerErasure(
    ICustomerStore customers,
    IRelationshipStore relationships,
    ICustomerEventRefs refs,
    ICustomerErasureStore store,
    IErasureTombstones tombstones,
    IJourneyStarts starts,
    IJourneyStore journeys,
    TimeProvider time,
    ILogger<CustomerErasure> log)
{
    /// <summary>Erases one customer.</summary>
    public async Task<ErasureRecord> EraseAsync(string tenant, string customerId, string requestedBy, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestedBy);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var profile = (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))?.Value;
        var memberIds = profile?.ExternalUserIds ?? [];
        var name = profile?.Name;
        var erasedAt = time.GetUtcNow();

        // Tombstones first: from here on, events about these contacts created before now are dropped, not applied.
        foreach (var externalUserId in memberIds)
        {
            await tombstones.AddAsync(tenant, externalUserId, erasedAt, cancellationToken).ConfigureAwait(false);
        }

        // Journeys next, while the profile still exists: ended first, so a runner in the middle of a step fails its save
        // and a wake-up finds nothing to do; then their touches, outbox rows and task memberships; then the rows.
        var managers = new HashSet<string>(StringComparer.Ordinal);
        var campaigns = new HashSet<string>(StringComparer.Ordinal);
        var journeyCount = 0;
        var journeyParts = new JourneyErasure(false, 0, 0, 0, 0);
        await foreach (var start in starts.ListAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            var state = await EndAsync(tenant, start.InstanceId, cancellationToken).ConfigureAwait(false);
            if (state is not null)
            {
                managers.Add(state.SenderId);
                if (state.Campaign is { } campaign)
                {
                    campaigns.Add(campaign);
                }
            }

            var erased = await store.DeleteJourneyAsync(tenant, start.InstanceId, state?.SenderId, state?.Campaign, name, cancellationToken).ConfigureAwait(false);
            journeyCount++;
            journeyParts = Add(journeyParts, erased);
        }

        // A cohort's members are its manager's customers: their relationships name every manager a cohort can hold them under.
        var relationshipRows = await relationships.ListByCustomerAsync(tenant, customerId, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        managers.UnionWith(relationshipRows.Select(r => r.UserId));
        var (cohortMembers, cohortParts) = await store.DeleteCohortMembershipsAsync(tenant, customerId, managers, name, cancellationToken).ConfigureAwait(false);
        journeyParts = Add(journeyParts, cohortParts);
        await store.DeleteJourneyStartsAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);

        // Payroll: the campaigns they ran in, and every campaign of their employer (a customer without an account
        // manager is counted without a journey).
        if (profile?.Payroll?.EmployerId is { } employer)
        {
            await foreach (var campaignId in store.ListCampaignIdsAsync(tenant, employer, cancellationToken).ConfigureAwait(false))
            {
                campaigns.Add(campaignId);
            }
        }

        var history = await store.DeleteDeliveryHistoryAsync(tenant, customerId, managers, cancellationToken).ConfigureAwait(false);
        var markers = await store.DeletePayrollMarkersAsync(tenant, customerId, campaigns, managers, cancellationToken).ConfigureAwait(false);
        var tasks = await store.DeleteFollowUpTasksAsync(tenant, customerId, campaigns, managers, cancellationToken).ConfigureAwait(false);
        var staffMessages = await store.DeleteStaffMessagesAsync(tenant, customerId, managers, cancellationToken).ConfigureAwait(false);
        var opportunities = await store.DeleteOpportunitiesAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
        await store.DeleteChannelCodeTalliesAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);

        var rawEvents = 0;
        var chatMemberships = 0;
        var welcomes = 0;
        await foreach (var r in refs.ListAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            rawEvents += await store.DeleteRawEventAsync(tenant, r.EventKey, r.CreatedAt, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            if (r.ChatId is not null && memberIds.Count > 0)
            {
                chatMemberships += await store.DeleteChatMembershipAsync(tenant, r.ChatId, memberIds, cancellationToken).ConfigureAwait(false);
            }

            if (r.WelcomeCode is not null)
            {
                welcomes += await store.PseudonymiseWelcomeAsync(tenant, r.WelcomeCode, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
        }

        var removedRelationships = 0;
        foreach (var rel in relationshipRows)
        {
            removedRelationships += await store.DeleteRelationshipAsync(tenant, rel, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        var signals = await store.DeleteSignalsAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
        var profileRemoved = profile is not null && await store.DeleteProfileAsync(profile, cancellationToken).ConfigureAwait(false);
        await refs.DeleteAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);

        var record = new ErasureRecord(tenant, customerId, requestedBy, reason, erasedAt, profileRemoved,
            removedRelationships, rawEvents, signals, chatMemberships)
        {
            Journeys = journeyCount + cohortMembers,
            Touches = journeyParts.Touches,
            OutboxTouches = journeyParts.OutboxTouches,
            DispatchMembers = journeyParts.DispatchMembers,
            DispatchTexts = journeyParts.DispatchTexts,
            DeliveryHistory = history,
            PayrollMarkers = markers,
            FollowUpTasks = tasks,
            StaffMessages = staffMessages,
            Welcomes = welcomes,
            Opportunities = opportunities,
        };
        await store.RecordAsync(record, cancellationToken).ConfigureAwait(false);
        log.LogWarning("Erased customer {CustomerId} of {Tenant} at the request of {RequestedBy}: {Record}", customerId, tenant, requestedBy, record);
        return record;
    }

    // Ends a running journey (ETag-guarded, like a cancellation): a runner that read it before fails its save and reads
    // it again, finding it ended. Returns its last state, or null if there is no row.
    private async Task<JourneyState?> EndAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await journeys.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (record, etag))
            {
                return null;
            }

            if (record.Status == JourneyStatus.Completed
                || await journeys.TryReplaceAsync(record with { Status = JourneyStatus.Completed, EndReason = JourneyEnd.Erased, NextWakeAt = null }, etag, cancellationToken)
                    .ConfigureAwait(false))
            {
                return record.State;
            }
        }

        throw new InvalidOperationException($"Journey {instanceId} kept changing under us; run the erasure again.");
    }

    private static JourneyErasure Add(JourneyErasure a, JourneyErasure b) =>
        new(a.InstanceRemoved || b.InstanceRemoved, a.Touches + b.Touches, a.OutboxTouches + b.OutboxTouches, a.DispatchMembers + b.DispatchMembers,
            a.DispatchTexts + b.DispatchTexts);
}
