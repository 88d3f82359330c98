namespace PrivateDomain.Customers;

/// <summary>Finding, creating and updating profiles with optimistic concurrency.</summary>
public interface ICustomerPool
{
    /// <summary>The id of the customer with this external_userid, creating a visitor profile if there is none.</summary>
    Task<string> EnsureForExternalUserAsync(string tenant, string externalUserId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Applies a change (null = nothing to change) to a profile, retrying on ETag conflicts. Returns the result.</summary>
    Task<Customer?> UpdateAsync(string tenant, string customerId, Func<Customer, Customer?> change, CancellationToken cancellationToken);
}

/// <summary><see cref="ICustomerPool"/> over an <see cref="ICustomerStore"/>.</summary>
public sealed class CustomerPool(ICustomerStore store) : ICustomerPool
{
    private const int MaxAttempts = 10;

    /// <inheritdoc />
    public async Task<string> EnsureForExternalUserAsync(string tenant, string externalUserId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var id = await store.FindIdAsync(tenant, IdentityKinds.External, externalUserId, cancellationToken).ConfigureAwait(false);
        if (id is not null)
        {
            return id;
        }

        id = CustomerIds.FromExternalUserId(tenant, externalUserId);
        var visitor = Customer.New(tenant, id, at) with { ExternalUserIds = [externalUserId] };
        // False means the same id was created meanwhile (a retry or a racing writer): the deterministic id makes that harmless.
        await store.TryInsertAsync(visitor, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc />
    public async Task<Customer?> UpdateAsync(string tenant, string customerId, Func<Customer, Customer?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }

            var next = change(stored.Value);
            if (next is null)
            {
                return stored.Value;
            }

            if (await store.TryReplaceAsync(stored.Value, next, stored.ETag, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new InvalidOperationException($"Customer {customerId} kept changing under us; retry.");
    }
}

/// <summary>The identity kinds the customer index holds.</summary>
public static class IdentityKinds
{
    /// <summary>WeCom external_userid.</summary>
    public const string External = "ext";
    /// <summary>CRM customer number.</summary>
    public const string Crm = "crm";
    /// <summary>WeChat unionid.</summary>
    public const string Union = "union";
    /// <summary>Keyed hash of the phone number.</summary>
    public const string Phone = "phone";

    /// <summary>A customer's identities as (kind, value) pairs.</summary>
    public static IEnumerable<(string Kind, string Value)> Of(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        foreach (var ext in customer.ExternalUserIds)
        {
            yield return (External, ext);
        }

        if (customer.CrmId is not null)
        {
            yield return (Crm, customer.CrmId);
        }

        if (customer.UnionId is not null)
        {
            yield return (Union, customer.UnionId);
        }

        if (customer.PhoneHash is not null)
        {
            yield return (Phone, customer.PhoneHash);
        }
    }
}

/// <summary>Pure changes to a profile; each returns null when it would change nothing, so callers skip the write.</summary>
public static class CustomerChanges
{
    /// <summary>Adds a tag unless the customer already carries it.</summary>
    public static Customer? WithTag(Customer customer, string tag, TagKind kind, string source, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.HasTag(tag) ? null : customer with { Tags = [.. customer.Tags, new CustomerTag(tag, kind, source, at)], UpdatedAt = Max(customer.UpdatedAt, at) };
    }

    /// <summary>Sets attributes (null values are skipped); null if all already have those values.</summary>
    public static Customer? WithAttributes(Customer customer, DateTimeOffset at, params (string Key, string? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var attributes = new Dictionary<string, string>(customer.Attributes, StringComparer.Ordinal);
        var changed = false;
        foreach (var (k, v) in values)
        {
            if (v is not null && (!attributes.TryGetValue(k, out var old) || old != v))
            {
                attributes[k] = v;
                changed = true;
            }
        }

        return changed ? customer with { Attributes = attributes, UpdatedAt = Max(customer.UpdatedAt, at) } : null;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
