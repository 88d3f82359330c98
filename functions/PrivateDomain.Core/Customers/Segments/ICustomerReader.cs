namespace PrivateDomain.Customers.Segments;

/// <summary>Reads profiles in bulk for segment evaluation.</summary>
public interface ICustomerReader
{
    /// <summary>The profiles of those <paramref name="ids"/> that exist, in any order; unknown ids are skipped, not errors.</summary>
    Task<IReadOnlyList<Customer>> GetManyAsync(string tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>Every profile of the tenant: the full scan used when a query has no tag to drive it.</summary>
    IAsyncEnumerable<Customer> ScanAsync(string tenant, CancellationToken cancellationToken);
}
