namespace PrivateDomain.Customers.Segments;

/// <summary>The tag index: which customers carry a tag. Segment evaluation streams it instead of scanning every profile.</summary>
public interface ITagIndex
{
    /// <summary>
    /// The ids of the tenant's customers carrying <paramref name="tag"/>, each at most once, in any order. The index may lag
    /// the profiles; evaluation re-checks every profile it fetches, so an extra member costs a read, a missing one is missed.
    /// </summary>
    IAsyncEnumerable<string> MembersAsync(string tenant, string tag, CancellationToken cancellationToken);
}
