using PrivateDomain.Customers;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Local.Customers;

/// <summary>Operator API for customer lookup (masked) and erasure on the local host, <c>/api/tenants/{tenant}/customers</c>
/// (<see cref="CustomerOperatorHttp"/>). Not on the Functions app: erasure there would also have to end Durable journeys.</summary>
public static class CustomerApi
{
    /// <summary>Maps the routes (they require an authenticated caller; roles and tenant are checked per call).</summary>
    public static IEndpointRouteBuilder MapCustomerApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/customers").RequireAuthorization();
        group.MapGet("", FindAsync).Describe("customers", "Find one customer by ?id=, ?crmId= or ?externalUserId=, masked (name's first character, masked phone, tags, account managers); local host only", CustomerOperatorHttp.Readers)
            .Produces<CustomerOperatorHttp.MaskedCustomer>();
        group.MapPost("/{customerId}/erasure", EraseAsync).Describe("customers", "Erase a customer everywhere (PIPL) with a reason, as ./pd erase; answers the erasure record; local host only", CustomerOperatorHttp.Erasers)
            .DescribeBody<CustomerOperatorHttp.ErasureRequest>().Produces<ErasureRecord>();
        return app;
    }

    private static Task<IResult> FindAsync(string tenant, HttpContext http, OperatorAccess access, ICustomerStore customers, IRelationshipStore relationships, CancellationToken ct) =>
        CustomerOperatorHttp.FindAsync(tenant, http, access, customers, relationships, ct);

    private static Task<IResult> EraseAsync(string tenant, string customerId, HttpContext http, OperatorAccess access, CustomerErasure erasure, CancellationToken ct) =>
        CustomerOperatorHttp.EraseAsync(tenant, customerId, http, access, erasure, ct);
}
