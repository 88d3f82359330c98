using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Operators;

/// <summary>
/// The operator audit in table <c>OperatorAudit</c>: PK <c>{tenant}|{yyyyMMdd}</c>, RK <c>{ticks}|{random}</c>, inserted
/// with Add and never updated or deleted by the application (on Azure the app's role could be narrowed further).
/// </summary>
public sealed class TableOperatorAudit(StorageClients clients) : IOperatorAudit
{
    /// <summary>The table name.</summary>
    public const string TableName = "OperatorAudit";

    /// <inheritdoc />
    public async Task RecordAsync(OperatorAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(new TableEntity(
            Partition(action.Tenant, DateOnly.FromDateTime(action.At.UtcDateTime)),
            string.Create(CultureInfo.InvariantCulture, $"{action.At.UtcTicks:D19}|{Guid.NewGuid():N}"))
        {
            ["Actor"] = action.Actor,
            ["Action"] = action.Action,
            ["Target"] = action.Target,
            ["From"] = action.From,
            ["At"] = action.At,
            ["Outcome"] = action.Outcome,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<OperatorAction> ListAsync(string tenant, DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(tenant, day);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new OperatorAction(tenant, e.GetString("Actor"), e.GetString("Action"), e.GetString("Target"), e.GetString("From"),
                e.GetDateTimeOffset("At") ?? default, e.GetString("Outcome"));
        }
    }

    private static string Partition(string tenant, DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{TableKeys.Escape(tenant)}|{day:yyyyMMdd}");
}
