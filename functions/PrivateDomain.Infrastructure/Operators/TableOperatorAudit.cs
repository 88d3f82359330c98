using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Input;
using PrivateDomain.Storage;

namespace PrivateDomain.Operators;

/// <summary>
/// The operator audit in table <c>OperatorAudit</c>: PK <c>{tenant}|{yyyyMMdd}</c>, RK <c>{ticks}|{random}</c>, inserted
/// with Add before the work and merged once with the outcome after it; never deleted by the application. Texts are cut to
/// <see cref="InputLimits.AuditField"/> characters. The caller checks the tenant is configured before anything is written.
/// </summary>
public sealed class TableOperatorAudit(StorageClients clients) : IOperatorAudit
{
    /// <summary>The table name.</summary>
    public const string TableName = "OperatorAudit";

    /// <inheritdoc />
    public async Task RecordAsync(OperatorAction action, CancellationToken cancellationToken) =>
        await BeginAsync(action, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<OperatorAuditEntry> BeginAsync(OperatorAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(
            Partition(action.Tenant, DateOnly.FromDateTime(action.At.UtcDateTime)),
            string.Create(CultureInfo.InvariantCulture, $"{action.At.UtcTicks:D19}|{Guid.NewGuid():N}"))
        {
            ["Actor"] = Cut(action.Actor),
            ["Action"] = Cut(action.Action),
            ["Target"] = Cut(action.Target),
            ["From"] = Cut(action.From),
            ["At"] = action.At,
            ["Outcome"] = Cut(action.Outcome),
        };
        // The audit row must not be lost to the request being aborted: the work it records may already be under way.
        await table.AddEntityAsync(entity, CancellationToken.None).ConfigureAwait(false);
        return new OperatorAuditEntry(action, entity.PartitionKey + "\n" + entity.RowKey);
    }

    /// <inheritdoc />
    public async Task CompleteAsync(OperatorAuditEntry entry, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var keys = entry.RowId.Split('\n');
        await table.UpdateEntityAsync(new TableEntity(keys[0], keys[1])
        {
            ["Action"] = Cut(entry.Action.Action),
            ["Target"] = Cut(entry.Action.Target),
            ["Outcome"] = Cut(outcome),
        }, ETag.All, TableUpdateMode.Merge,
            CancellationToken.None).ConfigureAwait(false);
    }

    private static string Cut(string? text) => InputRule.Truncate(text, InputLimits.AuditField);

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
