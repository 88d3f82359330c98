using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Customers;

/// <summary>The employee directory in table <c>Employees</c>: PK tenant, RK the WeCom userid; versions guarded by ETag.</summary>
public sealed class TableEmployeeDirectory(StorageClients clients) : IEmployeeDirectory
{
    /// <summary>The table name.</summary>
    public const string TableName = "Employees";

    /// <inheritdoc />
    public async Task<Employee?> GetAsync(string tenant, string userId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(userId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue && row.Value is { } e ? FromEntity(tenant, userId, e) : null;
    }

    /// <inheritdoc />
    public async Task<bool> UpsertAsync(Employee employee, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(employee);
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(TableKeys.Escape(employee.Tenant), TableKeys.Escape(employee.UserId))
        {
            ["Name"] = employee.Name,
            ["Title"] = employee.Title,
            ["BranchName"] = employee.BranchName,
            ["BranchId"] = employee.BranchId,
            ["SupervisorId"] = employee.SupervisorId,
            ["Version"] = employee.Version,
            ["UpdatedAt"] = employee.UpdatedAt,
        };
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            try
            {
                if (!existing.HasValue || existing.Value is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    return true;
                }

                if ((existing.Value.GetInt64("Version") ?? 0) >= employee.Version)
                {
                    return false;
                }

                await table.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another message for the same employee got there first: read again and compare versions.
            }
        }

        throw new InvalidOperationException($"Employee {employee.UserId} kept changing under us; the message will be retried.");
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Employee> ListAsync(string tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(TableName, cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(tenant);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return FromEntity(tenant, TableKeys.Unescape(e.RowKey), e);
        }
    }

    private static Employee FromEntity(string tenant, string userId, TableEntity e) => new(
        tenant, userId, e.GetString("Name") ?? "", e.GetString("Title"), e.GetString("BranchName"), e.GetString("BranchId"),
        e.GetInt64("Version") ?? 0, e.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.UnixEpoch) { SupervisorId = e.GetString("SupervisorId") };
}
