using System.Runtime.CompilerServices;

namespace PrivateDomain.Customers.Segments;

/// <summary>
/// Finds the customers in a segment. With driving tags it streams their index members, fetches those profiles in batches
/// and keeps the ones the query matches, so a customer without any driving tag is never read; without driving tags it
/// scans every profile. Every candidate is re-checked against its profile, so a lagging index can add reads but never
/// wrong answers (it can miss a customer whose tag has not reached the index yet).
/// </summary>
public sealed class SegmentEvaluator
{
    /// <summary>The default number of ids per <see cref="ICustomerReader.GetManyAsync"/> call.</summary>
    public const int DefaultBatchSize = 100;

    private readonly ITagIndex _tagIndex;
    private readonly ICustomerReader _customers;
    private readonly int _batchSize;

    /// <summary>Creates an evaluator over the two ports.</summary>
    public SegmentEvaluator(ITagIndex tagIndex, ICustomerReader customers, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(tagIndex);
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _tagIndex = tagIndex;
        _customers = customers;
        _batchSize = batchSize;
    }

    /// <summary>
    /// The ids of the tenant's customers in the segment, each once, in index (or scan) order. With several driving tags the
    /// ids already seen are remembered to skip repeats: about 100 bytes per candidate, so prefer few, narrow driving tags
    /// for very large segments.
    /// </summary>
    public IAsyncEnumerable<string> MatchAsync(string tenant, SegmentPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(plan);
        return plan.DrivingTags is null
            ? ScanAsync(tenant, plan.Query, cancellationToken)
            : DriveAsync(tenant, plan.Query, plan.DrivingTags, cancellationToken);
    }

    /// <summary>How many of the tenant's customers are in the segment (evaluates it fully, like <see cref="MatchAsync"/>).</summary>
    public async Task<long> CountAsync(string tenant, SegmentPlan plan, CancellationToken cancellationToken = default)
    {
        long count = 0;
        await foreach (var _ in MatchAsync(tenant, plan, cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private async IAsyncEnumerable<string> ScanAsync(
        string tenant, SegmentQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var customer in _customers.ScanAsync(tenant, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (query.Matches(customer))
            {
                yield return customer.Id;
            }
        }
    }

    private async IAsyncEnumerable<string> DriveAsync(
        string tenant, SegmentQuery query, IReadOnlyList<string> drivingTags, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One tag lists each member once (the ITagIndex contract), so only a union needs to remember what it has seen.
        var seen = drivingTags.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        var batch = new List<string>(_batchSize);
        foreach (var tag in drivingTags)
        {
            await foreach (var id in _tagIndex.MembersAsync(tenant, tag, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (seen is not null && !seen.Add(id))
                {
                    continue;
                }

                batch.Add(id);
                if (batch.Count == _batchSize)
                {
                    foreach (var match in await MatchingAsync(tenant, query, batch, cancellationToken).ConfigureAwait(false))
                    {
                        yield return match;
                    }
                }
            }
        }

        if (batch.Count > 0)
        {
            foreach (var match in await MatchingAsync(tenant, query, batch, cancellationToken).ConfigureAwait(false))
            {
                yield return match;
            }
        }
    }

    // Empties the batch: the reader gets its own copy, so it may keep it.
    private async Task<List<string>> MatchingAsync(string tenant, SegmentQuery query, List<string> batch, CancellationToken cancellationToken)
    {
        var ids = batch.ToArray();
        batch.Clear();
        var customers = await _customers.GetManyAsync(tenant, ids, cancellationToken).ConfigureAwait(false);
        return [.. customers.Where(query.Matches).Select(c => c.Id)];
    }
}
