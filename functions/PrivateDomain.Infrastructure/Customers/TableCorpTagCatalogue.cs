using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>The corp tag catalogue in table <c>CorpTags</c>: PK tenant, RK <c>{tag|tag_group}|{id}</c>.</summary>
public sealed class TableCorpTagCatalogue(StorageClients clients) : ICorpTagCatalogue
{
    /// <summary>The table name.</summary>
    public const string TableName = "CorpTags";

    /// <inheritdoc />
    public async Task RecordChangeAsync(string tenant, string tagId, string tagType, string changeType, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        await TableWrites.WriteIfNewerAsync(table, TableKeys.Escape(tenant), $"{TableKeys.Escape(tagType)}|{TableKeys.Escape(tagId)}", at, e =>
        {
            e["TagId"] = tagId;
            e["TagType"] = tagType;
            e["LastChange"] = changeType;
            e["Deleted"] = changeType == "delete";
            // Callbacks carry no names: the delivery capability refreshes names through the corp tag list call.
            e["NeedsRefresh"] = true;
        }, cancellationToken).ConfigureAwait(false);
    }
}
