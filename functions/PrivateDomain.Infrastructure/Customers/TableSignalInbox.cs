using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>
/// Signals in table <c>Signals</c>: PK <c>{tenant}|{customerId}</c>, RK <c>{at:yyyyMMddHHmmss}|{id}</c>, inserted
/// with Add so the same signal raised twice is stored once. A journey reads its customer's partition in order. Each
/// signal is then journalled under the customer's account managers (<see cref="TableSignalJournal"/>), where cohort
/// batches look for it, at the host's clock (which the batches' marks are read from too).
/// </summary>
/// <param name="clients">The Storage clients.</param>
/// <param name="time">The host's clock; the system clock when none is given.</param>
public sealed class TableSignalInbox(StorageClients clients, TimeProvider? time = null) : ISignalInbox
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The table name.</summary>
    public const string TableName = "Signals";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        // The clock before the inbox write, the journal after it: a batch that finds the journal row finds the signal,
        // and one that read the journal too early looks back far enough next time (TableSignalJournal).
        var raisedAt = _time.GetUtcNow();
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(Partition(signal.Tenant, signal.CustomerId),
            string.Create(CultureInfo.InvariantCulture, $"{signal.At.UtcDateTime:yyyyMMddHHmmss}|{TableKeys.Escape(signal.Id)}"))
        {
            ["Id"] = signal.Id,
            ["Kind"] = signal.Kind,
            ["At"] = signal.At,
            ["Data"] = JsonSerializer.Serialize(signal.Data, Json),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Raised before: one signal per cause (journalled again below, in case the first raise died before that).
        }

        await TableSignalJournal.RecordAsync(clients, signal.Tenant, signal.CustomerId, signal.Id, raisedAt, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, customerId);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new CustomerSignal(tenant, customerId, e.GetString("Id"), e.GetString("Kind"),
                e.GetDateTimeOffset("At") ?? DateTimeOffset.UnixEpoch,
                JsonSerializer.Deserialize<Dictionary<string, string>>(e.GetString("Data") ?? "{}", Json) ?? []);
        }
    }

    internal static string Partition(string tenant, string customerId) => $"{tenant}|{TableKeys.Escape(customerId)}";
}
