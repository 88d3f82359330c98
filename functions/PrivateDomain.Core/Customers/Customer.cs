namespace PrivateDomain.Customers;

/// <summary>How much we know about a person: visitor (游客) → prospect (潜客) → customer (客户).</summary>
public enum CustomerTier
{
    /// <summary>Known only through WeCom (an external_userid); nothing from CRM.</summary>
    Visitor,
    /// <summary>Identified (CRM id or phone) but holds no product with the bank.</summary>
    Prospect,
    /// <summary>Identified and holds at least one product.</summary>
    Customer,
}

/// <summary>Where a tag came from: static tags mirror CRM; dynamic tags come from behaviour (replied, clicked, deleted us).</summary>
public enum TagKind
{
    /// <summary>Set by CRM (type, occupation, AUM band, products, channel, region); replaced as a set by newer CRM versions.</summary>
    Static,
    /// <summary>Set by behaviour or by an account manager in WeCom.</summary>
    Dynamic,
}

/// <summary>A tag on a customer, with its kind, source and when it was set.</summary>
/// <param name="Name">The tag, e.g. <c>代发</c>, <c>aum:50k-200k</c>, <c>deleted-us</c>.</param>
/// <param name="Kind">Static (CRM) or dynamic (behaviour).</param>
/// <param name="Source">Who set it: <c>crm</c>, <c>wecom</c>, <c>journey</c>, …</param>
/// <param name="At">When it was set.</param>
public sealed record CustomerTag(string Name, TagKind Kind, string Source, DateTimeOffset At);

/// <summary>Payroll enrolment (代发): the employer paying the salary through the bank and its payday rule.</summary>
/// <param name="EmployerId">The employer's id in CRM.</param>
/// <param name="PaydayRule">The payday rule as CRM states it, e.g. <c>day:10</c>, <c>last-working-day</c>, <c>working-day:3</c>.</param>
public sealed record PayrollEnrolment(string EmployerId, string PaydayRule);

/// <summary>
/// One person in the tenant's pool, joined from CRM and WeCom. Phone numbers are kept only as a keyed hash and a masked
/// form (see <see cref="PhoneProtector"/>).
/// </summary>
/// <param name="Tenant">The tenant (bank).</param>
/// <param name="Id">Our customer id: stable, derived from the first identity we learnt (see <see cref="CustomerIds"/>).</param>
/// <param name="CrmId">The CRM customer number, once known.</param>
/// <param name="ExternalUserIds">WeCom external_userids of this person (one per corp app; usually one).</param>
/// <param name="UnionId">The WeChat unionid, once known.</param>
/// <param name="Name">Display name.</param>
/// <param name="PhoneHash">Keyed hash of the normalised phone number, or null.</param>
/// <param name="PhoneMasked">e.g. <c>138****5678</c>, or null.</param>
/// <param name="Attributes">Attributes segment queries compare (aum, occupation, region, type, channel …); numbers as invariant strings.</param>
/// <param name="Products">Products held (from CRM).</param>
/// <param name="Tags">Static and dynamic tags.</param>
/// <param name="Payroll">Payroll enrolment, if any.</param>
/// <param name="CrmVersion">The newest CRM message version applied; older ones are ignored.</param>
/// <param name="CreatedAt">When the profile was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record Customer(
    string Tenant,
    string Id,
    string? CrmId,
    IReadOnlyList<string> ExternalUserIds,
    string? UnionId,
    string? Name,
    string? PhoneHash,
    string? PhoneMasked,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> Products,
    IReadOnlyList<CustomerTag> Tags,
    PayrollEnrolment? Payroll,
    long CrmVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The tier, derived from completeness: never stored separately, so it cannot disagree.</summary>
    public CustomerTier Tier =>
        CrmId is null && PhoneHash is null ? CustomerTier.Visitor
        : Products.Count == 0 ? CustomerTier.Prospect
        : CustomerTier.Customer;

    /// <summary>True if the customer carries the tag (any kind).</summary>
    public bool HasTag(string name) => Tags.Any(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>A new, empty profile.</summary>
    public static Customer New(string tenant, string id, DateTimeOffset at) => new(
        tenant, id, null, [], null, null, null, null,
        new Dictionary<string, string>(StringComparer.Ordinal), [], [], null, 0, at, at);
}
