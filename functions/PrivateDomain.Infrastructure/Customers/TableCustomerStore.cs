using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Profiles in table <c>Customers</c> and their identity and tag indexes in <c>CustomerIndex</c>. Keys and the access
/// pattern each serves are in docs/STORAGE.md.
/// </summary>
/// <remarks>
/// Index rows live in other partitions than the profile, so they cannot share its transaction. Rows a change adds are
/// written before the profile and rows it removes after it: a crash leaves at most an extra index row, never a missing
/// one, and every reader re-checks the profile (a segment evaluates its query on the profile it fetched).
/// </remarks>
public sealed class TableCustomerStore(StorageClients clients) : ICustomerStore, ITagIndex, ICustomerReader
{
    /// <summary>Profiles.</summary>
    public const string CustomersTable = "Customers";

    /// <summary>Identity and tag indexes.</summary>
    public const string IndexTable = "CustomerIndex";

    /// <summary>Tag index rows are spread over 16 partitions per tag.</summary>
    public const int TagBuckets = 16;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task<Stored<Customer>?> GetAsync(string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ProfilePartition(tenant, customerId), customerId, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? new Stored<Customer>(FromEntity(tenant, e), e.ETag.ToString()) : null;
    }

    /// <inheritdoc />
    public async Task<string?> FindIdAsync(string tenant, string identityKind, string identity, CancellationToken cancellationToken)
    {
        var index = await clients.TableAsync(IndexTable, cancellationToken).ConfigureAwait(false);
        var row = await index.GetEntityIfExistsAsync<TableEntity>(
            IdentityPartition(tenant, identityKind, identity), TableKeys.Escape(identity), ["CustomerId"], cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value?.GetString("CustomerId") : null;
    }

    /// <inheritdoc />
    public async Task<bool> TryInsertAsync(Customer customer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var token = PayrollToken();
        var cohortRow = await WriteIndexRowsAsync(customer, IdentityKinds.Of(customer), TagNames(customer), token, cancellationToken).ConfigureAwait(false);
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(ToEntity(customer), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }

        if (customer.Payroll is { } payroll)
        {
            // Relationships written before the profile made an active-manager row that could not know the employer.
            await TableRelationshipStore.SetPayrollEmployerAsync(clients, customer.Tenant, customer.Id, payroll.EmployerId, known: true, cancellationToken).ConfigureAwait(false);
            await ConfirmPayrollRowAsync(customer, token, cohortRow, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async Task<bool> TryReplaceAsync(Customer before, Customer after, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var identitiesBefore = IdentityKinds.Of(before).ToHashSet();
        var identitiesAfter = IdentityKinds.Of(after).ToHashSet();
        var tagsBefore = TagNames(before).ToHashSet(StringComparer.Ordinal);
        var tagsAfter = TagNames(after).ToHashSet(StringComparer.Ordinal);

        var token = PayrollToken();
        var cohortRow = await WriteIndexRowsAsync(after, identitiesAfter.Except(identitiesBefore), tagsAfter.Except(tagsBefore), token, cancellationToken).ConfigureAwait(false);

        // The policy tags beside the customer's relationship rows (the managers' books): a tag that refuses delivery is
        // written there before the profile as well as after it, so no dispatch reading a book can miss an opt-out the
        // profile already shows; a tag removed is written after (a crash in between keeps refusing, never sends).
        var (policyBefore, policyAfter) = (DeliveryPolicy.PolicyTags(before), DeliveryPolicy.PolicyTags(after));
        var policyChanged = !policyBefore.SequenceEqual(policyAfter, StringComparer.Ordinal);
        if (policyChanged && policyAfter.Except(policyBefore, StringComparer.Ordinal).Any())
        {
            var both = policyBefore.Union(policyAfter, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            await TableRelationshipStore.SetPolicyTagsAsync(clients, after.Tenant, after.Id, PolicyTagsColumn(both), cancellationToken).ConfigureAwait(false);
        }

        // The payroll employer beside the active-manager row (a campaign's enrolment reads it there): not known while
        // it changes, then the new one.
        var employerChanged = before.Payroll?.EmployerId != after.Payroll?.EmployerId;
        if (employerChanged)
        {
            await TableRelationshipStore.SetPayrollEmployerAsync(clients, after.Tenant, after.Id, null, known: false, cancellationToken).ConfigureAwait(false);
            if (before.Payroll is { } leaving)
            {
                // The old employer's cohort row stops vouching before the profile stops naming it (it is deleted after).
                var index = await clients.TableAsync(IndexTable, cancellationToken).ConfigureAwait(false);
                await PayrollCohortRow.MarkLeavingAsync(index, after.Tenant, leaving.EmployerId, after.Id, cancellationToken).ConfigureAwait(false);
            }
        }

        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(ToEntity(after), new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }

        if (employerChanged)
        {
            await TableRelationshipStore.SetPayrollEmployerAsync(clients, after.Tenant, after.Id, after.Payroll?.EmployerId, known: true, cancellationToken).ConfigureAwait(false);
            await ConfirmPayrollRowAsync(after, token, cohortRow, cancellationToken).ConfigureAwait(false);
        }

        if (policyChanged)
        {
            await TableRelationshipStore.SetPolicyTagsAsync(clients, after.Tenant, after.Id, PolicyTagsColumn(policyAfter), cancellationToken).ConfigureAwait(false);
        }

        var indexTable = await clients.TableAsync(IndexTable, cancellationToken).ConfigureAwait(false);
        foreach (var (kind, value) in identitiesBefore.Except(identitiesAfter))
        {
            await TableWrites.DeleteIfExistsAsync(indexTable, IdentityPartition(after.Tenant, kind, value), TableKeys.Escape(value), cancellationToken).ConfigureAwait(false);
        }

        foreach (var tag in tagsBefore.Except(tagsAfter))
        {
            await TableWrites.DeleteIfExistsAsync(indexTable, TagPartition(after.Tenant, tag, after.Id), after.Id, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> MembersAsync(
        string tenant, string tag, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = await clients.TableAsync(IndexTable, cancellationToken).ConfigureAwait(false);
        for (var b = 0; b < TagBuckets; b++)
        {
            var pk = $"{tenant}|tag|{TableKeys.Escape(tag)}|{b:x}";
            await foreach (var row in index.QueryAsync<TableEntity>(e => e.PartitionKey == pk, select: ["RowKey"], cancellationToken: cancellationToken)
                               .ConfigureAwait(false))
            {
                yield return row.RowKey;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Customer>> GetManyAsync(string tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        var found = new Customer?[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var row = await table.GetEntityIfExistsAsync<TableEntity>(ProfilePartition(tenant, ids[i]), ids[i], cancellationToken: ct).ConfigureAwait(false);
                found[i] = row.HasValue && row.Value is { } e ? FromEntity(tenant, e) : null;
            }).ConfigureAwait(false);
        return found.OfType<Customer>().ToList();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Customer> ScanAsync(string tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        var from = tenant + "|";
        var to = tenant + "}";
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(from) >= 0 && x.PartitionKey.CompareTo(to) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(tenant, e);
        }
    }

    /// <summary>The customer's policy tags as the managers' books keep them
    /// (<see cref="TableRelationshipStore.PolicyTagsColumn"/>), read from the profile; null if there is no profile.</summary>
    internal static async Task<string?> PolicyTagsColumnAsync(StorageClients clients, string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ProfilePartition(tenant, customerId), customerId, ["Tags"], cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        var tags = e.GetString("Tags") is { } json ? JsonSerializer.Deserialize<List<CustomerTag>>(json, Json) ?? [] : [];
        return PolicyTagsColumn(DeliveryPolicy.PolicyTags(Customer.New(tenant, customerId, DateTimeOffset.UnixEpoch) with { Tags = tags }));
    }

    /// <summary>The employer the customer's payroll enrolment names (known false, null: no profile).</summary>
    internal static async Task<(bool Known, string? EmployerId)> PayrollEmployerAsync(StorageClients clients, string tenant, string customerId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CustomersTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(ProfilePartition(tenant, customerId), customerId, ["Payroll"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? (true, PayrollEmployerOf(e)) : (false, null);
    }

    /// <summary>The employer a profile entity's payroll enrolment names (read with at least its <c>Payroll</c> column).</summary>
    internal static string? PayrollEmployerOf(TableEntity profile) =>
        profile.GetString("Payroll") is { } p ? JsonSerializer.Deserialize<PayrollEnrolment>(p, Json)?.EmployerId : null;

    /// <summary>A <see cref="TableRelationshipStore.PolicyTagsColumn"/> value.</summary>
    internal static string PolicyTagsColumn(IReadOnlyList<string> policyTags) => JsonSerializer.Serialize(policyTags);

    /// <summary>The profile partition: tenant and the customer's bucket (4,096 per tenant).</summary>
    public static string ProfilePartition(string tenant, string customerId) => $"{tenant}|{CustomerIds.Bucket(customerId)}";

    /// <summary>The index partition of an identity.</summary>
    public static string IdentityPartition(string tenant, string kind, string identity) =>
        $"{tenant}|id|{kind}|{CustomerIds.Bucket(identity)}";

    /// <summary>The index partition of a customer's membership of a tag.</summary>
    public static string TagPartition(string tenant, string tag, string customerId) =>
        $"{tenant}|tag|{TableKeys.Escape(tag)}|{CustomerIds.Bucket(customerId)[0]}";

    /// <summary>The index "tag" of an employer's payroll cohort: the customers whose payroll enrolment names it.</summary>
    public static string PayrollTag(string employerId) => "payroll:" + employerId;

    /// <summary>What the tag index holds for a customer: its tags, plus <c>product:X</c> per product, <c>tier:X</c>, and
    /// <c>payroll:{employer}</c> for a payroll enrolment (the campaign's cohort).</summary>
    public static IEnumerable<string> TagNames(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.Tags.Select(t => t.Name)
            .Concat(customer.Products.Select(p => "product:" + p))
            .Append("tier:" + customer.Tier.ToString().ToLowerInvariant())
            .Concat(customer.Payroll is { } payroll ? [PayrollTag(payroll.EmployerId)] : Array.Empty<string>())
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>The profile as a table entity (also used by the bulk importer).</summary>
    public static TableEntity ToEntity(Customer c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new TableEntity(ProfilePartition(c.Tenant, c.Id), c.Id)
        {
            ["CrmId"] = c.CrmId,
            ["UnionId"] = c.UnionId,
            ["Name"] = c.Name,
            ["PhoneHash"] = c.PhoneHash,
            ["PhoneMasked"] = c.PhoneMasked,
            ["Tier"] = c.Tier.ToString(),
            ["ExternalUserIds"] = JsonSerializer.Serialize(c.ExternalUserIds, Json),
            ["Attributes"] = JsonSerializer.Serialize(c.Attributes, Json),
            ["Products"] = JsonSerializer.Serialize(c.Products, Json),
            ["Tags"] = JsonSerializer.Serialize(c.Tags, Json),
            ["Payroll"] = c.Payroll is null ? null : JsonSerializer.Serialize(c.Payroll, Json),
            ["CrmVersion"] = c.CrmVersion,
            ["CreatedAt"] = c.CreatedAt,
            ["UpdatedAt"] = c.UpdatedAt,
        };
    }

    /// <summary>Reads a profile entity.</summary>
    public static Customer FromEntity(string tenant, TableEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        T Read<T>(string name, T empty) => e.GetString(name) is { } s ? JsonSerializer.Deserialize<T>(s, Json) ?? empty : empty;
        return new Customer(
            tenant,
            e.RowKey,
            e.GetString("CrmId"),
            Read<List<string>>("ExternalUserIds", []),
            e.GetString("UnionId"),
            e.GetString("Name"),
            e.GetString("PhoneHash"),
            e.GetString("PhoneMasked"),
            new Dictionary<string, string>(Read<Dictionary<string, string>>("Attributes", []), StringComparer.Ordinal),
            Read<List<string>>("Products", []),
            Read<List<CustomerTag>>("Tags", []),
            e.GetString("Payroll") is { } p ? JsonSerializer.Deserialize<PayrollEnrolment>(p, Json) : null,
            e.GetInt64("CrmVersion") ?? 0,
            e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
            e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch);
    }

    /// <summary>The index rows of a customer's identities and tags (also used by the bulk importer).</summary>
    public static IEnumerable<TableEntity> IndexRows(Customer c, IEnumerable<(string Kind, string Value)> identities, IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(c);
        foreach (var (kind, value) in identities)
        {
            yield return new TableEntity(IdentityPartition(c.Tenant, kind, value), TableKeys.Escape(value)) { ["CustomerId"] = c.Id };
        }

        foreach (var tag in tags)
        {
            yield return new TableEntity(TagPartition(c.Tenant, tag, c.Id), c.Id);
        }
    }

    // Writes the index rows a change adds (before its profile write). The payroll cohort row is merged, not replaced: it
    // is written not confirmed with this write's token (PayrollCohortRow), keeping a manager a relationship writer
    // merged; its ETag is returned for the confirmation after the profile write (null: no payroll row added).
    private async Task<ETag?> WriteIndexRowsAsync(Customer c, IEnumerable<(string Kind, string Value)> identities, IEnumerable<string> tags, string token, CancellationToken ct)
    {
        var index = await clients.TableAsync(IndexTable, ct).ConfigureAwait(false);
        var payrollTag = c.Payroll is { } payroll ? PayrollTag(payroll.EmployerId) : null;
        ETag? cohortRow = null;
        foreach (var row in IndexRows(c, identities, tags.Where(t => t != payrollTag)))
        {
            await index.UpsertEntityAsync(row, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        }

        if (payrollTag is not null && tags.Contains(payrollTag, StringComparer.Ordinal))
        {
            var written = await index.UpsertEntityAsync(PayrollCohortRow.Added(c.Tenant, c.Payroll!.EmployerId, c.Id, token), TableUpdateMode.Merge, ct).ConfigureAwait(false);
            cohortRow = written.Headers.ETag ?? ETag.All;
        }

        return cohortRow;
    }

    // After the profile write that added the payroll cohort row landed and the employer was written beside the
    // active-manager row: the row is confirmed with the active manager read now (PayrollCohortRow.ConfirmAsync).
    private async Task ConfirmPayrollRowAsync(Customer c, string token, ETag? cohortRow, CancellationToken ct)
    {
        if (c.Payroll is { } payroll && cohortRow is { } etag)
        {
            var index = await clients.TableAsync(IndexTable, ct).ConfigureAwait(false);
            await PayrollCohortRow.ConfirmAsync(clients, index, c.Tenant, payroll.EmployerId, c.Id, token, etag, ct).ConfigureAwait(false);
        }
    }

    private static string PayrollToken() => Guid.NewGuid().ToString("N");
}
