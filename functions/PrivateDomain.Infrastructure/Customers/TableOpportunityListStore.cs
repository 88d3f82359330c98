using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>Opportunity lists in table <c>OpportunityLists</c>: PK <c>{tenant}|{list}|{userid}</c>, RK customer id; each
/// entry also gets a reference in <c>CustomerRefs</c> for erasure.</summary>
public sealed class TableOpportunityListStore(StorageClients clients) : IOpportunityListStore
{
    /// <summary>The table name.</summary>
    public const string TableName = "OpportunityLists";

    /// <inheritdoc />
    public async Task AddAsync(string tenant, string list, string userId, IReadOnlyList<Opportunity> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, list, userId);
        // References first, so erasure finds the entries (keyed by list and manager) from the customer.
        await CustomerRefs.AddAsync(clients, tenant, entries.Select(e => (e.CustomerId, CustomerRefs.Opportunity, pk, e.CustomerId)), cancellationToken)
            .ConfigureAwait(false);
        foreach (var chunk in entries.DistinctBy(e => e.CustomerId).Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                new TableEntity(pk, e.CustomerId) { ["ExternalUserId"] = e.ExternalUserId })), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Opportunity> ListAsync(string tenant, string list, string userId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, list, userId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new Opportunity(e.RowKey, e.GetString("ExternalUserId"));
        }
    }

    private static string Partition(string tenant, string list, string userId) => $"{tenant}|{list}|{TableKeys.Escape(userId)}";
}
