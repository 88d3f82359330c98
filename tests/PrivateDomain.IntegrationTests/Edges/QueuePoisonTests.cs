using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// The local host's queue workers: a message that cannot be decoded or validated goes to its poison queue with the
/// reason after one try and never holds up the messages received with it.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueuePoisonTests(AzuriteFixture fixture)
{
    private readonly TestTenant _tenant = TestTenant.Create("que" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));

    private string Message(string crmId) => JsonSerializer.Serialize(new
    {
        schema = CrmMessage.Schema, messageId = Guid.NewGuid().ToString(), type = CrmMessageTypes.CustomerUpserted, tenant = _tenant.Name,
        crmId, version = 1, occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), data = new { name = "王芳" },
    });

    private async Task<QueueClient> RawQueueAsync(string name)
    {
        // No message encoding: the test writes exactly the bytes a producer (az storage message put, another SDK) would.
        var queue = new QueueClient(fixture.Azurite.ConnectionString(), name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<List<string>> DrainAsync(QueueClient queue)
    {
        var texts = new List<string>();
        foreach (var m in (await queue.ReceiveMessagesAsync(32)).Value)
        {
            texts.Add(Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString())));
        }

        return texts;
    }

    [Fact]
    public async Task A_CRM_message_that_is_not_base64_goes_to_poison_with_its_reason_after_one_try_and_the_good_one_beside_it_is_applied()
    {
        var crm = await RawQueueAsync(LocalHost.CrmQueueName);
        var poison = await RawQueueAsync(LocalHost.CrmQueueName + "-poison");
        await poison.ClearMessagesAsync();
        var plain = Message("Q-PLAIN");
        await crm.SendMessageAsync(plain);
        await crm.SendMessageAsync(Base64(Message("Q-GOOD")));

        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);

        await Eventually.TrueAsync(async () => await host.Services.GetRequiredService<ICustomerStore>()
            .FindIdAsync(_tenant.Name, IdentityKinds.Crm, "Q-GOOD", CancellationToken.None) is not null, "the good message applied", TimeSpan.FromSeconds(15));
        var kept = await Eventually.GetAsync(async () => (await DrainAsync(poison)).FirstOrDefault(t => t.Contains("Q-PLAIN", StringComparison.Ordinal)),
            "the undecodable message in crm-changes-poison", TimeSpan.FromSeconds(15));
        var entry = JsonDocument.Parse(kept).RootElement;
        Assert.Contains("base64", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, entry.GetProperty("dequeueCount").GetInt32());
        Assert.Equal(plain, entry.GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_internal_queue_message_that_is_not_valid_goes_to_poison_with_its_reason_after_one_try()
    {
        var events = await RawQueueAsync("wecom-events");
        var poison = await RawQueueAsync("wecom-events-poison");
        await poison.ClearMessagesAsync();
        var marker = "not-an-event-" + Guid.NewGuid().ToString("N");
        await events.SendMessageAsync(Base64("{\"garbage\":\"" + marker + "\""));

        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);

        // The worker's retry delays are 2, 4, 8, 16 s: five tries would take 30 s; one try is well inside 10.
        var kept = await Eventually.GetAsync(async () => (await DrainAsync(poison)).FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal)),
            "the invalid message in wecom-events-poison", TimeSpan.FromSeconds(10));
        var entry = JsonDocument.Parse(kept).RootElement;
        Assert.Equal(1, entry.GetProperty("dequeueCount").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("reason").GetString()));
    }
}
