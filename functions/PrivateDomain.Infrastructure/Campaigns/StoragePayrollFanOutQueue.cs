using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Storage;

namespace PrivateDomain.Campaigns;

/// <summary>A fan-out message on queue <c>payroll-fanout</c>: run the campaign's next batch.</summary>
public sealed record PayrollFanOutMessage(string Tenant, string CampaignId);

/// <summary>Fan-out batches as messages on the Storage queue <c>payroll-fanout</c> (the local queue worker or the
/// Functions queue trigger runs them). A message names only the campaign: the cursor lives on the campaign row.</summary>
public sealed class StoragePayrollFanOutQueue(StorageClients clients) : IPayrollFanOutQueue
{
    /// <summary>The queue name.</summary>
    public const string QueueName = "payroll-fanout";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _exists;

    /// <inheritdoc />
    public async Task QueueAsync(string tenant, string campaignId, CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _exists = true;
        }

        await _queue.SendMessageAsync(JsonSerializer.Serialize(new PayrollFanOutMessage(tenant, campaignId), Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a fan-out message.</summary>
    public static PayrollFanOutMessage Parse(string body) =>
        JsonSerializer.Deserialize<PayrollFanOutMessage>(body, Json) is { Tenant.Length: > 0, CampaignId.Length: > 0 } m
            ? m
            : throw new FormatException("A payroll fan-out message needs tenant and campaignId.");
}
