using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PrivateDomain.Storage;

namespace PrivateDomain.Content.Storage;

/// <summary>
/// The append-only approval log in table <c>ContentApprovals</c> (<see cref="ContentOptions.ApprovalsTable"/>): PK <c>{scope}|{id}</c> (escaped), RK
/// <c>v{version:D6}|{sequence:D4}</c>; columns Action, By, At, ContentHash, Role, Note. Rows are only ever added — with
/// Add, so two people acting on the same version at the same moment cannot both take a sequence — and never updated or
/// deleted: the log is the audit trail of who approved what, and when.
/// </summary>
public sealed class TableContentApprovalLog(StorageClients clients, IOptions<ContentOptions> options) : IContentApprovalLog
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "ContentApprovals";

    private string TableName => options.Value.ApprovalsTable;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalRecord>> ReadAsync(TemplateScope scope, string id, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = Partition(scope, id);
        var rows = new List<ApprovalRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ApprovalRecord(
                new TemplateRef(scope, id, e.GetInt32("Version") ?? 0),
                e.GetInt32("Sequence") ?? 0,
                Enum.Parse<ApprovalAction>(e.GetString("Action")),
                e.GetString("By"),
                e.GetDateTimeOffset("At") ?? default,
                e.GetString("ContentHash"),
                e.GetString("Role"),
                e.GetString("Note")));
        }

        return rows;
    }

    /// <inheritdoc />
    public async Task<bool> TryAppendAsync(ApprovalRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var t = record.Template;
        var rk = string.Create(CultureInfo.InvariantCulture, $"v{t.Version:D6}|{record.Sequence:D4}");
        try
        {
            await table.AddEntityAsync(new TableEntity(Partition(t.Scope, t.Id), rk)
            {
                ["Scope"] = t.Scope.Key,
                ["TemplateId"] = t.Id,
                ["Version"] = t.Version,
                ["Sequence"] = record.Sequence,
                ["Action"] = record.Action.ToString(),
                ["By"] = record.By,
                ["At"] = record.At,
                ["ContentHash"] = record.ContentHash,
                ["Role"] = record.Role,
                ["Note"] = record.Note,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    private static string Partition(TemplateScope scope, string id)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return $"{TableKeys.Escape(scope.Key)}|{TableKeys.Escape(id)}";
    }
}
