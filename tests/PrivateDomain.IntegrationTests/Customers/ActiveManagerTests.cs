using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>
/// Who sends a campaign's touches to a customer: their most recently active account manager, read at enrolment with one
/// point read of the row every relationship write keeps, and worked out from the customer's relationships when that
/// row is missing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ActiveManagerTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _tenant = "am" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();

    [Fact]
    public async Task The_most_recently_active_manager_sends_and_a_deletion_hands_the_customer_to_the_other_or_to_nobody()
    {
        var clients = new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }));
        var store = new TableRelationshipStore(clients);
        var zhang = Relationship("zhangsan", Start);
        var li = Relationship("lisi", Start.AddDays(3));
        Assert.True(await store.TryWriteAsync(zhang, null, CancellationToken.None));
        Assert.Equal("zhangsan", await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));
        Assert.True(await store.TryWriteAsync(li, null, CancellationToken.None));
        Assert.Equal("lisi", await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));

        // The customer deletes 李四: back to 张三; then 张三 too: nobody.
        await DeleteAsync(store, li, Start.AddDays(5));
        Assert.Equal("zhangsan", await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));
        await DeleteAsync(store, zhang, Start.AddDays(6));
        Assert.Null(await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));

        // 李四 adds them again. Without the active-manager row (relationships written before it existed), the answer is
        // worked out from the relationships and is the same.
        var back = li with { Status = RelationshipStatus.Active, StatusAt = Start.AddDays(8) };
        Assert.True(await store.TryWriteAsync(back, (await store.GetAsync(_tenant, "lisi", back.ExternalUserId, CancellationToken.None))!.ETag, CancellationToken.None));
        Assert.Equal("lisi", await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));
        var table = await clients.TableAsync(TableRelationshipStore.TableName, CancellationToken.None);
        await table.DeleteEntityAsync($"{_tenant}|cust|{CustomerIds.Bucket("c1")}", "c1");
        Assert.Equal("lisi", await store.ActiveManagerAsync(_tenant, "c1", CancellationToken.None));
        Assert.Null(await store.ActiveManagerAsync(_tenant, "c-nobody", CancellationToken.None));
    }

    private async Task DeleteAsync(TableRelationshipStore store, Relationship r, DateTimeOffset at)
    {
        var stored = (await store.GetAsync(_tenant, r.UserId, r.ExternalUserId, CancellationToken.None))!;
        Assert.True(await store.TryWriteAsync(stored.Value with { Status = RelationshipStatus.DeletedByCustomer, StatusAt = at }, stored.ETag, CancellationToken.None));
    }

    private Relationship Relationship(string userId, DateTimeOffset at) =>
        new(_tenant, userId, "wm-c1-" + userId, "c1", at, null, null, null, RelationshipStatus.Active, at, null);
}
