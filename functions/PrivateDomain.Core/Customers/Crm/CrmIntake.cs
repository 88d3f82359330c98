using Microsoft.Extensions.Logging;
using PrivateDomain.Campaigns;
using Microsoft.Extensions.Options;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers.Crm;

/// <summary>What became of a CRM message.</summary>
public enum CrmOutcome
{
    /// <summary>Applied to the pool.</summary>
    Applied,
    /// <summary>A duplicate or older than what the pool holds: ignored, as it must be.</summary>
    Stale,
    /// <summary>Invalid: kept in the poison store with the reason.</summary>
    Poisoned,
}

/// <summary>What became of a CRM message, and why when it was poisoned.</summary>
public sealed record CrmResult(CrmOutcome Outcome, string? Reason = null);

/// <summary>Keeps CRM messages that cannot be applied, with the reason, so that none is silently dropped.</summary>
public interface ICrmPoisonStore
{
    /// <summary>Keeps a message.</summary>
    Task KeepAsync(string? tenant, string body, string reason, string source, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// Applies CRM messages (schema <c>privatedomain.crm/1</c>) to the pool. Each customer's messages carry a version;
/// one that is not newer than the profile's is a duplicate or arrived out of order and is ignored, so an older version
/// never overwrites a newer one. Invalid messages go to the poison store with their reason. Transient storage failures
/// throw, so the queue retries.
/// </summary>
public sealed class CrmIntake(
    ICustomerStore store,
    ICustomerPool pool,
    IRelationshipStore relationships,
    ISignalInbox signals,
    ICrmPoisonStore poison,
    IPayrollEmployers payrollEmployers,
    IEmployeeDirectory employees,
    PhoneProtector phones,
    IOptions<WeComOptions> tenants,
    TimeProvider time,
    ILogger<CrmIntake> log)
{
    /// <summary>The static tag a payroll enrolment gives (the 代发 cohort).</summary>
    public const string PayrollTag = "代发";

    /// <summary>Handles one message body from <paramref name="source"/> (a queue name, an import file line).</summary>
    public Task<CrmResult> HandleAsync(string body, string source, CancellationToken cancellationToken) =>
        HandleAsync(body, source, null, cancellationToken);

    /// <summary>
    /// Handles one message body from <paramref name="source"/>. With <paramref name="requiredTenant"/> (an operator's
    /// upload, whose tenant comes from the route and the token) a message naming any other tenant is poisoned — kept
    /// under the required tenant, so nothing of the named one changes.
    /// </summary>
    public async Task<CrmResult> HandleAsync(string body, string source, string? requiredTenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        CrmMessage message;
        try
        {
            message = CrmMessage.Parse(body);
            if (requiredTenant is not null && message.Tenant != requiredTenant)
            {
                throw new CrmMessageException($"tenant \"{message.Tenant}\" is not this upload's tenant \"{requiredTenant}\"; a message may only change the tenant it is sent to.");
            }

            if (!tenants.Value.Tenants.ContainsKey(message.Tenant))
            {
                throw new CrmMessageException($"tenant \"{message.Tenant}\" is not configured here.");
            }
        }
        catch (CrmMessageException e)
        {
            await PoisonAsync(requiredTenant, body, e.Message, source, cancellationToken).ConfigureAwait(false);
            return new CrmResult(CrmOutcome.Poisoned, e.Message);
        }

        try
        {
            return new CrmResult(message.Type switch
            {
                CrmMessageTypes.EmployeeLeft => await EmployeeLeftAsync(message, cancellationToken).ConfigureAwait(false),
                CrmMessageTypes.EmployeeUpserted => await EmployeeUpsertedAsync(message, cancellationToken).ConfigureAwait(false),
                _ => await ApplyToCustomerAsync(message, cancellationToken).ConfigureAwait(false),
            });
        }
        catch (Exception e) when (e is CrmMessageException or FormatException)
        {
            await PoisonAsync(message.Tenant, body, e.Message, source, cancellationToken).ConfigureAwait(false);
            return new CrmResult(CrmOutcome.Poisoned, e.Message);
        }
    }

    /// <summary>The profile a CustomerUpserted describes, applied to <paramref name="current"/> (pure; also used by the bulk import).</summary>
    public static Customer Upsert(Customer current, CrmMessage m, PhoneProtector phones)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(phones);
        var phone = m.DataString("phone") is { } p ? phones.Protect(p) : ((string, string)?)null;
        var attributes = new Dictionary<string, string>(current.Attributes, StringComparer.Ordinal);
        foreach (var (k, v) in m.DataAttributes())
        {
            attributes[k] = v;
        }

        return current with
        {
            CrmId = m.CrmId,
            Name = m.DataString("name") ?? current.Name,
            PhoneHash = phone?.Item1 ?? current.PhoneHash,
            PhoneMasked = phone?.Item2 ?? current.PhoneMasked,
            UnionId = m.DataString("unionId") ?? current.UnionId,
            ExternalUserIds = current.ExternalUserIds.Union(m.DataStrings("externalUserIds"), StringComparer.Ordinal).ToList(),
            Attributes = attributes,
            Products = m.DataStrings("products").Distinct(StringComparer.Ordinal).ToList(),
            Tags = [.. current.Tags.Where(t => t.Kind == TagKind.Dynamic),
                    .. m.DataStrings("tags").Distinct(StringComparer.Ordinal).Select(t => new CustomerTag(t, TagKind.Static, "crm", m.OccurredAt))],
            CrmVersion = m.Version,
            UpdatedAt = m.OccurredAt,
        };
    }

    private async Task<CrmOutcome> ApplyToCustomerAsync(CrmMessage m, CancellationToken ct)
    {
        var id = await ResolveAsync(m, ct).ConfigureAwait(false);
        var applied = false;
        await pool.UpdateAsync(m.Tenant, id, c =>
        {
            applied = false;
            if (c.CrmVersion >= m.Version)
            {
                return null;
            }

            applied = true;
            return Apply(c, m) with { CrmVersion = m.Version, UpdatedAt = c.UpdatedAt > m.OccurredAt ? c.UpdatedAt : m.OccurredAt };
        }, ct).ConfigureAwait(false);

        if (!applied)
        {
            log.LogInformation("CRM {Type} v{Version} for {CustomerId} is not newer than the profile; ignored", m.Type, m.Version, id);
            return CrmOutcome.Stale;
        }

        if (m.Type == CrmMessageTypes.PayrollEnrolled)
        {
            // The daily payroll run works per employer; the rule was validated when the message was parsed.
            await payrollEmployers.SaveAsync(m.Tenant,
                new PayrollEmployer(m.DataString("employerId")!, PaydayRule.Parse(m.DataString("paydayRule")!)), ct).ConfigureAwait(false);
        }

        var signal = m.Type switch
        {
            CrmMessageTypes.ProductPurchased => (SignalKinds.Converted, "product", m.DataString("product")!),
            CrmMessageTypes.LoanApplicationAbandoned => (SignalKinds.LoanApplicationAbandoned, "applicationId", m.DataString("applicationId")!),
            // Any other change to the profile (attributes, tags, products): dynamic tags over them are evaluated again.
            _ => (Tags.TagSignalKinds.ProfileUpdated, "type", m.Type),
        };
        if (signal is var (kind, field, value))
        {
            await signals.RaiseAsync(new CustomerSignal(m.Tenant, id, $"crm:{m.CrmId}:v{m.Version}:{kind}", kind, m.OccurredAt,
                new Dictionary<string, string> { [field] = value, ["crmId"] = m.CrmId! }), ct).ConfigureAwait(false);
        }

        return CrmOutcome.Applied;
    }

    private Customer Apply(Customer c, CrmMessage m) => m.Type switch
    {
        CrmMessageTypes.CustomerUpserted => Upsert(c, m, phones),
        CrmMessageTypes.TagsChanged => c with
        {
            Tags = [.. c.Tags.Where(t => t.Kind == TagKind.Dynamic || !m.DataStrings("remove").Contains(t.Name)),
                    .. m.DataStrings("add").Where(t => !c.Tags.Any(x => x.Kind == TagKind.Static && x.Name == t)).Distinct(StringComparer.Ordinal)
                        .Select(t => new CustomerTag(t, TagKind.Static, "crm", m.OccurredAt))],
        },
        CrmMessageTypes.ProductPurchased => c.Products.Contains(m.DataString("product")!) ? c
            : c with { Products = [.. c.Products, m.DataString("product")!] },
        CrmMessageTypes.PayrollEnrolled => (CustomerChanges.WithTag(c, PayrollTag, TagKind.Static, "crm", m.OccurredAt) ?? c) with
        {
            Payroll = new PayrollEnrolment(m.DataString("employerId")!, m.DataString("paydayRule")!),
        },
        _ => c,
    };

    /// <summary>Finds the profile by CRM id, else by one of the message's external_userids, else creates it.</summary>
    private async Task<string> ResolveAsync(CrmMessage m, CancellationToken ct)
    {
        var id = await store.FindIdAsync(m.Tenant, IdentityKinds.Crm, m.CrmId!, ct).ConfigureAwait(false);
        if (id is not null)
        {
            return id;
        }

        if (m.Type == CrmMessageTypes.CustomerUpserted)
        {
            foreach (var ext in m.DataStrings("externalUserIds"))
            {
                id = await store.FindIdAsync(m.Tenant, IdentityKinds.External, ext, ct).ConfigureAwait(false);
                if (id is not null)
                {
                    return id;
                }
            }
        }

        id = CustomerIds.FromCrmId(m.Tenant, m.CrmId!);
        await store.TryInsertAsync(Customer.New(m.Tenant, id, time.GetUtcNow()) with { CrmId = m.CrmId }, ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>Stores the employee in the directory unless it holds the same or a newer version.</summary>
    private async Task<CrmOutcome> EmployeeUpsertedAsync(CrmMessage m, CancellationToken ct)
    {
        var employee = new Employee(m.Tenant, m.DataString("employeeUserId")!, m.DataString("name")!, m.DataString("title"),
            m.DataString("branchName"), m.DataString("branchId"), m.Version, m.OccurredAt) { SupervisorId = m.DataString("supervisorUserId") };
        if (await employees.UpsertAsync(employee, ct).ConfigureAwait(false))
        {
            return CrmOutcome.Applied;
        }

        log.LogInformation("CRM EmployeeUpserted v{Version} for {UserId} is not newer than the directory's; ignored", m.Version, employee.UserId);
        return CrmOutcome.Stale;
    }

    /// <summary>Lists the departed employee's active customers for hand-over: one signal per relationship.</summary>
    private async Task<CrmOutcome> EmployeeLeftAsync(CrmMessage m, CancellationToken ct)
    {
        var userId = m.DataString("employeeUserId")!;
        var listed = 0;
        await foreach (var r in relationships.ListByEmployeeAsync(m.Tenant, userId, ct).ConfigureAwait(false))
        {
            if (r.Status != RelationshipStatus.Active)
            {
                continue;
            }

            await signals.RaiseAsync(new CustomerSignal(m.Tenant, r.CustomerId, $"employee-left:{userId}:{r.ExternalUserId}", SignalKinds.EmployeeLeft,
                m.OccurredAt, new Dictionary<string, string> { ["userId"] = userId, ["externalUserId"] = r.ExternalUserId }), ct).ConfigureAwait(false);
            listed++;
        }

        log.LogInformation("Employee {UserId} left: {Count} active customers listed for hand-over", userId, listed);
        return CrmOutcome.Applied;
    }

    private async Task PoisonAsync(string? tenant, string body, string reason, string source, CancellationToken ct)
    {
        log.LogWarning("CRM message from {Source} kept as poison: {Reason}", source, reason);
        await poison.KeepAsync(tenant, body, reason, source, time.GetUtcNow(), ct).ConfigureAwait(false);
    }
}
