using System.Runtime.CompilerServices;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tests.Customers.Segments;

/// <summary>Test double of <see cref="ITagIndex"/>: built from profiles, and it records which tags were read.</summary>
internal sealed class InMemoryTagIndex : ITagIndex
{
    private readonly Dictionary<string, List<string>> _members = new(StringComparer.Ordinal);

    /// <summary>Indexes every tag of the profiles and, if asked, each product X under <c>product:X</c> and the tier under <c>tier:T</c>.</summary>
    public InMemoryTagIndex(IEnumerable<Customer> customers, bool indexProductsAndTiers = false)
    {
        foreach (var customer in customers)
        {
            foreach (var tag in customer.Tags)
            {
                Add(tag.Name, customer.Id);
            }

            if (indexProductsAndTiers)
            {
                foreach (var product in customer.Products)
                {
                    Add(SegmentPlan.ProductTag(product), customer.Id);
                }

                Add(SegmentPlan.TierTag(customer.Tier), customer.Id);
            }
        }
    }

    public List<string> TagsRead { get; } = [];

    /// <summary>Adds an entry directly, e.g. a stale one the profile no longer agrees with.</summary>
    public void Add(string tag, string customerId)
    {
        if (!_members.TryGetValue(tag, out var ids))
        {
            _members[tag] = ids = [];
        }

        ids.Add(customerId);
    }

    public async IAsyncEnumerable<string> MembersAsync(string tenant, string tag, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        TagsRead.Add(tag);
        foreach (var id in _members.GetValueOrDefault(tag) ?? [])
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return id;
        }
    }
}
