using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Content;
using PrivateDomain.Input;
using PrivateDomain.Operators;

namespace PrivateDomain.Customers;

/// <summary>
/// Customer lookup and erasure for operators, <c>/api/tenants/{tenant}/customers</c> (local host): a customer found by
/// our id, CRM number or external_userid, shown masked — a name's first character, the masked phone, tags, account
/// managers — and PIPL erasure by an Admin with a reason (<see cref="CustomerErasure"/>, as <c>./pd erase</c>). Audited.
/// </summary>
public static class CustomerOperatorHttp
{
    /// <summary>Who may look customers up.</summary>
    public static readonly string[] Readers = [OperatorRoles.Operator, OperatorRoles.Admin, OperatorRoles.Auditor, ContentRoles.Compliance];

    /// <summary>Who may erase.</summary>
    public static readonly string[] Erasers = [OperatorRoles.Admin];

    private static readonly string[] LookupKeys = ["id", "crmId", "externalUserId"];

    /// <summary>An erasure's reason (e.g. the PIPL request number).</summary>
    public sealed record ErasureRequest(string Reason);

    /// <summary>A customer as an operator sees them: nothing that identifies the person beyond our pseudonymous id.</summary>
    public sealed record MaskedCustomer(
        string CustomerId, string Tier, string? Name, string? Phone, bool HasCrmId, IReadOnlyList<string> Tags, string? PayrollEmployer,
        IReadOnlyList<ManagerView> Managers, DateTimeOffset CreatedAt);

    /// <summary>One account manager relationship.</summary>
    public sealed record ManagerView(string ManagerId, string Status, DateTimeOffset AddedAt, string? ChannelCode);

    /// <summary><c>GET …/customers?id=|crmId=|externalUserId=</c>.</summary>
    public static Task<IResult> FindAsync(string tenant, HttpContext http, OperatorAccess access, ICustomerStore customers, IRelationshipStore relationships, CancellationToken ct) =>
        access.RunAsync(http, tenant, "customer.find", http.Request.QueryString.Value ?? "", Readers, async call =>
        {
            var q = http.Request.Query;
            var given = LookupKeys.Where(k => q.ContainsKey(k)).ToList();
            if (given.Count != 1 || q[given[0]].Count != 1)
            {
                return OperatorRequests.Invalid("id", "Give exactly one of id (our customer id), crmId or externalUserId, once.");
            }

            var (field, value) = (given[0], q[given[0]][0]!);
            var rule = field switch { "crmId" => Identifiers.CrmId, "externalUserId" => Identifiers.ExternalUserId, _ => Identifiers.CustomerId };
            if (rule.Check(value, field) is { } invalid)
            {
                return OperatorRequests.Invalid(field, invalid);
            }

            var id = field switch
            {
                "crmId" => await customers.FindIdAsync(tenant, IdentityKinds.Crm, value, ct).ConfigureAwait(false),
                "externalUserId" => await customers.FindIdAsync(tenant, IdentityKinds.External, value, ct).ConfigureAwait(false),
                _ => value,
            };
            if (id is null || await customers.GetAsync(tenant, id, ct).ConfigureAwait(false) is not { } stored)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No customer with that {field} in this tenant.");
            }

            call.Target = id;
            var c = stored.Value;
            var managers = new List<ManagerView>();
            await foreach (var r in relationships.ListByCustomerAsync(tenant, id, ct).ConfigureAwait(false))
            {
                managers.Add(new ManagerView(r.UserId, r.Status.ToString(), r.AddedAt, r.State));
            }

            return Results.Ok(new MaskedCustomer(c.Id, c.Tier.ToString(), Mask(c.Name), c.PhoneMasked, c.CrmId is not null,
                [.. c.Tags.Select(t => t.Name)], c.Payroll?.EmployerId, managers, c.CreatedAt));
        });

    /// <summary><c>POST …/customers/{customerId}/erasure</c> (<c>{reason}</c>, Admin): erases the customer everywhere and answers the record.</summary>
    public static Task<IResult> EraseAsync(string tenant, string customerId, HttpContext http, OperatorAccess access, CustomerErasure erasure, CancellationToken ct) =>
        access.RunAsync(http, tenant, "customer.erase", customerId, Erasers, async call =>
        {
            if (Identifiers.CustomerId.Check(customerId, "customerId") is { } invalid)
            {
                return OperatorRequests.Invalid("customerId", invalid);
            }

            var (request, problem) = await OperatorRequests.ReadJsonAsync<ErasureRequest>(http.Request, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            if (string.IsNullOrWhiteSpace(request!.Reason) || request.Reason.Length > 200 || request.Reason.Any(char.IsControl))
            {
                return OperatorRequests.Invalid("reason", "Say why (1–200 characters, e.g. the PIPL request number); it is kept in the erasure record.");
            }

            var record = await erasure.EraseAsync(tenant, customerId, ContentApprovalHttp.Person(http.User), request.Reason.Trim(), ct).ConfigureAwait(false);
            call.Note = string.Create(CultureInfo.InvariantCulture, $"profile={record.ProfileRemoved} relationships={record.Relationships} journeys={record.Journeys}");
            return Results.Ok(record);
        });

    private static string? Mask(string? name) =>
        string.IsNullOrEmpty(name) ? null : name[..1] + new string('*', Math.Max(1, name.Length - 1));
}
