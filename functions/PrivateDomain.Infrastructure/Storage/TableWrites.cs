using Azure;
using Azure.Data.Tables;

namespace PrivateDomain.Storage;

/// <summary>Conditional writes shared by the stores.</summary>
internal static class TableWrites
{
    /// <summary>
    /// Writes a row stamped with <paramref name="at"/> unless the stored row is newer, with ETag retries: replays and
    /// out-of-order events converge on the newest.
    /// </summary>
    public static async Task WriteIfNewerAsync(TableClient table, string pk, string rk, DateTimeOffset at, Action<TableEntity> set, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: ct).ConfigureAwait(false);
            var entity = new TableEntity(pk, rk) { ["At"] = at };
            set(entity);
            try
            {
                if (!existing.HasValue || existing.Value is not { } current)
                {
                    await table.AddEntityAsync(entity, ct).ConfigureAwait(false);
                    return;
                }

                if (current.GetDateTimeOffset("At") > at)
                {
                    return;
                }

                await table.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone wrote meanwhile; read again.
            }
        }

        throw new InvalidOperationException($"{pk}/{rk} kept changing under us; the event will be retried.");
    }

    /// <summary>Deletes a row whatever its ETag; false if it was not there.</summary>
    public static async Task<bool> DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
}
