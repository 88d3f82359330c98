using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.WeCom;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>PIPL: erasing a customer everywhere, and the retention purge of raw events.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ErasureAndRetentionTests(AzuriteFixture fixture)
{
    private static readonly string[] AllTables =
    [
        TableCustomerStore.CustomersTable, TableCustomerStore.IndexTable, TableRelationshipStore.TableName, TableSignalInbox.TableName,
        TableGroupChatStore.TableName, TableCustomerErasureStore.RefsTable, TableCallbackEventStore.TableName,
    ];

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private async Task PostAsync(LocalHostInstance host, string xml) =>
        Assert.Equal(HttpStatusCode.OK, await _tenant.PostEventAsync(host, xml));

    private static string Contact(string userId, string ext) => TestTenant.ContactFields(userId, ext);

    [Fact]
    public async Task Erasing_a_customer_removes_every_trace_of_them_keeps_others_and_records_that_it_happened()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var chats = host.Services.GetRequiredService<IGroupChatStore>();
        // The chat update is applied before the adds (events are processed in parallel, so this happens): it must still
        // be found when the customer is erased.
        await PostAsync(host, _tenant.EventXml("change_external_chat", "update", at.AddMinutes(2),
            "<ChatId><![CDATA[wrFamily]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail><MemChangeCnt>2</MemChangeCnt><MemChangeList><Item><![CDATA[wmErase1]]></Item><Item><![CDATA[wmKeep1]]></Item></MemChangeList>"));
        await Eventually.TrueAsync(async () => await chats.MembersAsync(_tenant.Name, "wrFamily", CancellationToken.None).CountAsync() == 2, "the chat update applied");
        await PostAsync(host, _tenant.AddExternalContactXml("zhangsan", "wmErase1", at));
        await PostAsync(host, _tenant.AddExternalContactXml("zhangsan", "wmKeep1", at));
        await PostAsync(host, _tenant.EventXml("change_external_contact", "del_follow_user", at.AddMinutes(1), Contact("zhangsan", "wmErase1")));
        var crm = JsonSerializer.Serialize(new
        {
            schema = CrmMessage.Schema, messageId = "m1", type = CrmMessageTypes.CustomerUpserted, tenant = _tenant.Name, crmId = "C-ERASE",
            version = 1, occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            data = new { name = "赵敏", phone = "13912345678", externalUserIds = new[] { "wmErase1" } },
        });
        var relationships = host.Services.GetRequiredService<IRelationshipStore>();
        // The queue worker applies events in parallel, so wait for each of them, not just the last one posted.
        await Eventually.TrueAsync(async () =>
            await chats.MembersAsync(_tenant.Name, "wrFamily", CancellationToken.None).CountAsync() == 2
            && await relationships.GetAsync(_tenant.Name, "zhangsan", "wmKeep1", CancellationToken.None) is not null
            && (await relationships.GetAsync(_tenant.Name, "zhangsan", "wmErase1", CancellationToken.None))?.Value.Status == RelationshipStatus.DeletedByCustomer,
            "all events applied");
        Assert.Equal(CrmOutcome.Applied, (await host.Services.GetRequiredService<CrmIntake>().HandleAsync(crm, "test", CancellationToken.None)).Outcome);
        var store = host.Services.GetRequiredService<ICustomerStore>();
        var id = (await store.FindIdAsync(_tenant.Name, IdentityKinds.External, "wmErase1", CancellationToken.None))!;
        var phoneHash = (await store.GetAsync(_tenant.Name, id, CancellationToken.None))!.Value.PhoneHash!;
        var before = await TableSnapshot.TakeAsync(fixture.Azurite.ConnectionString(), _tenant.Name, AllTables);
        Assert.Contains("wmErase1", before, StringComparison.Ordinal);

        var record = await host.Services.GetRequiredService<CustomerErasure>().EraseAsync(_tenant.Name, id, "dpo@bank.example", "PIPL-2026-0042", CancellationToken.None);

        Assert.True(record.ProfileRemoved);
        // Three raw events name them: the add, the deletion and the chat update (which also names wmKeep1 — the whole
        // raw event goes; wmKeep1's membership row, derived from it, stays).
        Assert.Equal((1, 3, 1), (record.Relationships, record.RawEvents, record.ChatMemberships));
        var after = await TableSnapshot.TakeAsync(fixture.Azurite.ConnectionString(), _tenant.Name, AllTables);
        Assert.DoesNotContain("wmErase1", after, StringComparison.Ordinal);
        Assert.DoesNotContain(id, after, StringComparison.Ordinal);
        Assert.DoesNotContain(phoneHash, after, StringComparison.Ordinal);
        Assert.DoesNotContain("赵敏", after, StringComparison.Ordinal);
        Assert.Contains("wmKeep1", after, StringComparison.Ordinal);
        Assert.Null(await store.FindIdAsync(_tenant.Name, IdentityKinds.Crm, "C-ERASE", CancellationToken.None));
        Assert.Equal(["wmKeep1"], await chats.MembersAsync(_tenant.Name, "wrFamily", CancellationToken.None).ToListAsync());

        var erasures = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCustomerErasureStore.ErasuresTable);
        var kept = await erasures.QueryAsync<TableEntity>(e => e.PartitionKey == _tenant.Name).SingleAsync();
        Assert.Equal(("dpo@bank.example", "PIPL-2026-0042"), (kept.GetString("RequestedBy"), kept.GetString("Reason")));
    }

    [Fact]
    public async Task An_event_about_an_erased_customer_from_before_the_erasure_does_not_bring_them_back_but_a_later_add_does()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);
        var relationships = host.Services.GetRequiredService<IRelationshipStore>();
        var store = host.Services.GetRequiredService<ICustomerStore>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        await PostAsync(host, _tenant.AddExternalContactXml("wangwu", "wmGone", at));
        await Eventually.TrueAsync(async () => await relationships.GetAsync(_tenant.Name, "wangwu", "wmGone", CancellationToken.None) is not null, "the add applied");
        var id = (await store.FindIdAsync(_tenant.Name, IdentityKinds.External, "wmGone", CancellationToken.None))!;
        await host.Services.GetRequiredService<CustomerErasure>().EraseAsync(_tenant.Name, id, "dpo@bank.example", "PIPL-2026-0099", CancellationToken.None);

        // A WeCom retry of an edit made before the erasure arrives afterwards: it is dropped.
        await PostAsync(host, _tenant.EventXml("change_external_contact", "edit_external_contact", at.AddMinutes(1), Contact("wangwu", "wmGone")));
        var later = DateTimeOffset.UtcNow.AddSeconds(5);
        await PostAsync(host, _tenant.AddExternalContactXml("wangwu", "wmGone", later, state: "qr-again"));

        var back = await Eventually.GetAsync(() => relationships.GetAsync(_tenant.Name, "wangwu", "wmGone", CancellationToken.None), "the new add applied");
        // Of the three raw events only the new add is left: the first add was erased, the late edit dropped with its raw copy.
        var probe = new StorageProbe(fixture.Azurite.ConnectionString());
        await Eventually.TrueAsync(async () => (await probe.StoredEventsAsync(_tenant.Name)).Count == 1, "the late edit dropped");
        Assert.Equal("qr-again", back.Value.State);
        var signals = await host.Services.GetRequiredService<ISignalInbox>().ListAsync(_tenant.Name, id, CancellationToken.None).ToListAsync();
        Assert.DoesNotContain(signals, s => s.Kind == SignalKinds.ProfileRefreshDue);
    }

    [Fact]
    public async Task The_retention_purge_deletes_raw_events_older_than_the_period_and_keeps_newer_ones()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Retention:RawEvents"] = "2.00:00:00", ["Local:QueueWorkers"] = "false" });
        var events = host.Services.GetRequiredService<ICallbackEventStore>();
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, age) in new[] { ("a0", 5), ("b0", 3), ("c0", 1), ("d0", 0) })
        {
            var created = now.AddDays(-age);
            await events.AddAsync(new StoredCallbackEvent(_tenant.Name, key + new string('0', 62), "k", created, created, "<xml/>"), now, now, CancellationToken.None);
        }

        var purged = await host.Services.GetRequiredService<RawEventRetention>().PurgeAsync(CancellationToken.None);

        Assert.Equal(2, purged);
        var left = await new StorageProbe(fixture.Azurite.ConnectionString()).StoredEventsAsync(_tenant.Name);
        Assert.Equal(["c0", "d0"], left.Select(e => e.RowKey[2..4]).Order());
        Assert.Equal(2, await new StorageProbe(fixture.Azurite.ConnectionString()).PendingCountAsync(_tenant.Name));
    }
}
