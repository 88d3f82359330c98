using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Context.Features;
using PrivateDomain.Campaigns;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.Functions.Campaigns;
using PrivateDomain.Functions.Customers;
using PrivateDomain.Functions.Delivery;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tags;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.Functions.Welcome;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Tags;
using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

namespace PrivateDomain.Functions.Tests;

/// <summary>
/// The app's queue triggers put a message they cannot read on <c>{queue}-poison</c> with the reason after one try and
/// return (the host completes it), as the local host's queue worker does — not after the host's five tries.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class QueueTriggerPoisonTests(AzuriteFixture azurite)
{
    public static TheoryData<string> Queues => new()
    {
        StorageCallbackEventQueue.QueueName,
        StorageDeliveryNudges.QueueName,
        StorageJourneyWakeups.QueueName,
        StorageWelcomeQueue.QueueName,
        QueuedSignalInbox.QueueName,
        StoragePayrollFanOutQueue.QueueName,
        StorageTagSyncQueue.QueueName,
    };

    [Theory]
    [MemberData(nameof(Queues))]
    public async Task A_message_the_trigger_cannot_read_goes_to_the_poison_queue_with_its_reason_after_one_try(string queue)
    {
        // A pinned start for the host's virtual clock: an unreadable message must be poisoned whatever the day.
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, new DateTimeOffset(2026, 11, 20, 1, 0, 0, TimeSpan.Zero));
        var body = "{\"not\": \"what " + queue + " carries\"";
        var messageId = Guid.NewGuid().ToString();
        var context = new QueueTriggerContext(new Dictionary<string, object?> { ["Id"] = messageId, ["DequeueCount"] = "1" });

        // Returns normally: the host completes the message instead of retrying it.
        await (queue switch
        {
            StorageCallbackEventQueue.QueueName => host.Function<CustomerEventFunctions>().ProcessAsync(body, context, CancellationToken.None),
            StorageDeliveryNudges.QueueName => host.Function<DeliveryFunctions>().DispatchAsync(body, context, CancellationToken.None),
            StorageJourneyWakeups.QueueName => host.Function<JourneyWakeupFunctions>().WakeAsync(body, context, CancellationToken.None),
            StorageWelcomeQueue.QueueName => host.Function<WelcomeFunctions>().SendAsync(body, context, CancellationToken.None),
            StoragePayrollFanOutQueue.QueueName => host.Function<PayrollFunctions>().FanOutAsync(body, host.Client, context, CancellationToken.None),
            StorageTagSyncQueue.QueueName => host.Function<TagFunctions>().SyncAsync(body, context, CancellationToken.None),
            _ => host.Function<JourneySignalFunctions>().RouteAsync(body, host.Client, context, CancellationToken.None),
        });

        var poison = new QueueClient(azurite.Azurite.ConnectionString(), queue + "-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var entries = (await poison.ReceiveMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)
            .Where(e => e.GetProperty("messageId").GetString() == messageId).ToList();
        var entry = Assert.Single(entries);
        Assert.Equal(queue, entry.GetProperty("queue").GetString());
        Assert.Equal(body, entry.GetProperty("body").GetString());
        Assert.Equal(1, entry.GetProperty("dequeueCount").GetInt64());
        Assert.Contains("cannot be read", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>What the queue triggers read from their <see cref="FunctionContext"/>: the trigger's binding data.</summary>
    private sealed class QueueTriggerContext(IReadOnlyDictionary<string, object?> bindingData) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

        public override string FunctionId => "queue";

        public override TraceContext TraceContext => throw new NotSupportedException();

        public override BindingContext BindingContext { get; } = new Bindings(bindingData);

        public override RetryContext RetryContext => throw new NotSupportedException();

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override IInvocationFeatures Features => throw new NotSupportedException();

        private sealed class Bindings(IReadOnlyDictionary<string, object?> data) : BindingContext
        {
            public override IReadOnlyDictionary<string, object?> BindingData => data;
        }
    }
}
