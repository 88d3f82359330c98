using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Customers;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>The initial CRM load from a JSONL export into Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ImportCommandTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crm-export-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task An_export_is_imported_with_profiles_and_indexes_and_bad_lines_are_kept_as_poison_with_their_line_number()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        var lines = Enumerable.Range(1, 300).Select(i => JsonSerializer.Serialize(new
        {
            schema = CrmMessage.Schema, messageId = "x" + i, type = CrmMessageTypes.CustomerUpserted, tenant = _tenant.Name, crmId = "K" + i, version = 1,
            occurredAt = "2026-11-01T09:00:00+08:00",
            data = new { name = "客户" + i, phone = "1390000" + i.ToString("D4", CultureInfo.InvariantCulture), externalUserIds = new[] { "wmK" + i }, tags = i % 3 == 0 ? new[] { "代发" } : [] },
        })).ToList();
        lines.Insert(100, "{ not json");
        lines.Insert(200, lines[5].Replace(_tenant.Name, "otherbank", StringComparison.Ordinal));
        await File.WriteAllLinesAsync(_file, lines);
        var output = new StringWriter();

        var exit = await CustomerCommands.ImportAsync(host.Services, ["--tenant", _tenant.Name, _file], output, new StringWriter());

        Assert.Equal(1, exit);
        var summary = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal((300, 2), (summary.GetProperty("customers").GetInt32(), summary.GetProperty("rejected").GetInt32()));
        var store = host.Services.GetRequiredService<ICustomerStore>();
        var id = await store.FindIdAsync(_tenant.Name, IdentityKinds.External, "wmK42", CancellationToken.None);
        var c = (await store.GetAsync(_tenant.Name, id!, CancellationToken.None))!.Value;
        Assert.Equal(("K42", "客户42", "139****0042", true), (c.CrmId, c.Name, c.PhoneMasked, c.HasTag("代发")));
        Assert.Equal(100, await host.Services.GetRequiredService<PrivateDomain.Customers.Segments.ITagIndex>().MembersAsync(_tenant.Name, "代发", CancellationToken.None).CountAsync());

        var poison = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCrmPoisonStore.TableName);
        var sources = await poison.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(_tenant.Name + "|") > 0 && e.PartitionKey.CompareTo(_tenant.Name + "}") < 0)
            .Select(e => e.GetString("Source")).ToListAsync();
        Assert.Equal([$"import:{Path.GetFileName(_file)}:101", $"import:{Path.GetFileName(_file)}:201"], sources.Order());
    }
}
