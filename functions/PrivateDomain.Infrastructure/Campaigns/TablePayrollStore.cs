using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>
/// Payroll employers in table <c>PayrollEmployers</c> (PK tenant, RK employer id) and started campaigns in
/// <c>PayrollCampaigns</c> (PK tenant, RK campaign id, inserted with Add; RK <c>~scheduler</c> holds the daily run's
/// last completed date).
/// </summary>
/// <remarks>The campaign row also carries its run state (<see cref="PayrollCampaignRun"/>: status, fan-out cursor,
/// stop), updated with the row's ETag.</remarks>
public sealed class TablePayrollStore(StorageClients clients) : IPayrollEmployers, IPayrollCampaigns, IPayrollCampaignRuns
{
    /// <summary>Employers.</summary>
    public const string EmployersTable = "PayrollEmployers";

    /// <summary>Campaigns.</summary>
    public const string CampaignsTable = "PayrollCampaigns";

    private const string SchedulerRow = "~scheduler";

    /// <inheritdoc />
    public async Task SaveAsync(string tenant, PayrollEmployer employer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(employer);
        var table = await clients.TableAsync(EmployersTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(tenant), TableKeys.Escape(employer.EmployerId))
        {
            ["EmployerId"] = employer.EmployerId,
            ["PaydayRule"] = employer.Payday.ToString(),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<PayrollEmployer> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(EmployersTable, cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(tenant);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == pk, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new PayrollEmployer(e.GetString("EmployerId"), PaydayRule.Parse(e.GetString("PaydayRule")));
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryStartAsync(PayrollCampaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(new TableEntity(TableKeys.Escape(campaign.Tenant), TableKeys.Escape(campaign.CampaignId))
            {
                ["EmployerId"] = campaign.EmployerId,
                ["PayMonth"] = campaign.PayMonth.ToString(),
                ["Payday"] = campaign.Payday.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["CampaignDays"] = JsonSerializer.Serialize(campaign.CampaignDays.Select(d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture))),
                ["StartedAt"] = campaign.StartedAt,
                ["Status"] = nameof(PayrollCampaignStatus.Running),
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<PayrollCampaign?> GetAsync(string tenant, string campaignId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(campaignId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        return new PayrollCampaign(tenant, campaignId, e.GetString("EmployerId"), PayMonth.Parse(e.GetString("PayMonth")),
            DateOnly.ParseExact(e.GetString("Payday"), "O", System.Globalization.CultureInfo.InvariantCulture),
            JsonSerializer.Deserialize<string[]>(e.GetString("CampaignDays"))!.Select(d => DateOnly.ParseExact(d, "O", System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            e.GetDateTimeOffset("StartedAt") ?? default);
    }

    /// <inheritdoc />
    public async Task<(PayrollCampaignRun Run, string ETag)?> GetRunAsync(string tenant, string campaignId, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), TableKeys.Escape(campaignId), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!row.HasValue || row.Value is not { } e)
        {
            return null;
        }

        var status = e.GetString("Status") == nameof(PayrollCampaignStatus.Stopped) ? PayrollCampaignStatus.Stopped : PayrollCampaignStatus.Running;
        return (new PayrollCampaignRun(tenant, campaignId, status, e.GetString("Cursor"), e.GetBoolean("FannedOut") ?? false, e.GetInt32("Batches") ?? 0,
            e.GetDateTimeOffset("StoppedAt"), e.GetString("StoppedBy")), e.ETag.ToString());
    }

    /// <inheritdoc />
    public async Task<bool> TryUpdateRunAsync(PayrollCampaignRun run, string etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(TableKeys.Escape(run.Tenant), TableKeys.Escape(run.CampaignId))
            {
                ["Status"] = run.Status.ToString(),
                ["Cursor"] = run.Cursor,
                ["FannedOut"] = run.FannedOut,
                ["Batches"] = run.Batches,
                ["StoppedAt"] = run.StoppedAt,
                ["StoppedBy"] = run.StoppedBy,
            }, new ETag(etag), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<DateOnly?> LastRunAsync(string tenant, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(tenant), SchedulerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value?.GetString("LastRun") is { } s
            ? DateOnly.ParseExact(s, "O", System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <inheritdoc />
    public async Task SetLastRunAsync(string tenant, DateOnly day, CancellationToken cancellationToken)
    {
        var table = await clients.TableAsync(CampaignsTable, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(new TableEntity(TableKeys.Escape(tenant), SchedulerRow) { ["LastRun"] = day.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }
}
