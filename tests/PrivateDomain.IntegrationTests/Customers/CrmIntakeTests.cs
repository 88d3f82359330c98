using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>CRM messages into the pool on Azurite: versions, poison, signals, identity linking, hand-over.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrmIntakeTests(AzuriteFixture fixture)
{
    /// <summary>When the CRM says things happened (data only: intake compares versions, not clocks).</summary>
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private static string Message(string tenant, string type, string crmId, long version, object data, string? occurredAt = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schema"] = CrmMessage.Schema,
            ["messageId"] = Guid.NewGuid().ToString(),
            ["type"] = type,
            ["tenant"] = tenant,
            ["crmId"] = crmId,
            ["version"] = version,
            ["occurredAt"] = occurredAt ?? At.AddMinutes(version).ToString("O", CultureInfo.InvariantCulture),
            ["data"] = data,
        });

    private async Task<Customer> ProfileAsync(LocalHostInstance host, string crmId)
    {
        var store = host.Services.GetRequiredService<ICustomerStore>();
        var id = await store.FindIdAsync(_tenant.Name, IdentityKinds.Crm, crmId, CancellationToken.None);
        Assert.NotNull(id);
        return (await store.GetAsync(_tenant.Name, id, CancellationToken.None))!.Value;
    }

    [Fact]
    public async Task Duplicate_and_out_of_order_messages_never_let_an_older_version_overwrite_a_newer_one()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);
        var crm = host.Services.GetRequiredService<CrmIntake>();
        var v3 = Message(_tenant.Name, CrmMessageTypes.CustomerUpserted, "C100", 3,
            new { name = "王芳", phone = "+86 138-0013-5678", attributes = new { aum = 80000, region = "杭州" }, tags = new[] { "白领" }, products = new[] { "debit-card" } });
        var v2 = Message(_tenant.Name, CrmMessageTypes.CustomerUpserted, "C100", 2,
            new { name = "王芳(旧)", attributes = new { aum = 1000 }, tags = new[] { "学生" } });

        Assert.Equal(CrmOutcome.Applied, (await crm.HandleAsync(v3, "test", CancellationToken.None)).Outcome);
        Assert.Equal(CrmOutcome.Stale, (await crm.HandleAsync(v3, "test", CancellationToken.None)).Outcome);
        Assert.Equal(CrmOutcome.Stale, (await crm.HandleAsync(v2, "test", CancellationToken.None)).Outcome);

        var c = await ProfileAsync(host, "C100");
        Assert.Equal(("王芳", "80000", "杭州", 3L), (c.Name, c.Attributes["aum"], c.Attributes["region"], c.CrmVersion));
        Assert.Equal(["白领"], c.Tags.Select(t => t.Name));
        Assert.Equal("138****5678", c.PhoneMasked);
        Assert.DoesNotContain("13800135678", JsonSerializer.Serialize(c), StringComparison.Ordinal);
        Assert.Equal(CustomerTier.Customer, c.Tier);
        Assert.Equal(c.Id, await host.Services.GetRequiredService<ICustomerStore>().FindIdAsync(_tenant.Name, IdentityKinds.Phone, c.PhoneHash!, CancellationToken.None));
    }

    [Fact]
    public async Task Messages_on_the_local_crm_queue_are_applied_and_invalid_ones_are_kept_as_poison_with_their_reason()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);
        var queue = new QueueClient(fixture.Azurite.ConnectionString(), LocalHost.CrmQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        var missingVersion = Message(_tenant.Name, CrmMessageTypes.ProductPurchased, "C200", 1, new { product = "fund-A" }).Replace("\"version\":1,", "", StringComparison.Ordinal);

        await queue.SendMessageAsync(Message(_tenant.Name, CrmMessageTypes.PayrollEnrolled, "C200", 1, new { employerId = "E-42", paydayRule = "day:10" }));
        await queue.SendMessageAsync(missingVersion);

        var c = await Eventually.GetAsync(async () =>
        {
            var id = await host.Services.GetRequiredService<ICustomerStore>().FindIdAsync(_tenant.Name, IdentityKinds.Crm, "C200", CancellationToken.None);
            var p = id is null ? null : await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, id, CancellationToken.None);
            return p?.Value.Payroll is not null ? p.Value : null;
        }, "the payroll enrolment applied");
        Assert.Equal(new PayrollEnrolment("E-42", "day:10"), c.Payroll);
        Assert.True(c.HasTag(CrmIntake.PayrollTag));

        var poison = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCrmPoisonStore.TableName);
        var kept = await Eventually.GetAsync(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            return await poison.QueryAsync<TableEntity>().FirstOrDefaultAsync(e => e.GetString("Body") == missingVersion);
        }, "the poison row");
        Assert.Contains("version is required", kept.GetString("Reason"), StringComparison.Ordinal);
        Assert.Equal(LocalHost.CrmQueueName, kept.GetString("Source"));
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "not json", "not JSON" },
        { """{"schema":"other/9"}""", "schema must be" },
        { "unknown tenant", "is not configured" },
        { "bad phone", "phone number" },
        { "missing product", "data.product is required" },
        { "bad payday rule", "data.paydayRule" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Each_invalid_message_is_poisoned_with_a_reason_naming_the_problem(string body, string reason)
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        body = body switch
        {
            "unknown tenant" => Message("nosuchbank", CrmMessageTypes.ProductPurchased, "C1", 1, new { product = "x" }),
            "bad phone" => Message(_tenant.Name, CrmMessageTypes.CustomerUpserted, "C300", 1, new { phone = "12" }),
            "missing product" => Message(_tenant.Name, CrmMessageTypes.ProductPurchased, "C300", 1, new { }),
            "bad payday rule" => Message(_tenant.Name, CrmMessageTypes.PayrollEnrolled, "C300", 1, new { employerId = "E-1", paydayRule = "every friday" }),
            _ => body,
        };

        Assert.Equal(CrmOutcome.Poisoned, (await host.Services.GetRequiredService<CrmIntake>().HandleAsync(body, "import:line-7", CancellationToken.None)).Outcome);

        var poison = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCrmPoisonStore.TableName);
        var kept = await poison.QueryAsync<TableEntity>().FirstAsync(e => e.GetString("Body") == body);
        Assert.Contains(reason, kept.GetString("Reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CRM_upsert_naming_a_WeCom_visitor_joins_that_profile_and_a_purchase_converts_it()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        var pool = host.Services.GetRequiredService<ICustomerPool>();
        var visitorId = await pool.EnsureForExternalUserAsync(_tenant.Name, "wmVisitor9", At, CancellationToken.None);
        var crm = host.Services.GetRequiredService<CrmIntake>();

        await crm.HandleAsync(Message(_tenant.Name, CrmMessageTypes.CustomerUpserted, "C400", 1, new { name = "李雷", externalUserIds = new[] { "wmVisitor9" } }), "t", CancellationToken.None);
        await crm.HandleAsync(Message(_tenant.Name, CrmMessageTypes.ProductPurchased, "C400", 2, new { product = "wealth-90d" }), "t", CancellationToken.None);

        var c = await ProfileAsync(host, "C400");
        Assert.Equal(visitorId, c.Id);
        Assert.Equal(CustomerTier.Customer, c.Tier);
        var signals = await host.Services.GetRequiredService<ISignalInbox>().ListAsync(_tenant.Name, c.Id, CancellationToken.None).ToListAsync();
        Assert.Equal("wealth-90d", Assert.Single(signals, s => s.Kind == SignalKinds.Converted).Data["product"]);
    }

    [Fact]
    public async Task When_an_employee_leaves_their_active_customers_are_listed_for_hand_over()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        var relationships = host.Services.GetRequiredService<IRelationshipStore>();
        var at = At;
        foreach (var (ext, status) in new[] { ("wmA", RelationshipStatus.Active), ("wmB", RelationshipStatus.Active), ("wmGone", RelationshipStatus.DeletedByCustomer) })
        {
            await relationships.TryWriteAsync(new Relationship(_tenant.Name, "leaver", ext, CustomerIds.FromExternalUserId(_tenant.Name, ext), at, null, null, null, status, at, null), null, CancellationToken.None);
        }

        var body = Message(_tenant.Name, CrmMessageTypes.EmployeeLeft, "n/a", 1, new { employeeUserId = "leaver" });
        Assert.Equal(CrmOutcome.Applied, (await host.Services.GetRequiredService<CrmIntake>().HandleAsync(body, "t", CancellationToken.None)).Outcome);

        var inbox = host.Services.GetRequiredService<ISignalInbox>();
        foreach (var ext in new[] { "wmA", "wmB" })
        {
            var s = await inbox.ListAsync(_tenant.Name, CustomerIds.FromExternalUserId(_tenant.Name, ext), CancellationToken.None).SingleAsync();
            Assert.Equal((SignalKinds.EmployeeLeft, "leaver"), (s.Kind, s.Data["userId"]));
        }

        Assert.Empty(await inbox.ListAsync(_tenant.Name, CustomerIds.FromExternalUserId(_tenant.Name, "wmGone"), CancellationToken.None).ToListAsync());
    }
}
