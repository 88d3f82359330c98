using System.Text.RegularExpressions;

namespace PrivateDomain.Customers.Segments;

/// <summary>One customer on an account manager's opportunity list (商机名单).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ExternalUserId">The external_userid the account manager knows them by.</param>
public sealed record Opportunity(string CustomerId, string ExternalUserId);

/// <summary>Where opportunity lists are kept.</summary>
public interface IOpportunityListStore
{
    /// <summary>Adds entries to an account manager's list (idempotent per customer).</summary>
    Task AddAsync(string tenant, string list, string userId, IReadOnlyList<Opportunity> entries, CancellationToken cancellationToken);

    /// <summary>An account manager's list.</summary>
    IAsyncEnumerable<Opportunity> ListAsync(string tenant, string list, string userId, CancellationToken cancellationToken);
}

/// <summary>
/// Opportunity lists: a segment pushed to account managers. Each matching customer lands on the list of every account
/// manager with whom they have an active WeCom relationship; customers with none are counted as unassigned (nobody can
/// reach them on WeCom).
/// </summary>
public sealed partial class OpportunityLists(SegmentEvaluator segments, IRelationshipStore relationships, IOpportunityListStore store)
{
    /// <summary>Builds list <paramref name="list"/> from a segment; returns customers per account manager (userid → count).</summary>
    public async Task<OpportunityListSummary> BuildAsync(string tenant, string list, SegmentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!ListName().IsMatch(list ?? ""))
        {
            throw new ArgumentException("A list name is 1–64 letters, digits, '-' or '_'.", nameof(list));
        }

        var plan = SegmentPlan.For(query, new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });
        var perManager = new Dictionary<string, List<Opportunity>>(StringComparer.Ordinal);
        var matched = 0;
        var unassigned = 0;
        await foreach (var customerId in segments.MatchAsync(tenant, plan, cancellationToken).ConfigureAwait(false))
        {
            matched++;
            var any = false;
            await foreach (var r in relationships.ListByCustomerAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))
            {
                if (r.Status != RelationshipStatus.Active)
                {
                    continue;
                }

                any = true;
                if (!perManager.TryGetValue(r.UserId, out var entries))
                {
                    perManager[r.UserId] = entries = [];
                }

                entries.Add(new Opportunity(customerId, r.ExternalUserId));
            }

            unassigned += any ? 0 : 1;
        }

        foreach (var (userId, entries) in perManager)
        {
            await store.AddAsync(tenant, list!, userId, entries, cancellationToken).ConfigureAwait(false);
        }

        return new OpportunityListSummary(list!, plan.ToString(), matched, unassigned,
            perManager.ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ListName();
}

/// <summary>What building an opportunity list produced.</summary>
/// <param name="List">The list name.</param>
/// <param name="Plan">How the segment was evaluated (index or full scan).</param>
/// <param name="Matched">Customers matching the segment.</param>
/// <param name="Unassigned">Matching customers with no active account manager.</param>
/// <param name="PerAccountManager">Entries per account manager userid.</param>
public sealed record OpportunityListSummary(string List, string Plan, int Matched, int Unassigned, IReadOnlyDictionary<string, int> PerAccountManager);
