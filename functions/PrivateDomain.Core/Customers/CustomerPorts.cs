namespace PrivateDomain.Customers;

/// <summary>A stored value with the ETag that guards its next update.</summary>
public sealed record Stored<T>(T Value, string ETag);

/// <summary>A customer's facts for a payroll campaign's enrolment.</summary>
/// <param name="ActiveManager">The active account manager, or null.</param>
/// <param name="Employer">The employer the customer's payroll enrolment names (null: none), when <paramref name="EmployerKnown"/>.</param>
/// <param name="EmployerKnown">False when the store does not know the employer for certain: read the profile.</param>
public sealed record EnrolmentFacts(string? ActiveManager, string? Employer, bool EmployerKnown);

/// <summary>
/// A relationship as its account manager's book holds it: with the customer's tags the delivery policy refuses on
/// (<see cref="Delivery.Policy.DeliveryPolicy.PolicyTags"/>), kept beside the row by every profile and relationship write,
/// so a dispatch of many touches reads one partition instead of every customer's profile.
/// </summary>
/// <param name="Relationship">The relationship.</param>
/// <param name="PolicyTags">The customer's policy tags as last written beside the row; null when not known (a row
/// written before its customer's profile, or before the book kept them): read the profile.</param>
public sealed record BookEntry(Relationship Relationship, IReadOnlyList<string>? PolicyTags);

/// <summary>Customer profiles and their identity and tag indexes.</summary>
public interface ICustomerStore
{
    /// <summary>Reads a profile by our id.</summary>
    Task<Stored<Customer>?> GetAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>Finds the customer id owning an identity: <c>ext</c> (external_userid), <c>crm</c>, <c>union</c> or <c>phone</c> (hash).</summary>
    Task<string?> FindIdAsync(string tenant, string identityKind, string identity, CancellationToken cancellationToken);

    /// <summary>Inserts a new profile and its index rows; false if a profile with that id exists.</summary>
    Task<bool> TryInsertAsync(Customer customer, CancellationToken cancellationToken);

    /// <summary>Replaces a profile if its ETag still matches (false otherwise) and brings its index rows up to date.</summary>
    Task<bool> TryReplaceAsync(Customer before, Customer after, string etag, CancellationToken cancellationToken);
}

/// <summary>Relationships between employees and customers.</summary>
public interface IRelationshipStore
{
    /// <summary>Reads one relationship.</summary>
    Task<Stored<Relationship>?> GetAsync(string tenant, string userId, string externalUserId, CancellationToken cancellationToken);

    /// <summary>Writes a relationship: inserts when <paramref name="etag"/> is null, else replaces if it matches. False on a conflict.</summary>
    Task<bool> TryWriteAsync(Relationship relationship, string? etag, CancellationToken cancellationToken);

    /// <summary>An employee's relationships (for hand-over and opportunity lists).</summary>
    IAsyncEnumerable<Relationship> ListByEmployeeAsync(string tenant, string userId, CancellationToken cancellationToken);

    /// <summary>A customer's relationships.</summary>
    IAsyncEnumerable<Relationship> ListByCustomerAsync(string tenant, string customerId, CancellationToken cancellationToken);

    /// <summary>An employee's book: their relationships with each customer's policy tags where the store keeps them
    /// (this default does not: every entry says "read the profile").</summary>
    async IAsyncEnumerable<BookEntry> ListBookAsync(string tenant, string userId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var r in ListByEmployeeAsync(tenant, userId, cancellationToken).ConfigureAwait(false))
        {
            yield return new BookEntry(r, null);
        }
    }

    /// <summary>What a payroll campaign's enrolment needs of a customer: their active account manager and, where the
    /// store keeps it beside that, the employer their payroll enrolment names (this default does not keep it: the
    /// profile decides).</summary>
    async Task<EnrolmentFacts> EnrolmentFactsAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        new(await ActiveManagerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false), null, false);

    /// <summary>The customer's active account manager on WeCom (the most recently active if several), or null: who sends
    /// a campaign's or a journey's touches to them.</summary>
    async Task<string?> ActiveManagerAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        Relationship? best = null;
        await foreach (var r in ListByCustomerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
        {
            if (r.Status == RelationshipStatus.Active && (best is null || r.StatusAt > best.StatusAt))
            {
                best = r;
            }
        }

        return best?.UserId;
    }
}

/// <summary>The channel-code table (code → channel, partner, employee).</summary>
public interface IChannelCodes
{
    /// <summary>Looks a code up; null if unknown.</summary>
    Task<ChannelCode?> FindAsync(string tenant, string code, CancellationToken cancellationToken);

    /// <summary>Adds or replaces a code.</summary>
    Task SaveAsync(string tenant, ChannelCode code, CancellationToken cancellationToken);

    /// <summary>Inserts a new code; false if the code exists (in any status: a state is never reused).</summary>
    Task<bool> TryAddAsync(string tenant, ChannelCode code, CancellationToken cancellationToken);

    /// <summary>Every code of the tenant, by code.</summary>
    IAsyncEnumerable<ChannelCode> ListAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Records that a customer reached a metric through a code (<see cref="ChannelCodeMetrics"/>); once per customer.</summary>
    Task RecordAsync(string tenant, string code, string metric, string customerId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The code's figures.</summary>
    Task<ChannelCodeStats> StatsAsync(string tenant, string code, CancellationToken cancellationToken);
}

/// <summary>The inbox other capabilities read signals from. Raising the same signal id twice stores it once.</summary>
public interface ISignalInbox
{
    /// <summary>Stores a signal unless one with the same id exists.</summary>
    Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken);

    /// <summary>A customer's signals, oldest first.</summary>
    IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken);
}

/// <summary>Customer group chats and their members, as far as callbacks tell.</summary>
public interface IGroupChatStore
{
    /// <summary>Records a chat's status (created / updated / dismissed) at a time; older changes do not overwrite newer.</summary>
    Task SetChatAsync(string tenant, string chatId, string status, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Adds or removes members (external_userids or userids) of a chat at a time.</summary>
    Task SetMembersAsync(string tenant, string chatId, IReadOnlyList<string> members, bool joined, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The current members of a chat.</summary>
    IAsyncEnumerable<string> MembersAsync(string tenant, string chatId, CancellationToken cancellationToken);

    /// <summary>Records a chat's owner (an employee userid) as WeCom's groupchat/get answered it.</summary>
    Task SetOwnerAsync(string tenant, string chatId, string owner, CancellationToken cancellationToken);

    /// <summary>The owners of the tenant's known chats (each once): whose group figures are read daily.</summary>
    IAsyncEnumerable<string> OwnersAsync(string tenant, CancellationToken cancellationToken);
}

/// <summary>The corp tag catalogue: which tags and groups exist in WeCom (names come from the corp tag list call).</summary>
public interface ICorpTagCatalogue
{
    /// <summary>Records a tag or tag-group change from a callback; marks the entry for a refresh from WeCom.</summary>
    Task RecordChangeAsync(string tenant, string tagId, string tagType, string changeType, DateTimeOffset at, CancellationToken cancellationToken);
}
