using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Customers;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>The documented way to put CRM messages on the local queue (<c>./pd crm-enqueue FILE.jsonl</c>, beside
/// <c>./pd run</c>) against Azurite with the queue workers running: the good message is applied, the bad one is kept
/// as poison with its reason.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrmEnqueueCommandTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TestTenant _tenant = TestTenant.Create("enq" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crm-enqueue-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Messages_put_on_the_local_crm_queue_by_the_documented_command_are_applied_and_a_bad_one_is_poisoned_with_its_reason()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);
        string Line(string crmId, object data) => JsonSerializer.Serialize(new
        {
            schema = CrmMessage.Schema, messageId = "m-" + crmId, type = CrmMessageTypes.CustomerUpserted, tenant = _tenant.Name, crmId, version = 3,
            occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), data,
        });
        var bad = Line("E-BAD", new { tags = new[] { "a/b" } });
        await File.WriteAllLinesAsync(_file, [Line("E-1", new { name = "王芳", tags = new[] { "白领" } }), bad]);

        var exit = await CustomerCommands.EnqueueCrmAsync(host.Services, [_file], new StringWriter(), new StringWriter());

        Assert.Equal(0, exit);
        await Eventually.TrueAsync(async () => await host.Services.GetRequiredService<ICustomerStore>()
            .FindIdAsync(_tenant.Name, IdentityKinds.Crm, "E-1", CancellationToken.None) is not null, "the enqueued message applied");
        var poison = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCrmPoisonStore.TableName);
        var kept = await Eventually.GetAsync(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            return await poison.QueryAsync<TableEntity>().FirstOrDefaultAsync(e => e.GetString("Body") == bad);
        }, "the bad message in the poison table");
        Assert.StartsWith("data.tags[0]", kept.GetString("Reason"), StringComparison.Ordinal);
    }
}
