using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.WeCom;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>WeCom callbacks through the local host into the customer pool (the queue worker applies them).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomerEventProcessorTests(AzuriteFixture fixture)
{
    private static readonly string[] PoolTables =
        [TableCustomerStore.CustomersTable, TableCustomerStore.IndexTable, TableRelationshipStore.TableName, TableSignalInbox.TableName, TableGroupChatStore.TableName];

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private async Task<LocalHostInstance> StartAsync() =>
        await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);

    private async Task PostAsync(LocalHostInstance host, string xml) =>
        Assert.Equal(HttpStatusCode.OK, await _tenant.PostEventAsync(host, xml));

    private static string Contact(string userId, string ext) => TestTenant.ContactFields(userId, ext);

    private static Task<Stored<Relationship>> RelationshipAsync(LocalHostInstance host, string tenant, string userId, string ext, Func<Relationship, bool> when) =>
        Eventually.GetAsync(async () =>
        {
            var r = await host.Services.GetRequiredService<IRelationshipStore>().GetAsync(tenant, userId, ext, CancellationToken.None);
            return r is not null && when(r.Value) ? r : null;
        }, $"relationship {userId}/{ext}");

    [Fact]
    public async Task An_add_creates_a_visitor_profile_a_relationship_attributed_to_its_channel_code_and_an_added_signal()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<IChannelCodes>().SaveAsync(_tenant.Name,
            new ChannelCode("qr-village-07", "partner", "青山村村委", "村委", "zhangsan"), CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);

        await PostAsync(host, _tenant.AddExternalContactXml("zhangsan", "wmVillager1", at, state: "qr-village-07", welcomeCode: "WC-1"));

        var relationship = (await RelationshipAsync(host, _tenant.Name, "zhangsan", "wmVillager1", _ => true)).Value;
        Assert.Equal(RelationshipStatus.Active, relationship.Status);
        Assert.Equal(("qr-village-07", "partner", "青山村村委"), (relationship.State, relationship.Channel, relationship.Partner));
        Assert.Equal(at.ToUnixTimeSeconds(), relationship.AddedAt.ToUnixTimeSeconds());

        var customers = host.Services.GetRequiredService<ICustomerStore>();
        var id = await customers.FindIdAsync(_tenant.Name, IdentityKinds.External, "wmVillager1", CancellationToken.None);
        Assert.Equal(relationship.CustomerId, id);
        var profile = (await Eventually.GetAsync(async () =>
        {
            var c = await customers.GetAsync(_tenant.Name, id!, CancellationToken.None);
            return c?.Value.Attributes.ContainsKey("channel") == true ? c : null;
        }, "attribution on the profile")).Value;
        Assert.Equal(CustomerTier.Visitor, profile.Tier);
        Assert.Equal("partner", profile.Attributes["channel"]);
        Assert.Equal("青山村村委", profile.Attributes["partner"]);

        var signal = await Eventually.GetAsync(async () =>
            await host.Services.GetRequiredService<ISignalInbox>().ListAsync(_tenant.Name, id!, CancellationToken.None)
                .FirstOrDefaultAsync(s => s.Kind == SignalKinds.Added), "the added signal");
        Assert.Equal("WC-1", signal.Data["welcomeCode"]);
    }

    [Fact]
    public async Task Del_follow_user_marks_the_relationship_deleted_by_the_customer_tags_them_and_raises_a_churn_signal()
    {
        await using var host = await StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);
        await PostAsync(host, _tenant.AddExternalContactXml("lisi", "wmLeaver", at));
        await RelationshipAsync(host, _tenant.Name, "lisi", "wmLeaver", _ => true);

        await PostAsync(host, _tenant.EventXml("change_external_contact", "del_follow_user", at.AddMinutes(1), Contact("lisi", "wmLeaver")));

        var r = (await RelationshipAsync(host, _tenant.Name, "lisi", "wmLeaver", r => r.Status != RelationshipStatus.Active)).Value;
        Assert.Equal(RelationshipStatus.DeletedByCustomer, r.Status);
        var signals = host.Services.GetRequiredService<ISignalInbox>();
        var churn = await Eventually.GetAsync(async () =>
            await signals.ListAsync(_tenant.Name, r.CustomerId, CancellationToken.None).FirstOrDefaultAsync(s => s.Kind == SignalKinds.DeletedUs), "the churn signal");
        Assert.Equal("lisi", churn.Data["userId"]);
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, r.CustomerId, CancellationToken.None);
        Assert.True(profile!.Value.HasTag(CustomerEventProcessor.DeletedUsTag));
    }

    [Fact]
    public async Task Reprocessing_every_event_changes_nothing()
    {
        await using var host = await StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-3);
        string[] xmls =
        [
            _tenant.AddExternalContactXml("wangwu", "wmReplay", at),
            _tenant.EventXml("change_external_contact", "del_follow_user", at.AddSeconds(30), Contact("wangwu", "wmReplay")),
            _tenant.EventXml("change_external_chat", "update", at.AddSeconds(40),
                "<ChatId><![CDATA[wrChat1]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>1</JoinScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item><![CDATA[wmReplay]]></Item></MemChangeList>"),
        ];
        foreach (var xml in xmls)
        {
            await PostAsync(host, xml);
        }

        var signals = host.Services.GetRequiredService<ISignalInbox>();
        var customerId = CustomerIds.FromExternalUserId(_tenant.Name, "wmReplay");
        await Eventually.TrueAsync(async () =>
            await signals.ListAsync(_tenant.Name, customerId, CancellationToken.None).AnyAsync(s => s.Kind == SignalKinds.DeletedUs)
            && await host.Services.GetRequiredService<IGroupChatStore>().MembersAsync(_tenant.Name, "wrChat1", CancellationToken.None).AnyAsync(),
            "all three events applied");
        var before = await TableSnapshot.TakeAsync(fixture.Azurite.ConnectionString(), _tenant.Name, PoolTables);

        var processor = host.Services.GetRequiredService<CustomerEventProcessor>();
        foreach (var xml in xmls.Reverse())
        {
            var parsed = CallbackXml.ParseEvent(xml);
            var key = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(xml)));
            Assert.True(await processor.ProcessAsync(new CallbackEventMessage(_tenant.Name, key, parsed.Kind, parsed.CreatedAt), CancellationToken.None));
        }

        Assert.Equal(before, await TableSnapshot.TakeAsync(fixture.Azurite.ConnectionString(), _tenant.Name, PoolTables));
    }

    [Fact]
    public async Task A_deletion_that_arrives_before_its_add_is_not_undone_by_the_late_add()
    {
        await using var host = await StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);

        await PostAsync(host, _tenant.EventXml("change_external_contact", "del_external_contact", at.AddMinutes(1), Contact("zhaoliu", "wmLate")));
        await RelationshipAsync(host, _tenant.Name, "zhaoliu", "wmLate", r => r.Status == RelationshipStatus.DeletedByEmployee);
        await PostAsync(host, _tenant.AddExternalContactXml("zhaoliu", "wmLate", at));
        var signals = host.Services.GetRequiredService<ISignalInbox>();
        await Eventually.TrueAsync(() => signals.ListAsync(_tenant.Name, CustomerIds.FromExternalUserId(_tenant.Name, "wmLate"), CancellationToken.None)
            .AnyAsync(s => s.Kind == SignalKinds.Added).AsTask(), "the late add processed");

        var r = await host.Services.GetRequiredService<IRelationshipStore>().GetAsync(_tenant.Name, "zhaoliu", "wmLate", CancellationToken.None);
        Assert.Equal(RelationshipStatus.DeletedByEmployee, r!.Value.Status);
    }

    [Fact]
    public async Task A_transfer_deletion_and_a_failed_transfer_are_told_apart()
    {
        await using var host = await StartAsync();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await PostAsync(host, _tenant.AddExternalContactXml("old-am", "wmMoved", at));
        await PostAsync(host, _tenant.AddExternalContactXml("old-am", "wmStays", at));
        await PostAsync(host, _tenant.EventXml("change_external_contact", "del_external_contact", at.AddMinutes(1),
            Contact("old-am", "wmMoved") + "<Source><![CDATA[DELETE_BY_TRANSFER]]></Source>"));
        await PostAsync(host, _tenant.EventXml("change_external_contact", "transfer_fail", at.AddMinutes(1),
            Contact("old-am", "wmStays") + "<FailReason><![CDATA[customer_refused]]></FailReason>"));

        Assert.Equal(RelationshipStatus.Transferred,
            (await RelationshipAsync(host, _tenant.Name, "old-am", "wmMoved", r => r.Status != RelationshipStatus.Active)).Value.Status);
        var stays = (await RelationshipAsync(host, _tenant.Name, "old-am", "wmStays", r => r.StatusDetail is not null)).Value;
        Assert.Equal((RelationshipStatus.Active, "transfer_fail:customer_refused"), (stays.Status, stays.StatusDetail));
        var listed = await host.Services.GetRequiredService<IRelationshipStore>().ListByEmployeeAsync(_tenant.Name, "old-am", CancellationToken.None).ToListAsync();
        Assert.Equal(["wmMoved", "wmStays"], listed.Select(r => r.ExternalUserId).Order());
    }
}
