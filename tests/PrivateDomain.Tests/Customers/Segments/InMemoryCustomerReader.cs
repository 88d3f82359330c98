using System.Runtime.CompilerServices;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tests.Customers.Segments;

/// <summary>Test double of <see cref="ICustomerReader"/>: profiles in a dictionary, and a record of every read.</summary>
internal sealed class InMemoryCustomerReader(IEnumerable<Customer> customers) : ICustomerReader
{
    private readonly Dictionary<string, Customer> _byId = customers.ToDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>Every id passed to <see cref="GetManyAsync"/>, in order, repeats included.</summary>
    public List<string> Fetched { get; } = [];

    /// <summary>The size of each <see cref="GetManyAsync"/> call.</summary>
    public List<int> BatchSizes { get; } = [];

    public int Scans { get; private set; }

    public async Task<IReadOnlyList<Customer>> GetManyAsync(string tenant, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        Fetched.AddRange(ids);
        BatchSizes.Add(ids.Count);
        return [.. ids.Where(_byId.ContainsKey).Select(id => _byId[id])];
    }

    public async IAsyncEnumerable<Customer> ScanAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Scans++;
        foreach (var customer in _byId.Values)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return customer;
        }
    }
}
