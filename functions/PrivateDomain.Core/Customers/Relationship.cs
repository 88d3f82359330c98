namespace PrivateDomain.Customers;

/// <summary>Where a relationship between an account manager and a customer stands.</summary>
public enum RelationshipStatus
{
    /// <summary>The customer is in the employee's WeCom contacts.</summary>
    Active,
    /// <summary>The customer deleted the employee (del_follow_user): a churn signal.</summary>
    DeletedByCustomer,
    /// <summary>The employee deleted the customer (del_external_contact).</summary>
    DeletedByEmployee,
    /// <summary>The customer was transferred to another employee (del_external_contact with DELETE_BY_TRANSFER).</summary>
    Transferred,
}

/// <summary>
/// An employee (userid) ↔ customer (external_userid) relationship with its attribution. Changes apply only if they are
/// at least as new as <see cref="StatusAt"/>, so WeCom events applied twice or out of order end in the same state.
/// </summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="UserId">The employee's WeCom userid.</param>
/// <param name="ExternalUserId">The customer's external_userid.</param>
/// <param name="CustomerId">Our customer id.</param>
/// <param name="AddedAt">When the customer added the employee.</param>
/// <param name="State">The channel code (<c>State</c> of the "contact me" QR) the customer scanned, if any.</param>
/// <param name="Channel">The channel that code belongs to (from the channel-code table), if known.</param>
/// <param name="Partner">The partner (商会, 村委, 金融服务站 …) behind the code, if any.</param>
/// <param name="Status">The status.</param>
/// <param name="StatusAt">WeCom's CreateTime of the event that set the status.</param>
/// <param name="StatusDetail">e.g. a transfer failure reason.</param>
public sealed record Relationship(
    string Tenant,
    string UserId,
    string ExternalUserId,
    string CustomerId,
    DateTimeOffset AddedAt,
    string? State,
    string? Channel,
    string? Partner,
    RelationshipStatus Status,
    DateTimeOffset StatusAt,
    string? StatusDetail);
