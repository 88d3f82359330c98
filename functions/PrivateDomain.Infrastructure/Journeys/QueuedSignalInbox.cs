using System.Text.Json;
using Azure.Storage.Queues;
using PrivateDomain.Customers;
using PrivateDomain.Storage;

namespace PrivateDomain.Journeys.Storage;

/// <summary>
/// The signal inbox of the Functions app: every signal is stored in the inbox table first (<see cref="TableSignalInbox"/>),
/// then, if journeys care about it, a copy goes on queue <c>journey-signals</c>, whose trigger nudges the customer's
/// running orchestrations and starts the loan check-in journey. A lost or failed nudge loses nothing: the orchestration
/// reads the inbox when it (re)starts a round or is nudged, and cohort orchestrations read it at every wake-up.
/// </summary>
public sealed class QueuedSignalInbox(TableSignalInbox inbox, StorageClients clients) : ISignalInbox
{
    /// <summary>The queue name; its poison queue is <c>journey-signals-poison</c>.</summary>
    public const string QueueName = "journey-signals";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly QueueClient _queue = clients.Queues.GetQueueClient(QueueName);
    private volatile bool _queueExists;

    /// <inheritdoc />
    public async Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await inbox.RaiseAsync(signal, cancellationToken).ConfigureAwait(false);
        if (JourneyInbox.ToEvent(signal.Kind, signal.At, null) is null && JourneySignalRouting.LoanCheckInOccurrence(signal) is null
            && signal.Kind is not ("tag-added" or "tag-removed"))
        {
            return;
        }

        if (!_queueExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _queueExists = true;
        }

        await _queue.SendMessageAsync(Serialize(signal), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        inbox.ListAsync(tenant, customerId, cancellationToken);

    /// <summary>The message text (before the client's base64 encoding).</summary>
    public static string Serialize(CustomerSignal signal) => JsonSerializer.Serialize(signal, Json);

    /// <summary>Reads a message text back.</summary>
    public static CustomerSignal Deserialize(string text) =>
        JsonSerializer.Deserialize<CustomerSignal>(text, Json) ?? throw new FormatException("The queue message is empty.");
}
