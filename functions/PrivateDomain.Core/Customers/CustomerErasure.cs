using Microsoft.Extensions.Logging;

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
    bool ProfileRemoved, int Relationships, int RawEvents, int Signals, int ChatMemberships);

/// <summary>A raw event or chat that names a customer, recorded when the event is applied, so an erasure can find it.</summary>
/// <param name="EventKey">The stored event's key.</param>
/// <param name="CreatedAt">Its CreateTime (locates the stored row).</param>
/// <param name="ChatId">The group chat it made the customer a member of, if any.</param>
public sealed record CustomerEventRef(string EventKey, DateTimeOffset CreatedAt, string? ChatId);

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

    /// <summary>Appends the erasure record (table <c>Erasures</c>, no personal data).</summary>
    Task RecordAsync(ErasureRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// Erases a customer on request (PIPL): the profile and its index rows, relationships, signals, group-chat memberships
/// and the raw WeCom events that name them, then records that it happened. Safe to run again: each step removes what
/// is left. Events still queued when the customer is erased find no stored event and change nothing.
/// </summary>
public sealed class CustomerErasure(
    ICustomerStore customers,
    IRelationshipStore relationships,
    ICustomerEventRefs refs,
    ICustomerErasureStore store,
    IErasureTombstones tombstones,
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
        var erasedAt = time.GetUtcNow();

        // Tombstones first: from here on, events about these contacts created before now are dropped, not applied.
        foreach (var externalUserId in memberIds)
        {
            await tombstones.AddAsync(tenant, externalUserId, erasedAt, cancellationToken).ConfigureAwait(false);
        }

        var rawEvents = 0;
        var chatMemberships = 0;
        await foreach (var r in refs.ListAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            rawEvents += await store.DeleteRawEventAsync(tenant, r.EventKey, r.CreatedAt, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            if (r.ChatId is not null && memberIds.Count > 0)
            {
                chatMemberships += await store.DeleteChatMembershipAsync(tenant, r.ChatId, memberIds, cancellationToken).ConfigureAwait(false);
            }
        }

        var removedRelationships = 0;
        await foreach (var rel in relationships.ListByCustomerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            removedRelationships += await store.DeleteRelationshipAsync(tenant, rel, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        var signals = await store.DeleteSignalsAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
        var profileRemoved = profile is not null && await store.DeleteProfileAsync(profile, cancellationToken).ConfigureAwait(false);
        await refs.DeleteAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);

        var record = new ErasureRecord(tenant, customerId, requestedBy, reason, erasedAt, profileRemoved,
            removedRelationships, rawEvents, signals, chatMemberships);
        await store.RecordAsync(record, cancellationToken).ConfigureAwait(false);
        log.LogWarning("Erased customer {CustomerId} of {Tenant} at the request of {RequestedBy}: {Record}", customerId, tenant, requestedBy, record);
        return record;
    }
}
