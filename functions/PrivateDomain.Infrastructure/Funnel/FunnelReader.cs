using System.Collections.Concurrent;
using Azure.Data.Tables;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Funnel;

/// <summary>
/// Reads the funnel of a period from what the pool and the journeys recorded: the customers added in the period are the
/// tenant's relationships (<c>Relationships</c>, the <c>{tenant}|emp|…</c> rows) whose add time falls in it — each
/// customer once, at their first add; what they did is their signal inbox (clicks, intent, purchases) and tags up to
/// the period's end; the content a click came from is the clicked touch's row in the touch ledger; the branch is the
/// manager's in the employee directory; a referral is a relationship added through a <see cref="Funnel.ReferralChannel"/>
/// code whose partner is the referrer.
/// </summary>
/// <remarks>
/// It reads every relationship row of the tenant and the inbox of every customer added in the period: seconds for
/// tens of thousands of customers, not for the 40-million case, which needs a funnel projection kept as signals arrive
/// (not built). Days are the bank's local days (<see cref="TouchPolicy.Default"/>'s time zone).
/// </remarks>
public sealed class FunnelReader(StorageClients clients, ITouchLedger ledger, IEmployeeDirectory employees, ICustomerStore customers)
{
    // The inbox as stored, whatever ISignalInbox a host routes raised signals through.
    private readonly TableSignalInbox signals = new(clients);

    private const int Parallelism = 16;

    /// <summary>The funnel of customers added from <paramref name="from"/> to <paramref name="to"/> (local days, inclusive).</summary>
    public async Task<FunnelTable> ReadAsync(string tenant, DateOnly from, DateOnly to, FunnelDimension by, CancellationToken cancellationToken)
    {
        var zone = TouchPolicy.Default.TimeZone;
        var start = Instant(from, zone);
        var end = Instant(to.AddDays(1), zone);
        var firstAdds = new Dictionary<string, Relationship>(StringComparer.Ordinal);
        var referrers = new HashSet<string>(StringComparer.Ordinal);
        var table = await clients.TableAsync(TableRelationshipStore.TableName, cancellationToken).ConfigureAwait(false);
        var low = $"{TableKeys.Escape(tenant)}|emp|";
        var high = $"{TableKeys.Escape(tenant)}|emp}}";
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey.CompareTo(low) >= 0 && x.PartitionKey.CompareTo(high) < 0,
                           cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var addedAt = e.GetDateTimeOffset("AddedAt") ?? DateTimeOffset.UnixEpoch;
            if (addedAt >= end)
            {
                continue;
            }

            var customerId = e.GetString("CustomerId");
            if (string.Equals(e.GetString("Channel"), Funnel.ReferralChannel, StringComparison.Ordinal) && e.GetString("Partner") is { Length: > 0 } referrer)
            {
                referrers.Add(referrer);
            }

            if (addedAt < start || customerId is null)
            {
                continue;
            }

            var r = new Relationship(tenant, e.GetString("UserId"), e.GetString("ExternalUserId"), customerId, addedAt, e.GetString("State"),
                e.GetString("Channel"), e.GetString("Partner"), RelationshipStatus.Active, addedAt, null);
            if (!firstAdds.TryGetValue(customerId, out var seen) || r.AddedAt < seen.AddedAt)
            {
                firstAdds[customerId] = r;
            }
        }

        var branches = new ConcurrentDictionary<string, Task<string?>>(StringComparer.Ordinal);
        var result = new ConcurrentBag<FunnelCustomer>();
        await Parallel.ForEachAsync(firstAdds.Values, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (r, ct) =>
            {
                var branch = await branches.GetOrAdd(r.UserId, id => BranchAsync(tenant, id, ct)).ConfigureAwait(false);
                result.Add(await CustomerAsync(tenant, r, branch, referrers.Contains(r.CustomerId), end, ct).ConfigureAwait(false));
            }).ConfigureAwait(false);
        return Funnel.Tally(from, to, by, result);
    }

    private async Task<FunnelCustomer> CustomerAsync(string tenant, Relationship r, string? branch, bool referred, DateTimeOffset end, CancellationToken ct)
    {
        bool engaged = false, intent = false, converted = false;
        CustomerSignal? firstClick = null;
        await foreach (var s in signals.ListAsync(tenant, r.CustomerId, ct).ConfigureAwait(false))
        {
            if (s.At >= end)
            {
                continue;
            }

            engaged |= Funnel.IsEngagement(s.Kind);
            intent |= Funnel.IsIntent(s.Kind);
            converted |= s.Kind == SignalKinds.Converted;
            if (s.Kind == SignalKinds.Clicked && s.Data.GetValueOrDefault("touchId") is { Length: > 0 } && (firstClick is null || s.At < firstClick.At))
            {
                firstClick = s;
            }
        }

        if (await customers.GetAsync(tenant, r.CustomerId, ct).ConfigureAwait(false) is { } profile)
        {
            intent |= profile.Value.Tags.Any(t => Funnel.IsIntentTag(t.Name) && t.At < end);
        }

        var content = firstClick is null ? null : await ContentOfAsync(tenant, firstClick.Data["touchId"], ct).ConfigureAwait(false);
        return new FunnelCustomer(r.CustomerId, r.State, r.UserId, branch, content, engaged, intent, converted, referred);
    }

    private async Task<string?> ContentOfAsync(string tenant, string touchId, CancellationToken ct)
    {
        if (JourneyInbox.ParseTouchId(touchId) is not { } id)
        {
            return null;
        }

        await foreach (var entry in ledger.ListAsync(tenant, id.InstanceId, ct).ConfigureAwait(false))
        {
            if (entry.TouchId == touchId)
            {
                return entry.Content;
            }
        }

        return null;
    }

    private async Task<string?> BranchAsync(string tenant, string userId, CancellationToken ct) =>
        (await employees.GetAsync(tenant, userId, ct).ConfigureAwait(false))?.BranchName;

    private static DateTimeOffset Instant(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
