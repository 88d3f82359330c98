using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>
/// A payroll campaign's enrolment decides each customer of the employer's cohort index with one point read: the
/// customer's active-manager row, which carries the employer their payroll enrolment names. Every way the employer gets
/// there is covered — a profile written before or after the relationships, a change of employer, a bulk import — and
/// the row says "not known" (the profile decides) whenever a profile write did not finish.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EnrolmentFactsTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _tenant = "ef" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
    private readonly StorageRequestCounter _requests = new() { CountEntities = false };
    private StorageClients? _clients;

    private StorageClients Clients => _clients ??= new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }), _requests);

    [Fact]
    public async Task Enrolment_reads_the_employer_beside_the_active_manager_and_the_profile_only_when_a_write_did_not_finish()
    {
        var profiles = new TableCustomerStore(Clients);
        var relationships = new TableRelationshipStore(Clients);
        var pool = new CustomerPool(profiles);

        // c1: profile first, then the relationship. c2: the relationship first (a contact the pool had not imported), then
        // the profile. Both are decided without reading a profile.
        Assert.True(await profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));
        Assert.True(await relationships.TryWriteAsync(Relationship("c2", "lisi", At), null, CancellationToken.None));
        Assert.True(await profiles.TryInsertAsync(Profile("c2", "E-ACME"), CancellationToken.None));
        Assert.Equal([(true, "zhangsan"), (true, "lisi")], await DecideAsync(relationships, profiles, "E-ACME", expectedProfileReads: 0, "c1", "c2"));
        Assert.Equal([(false, null), (false, null)], await DecideAsync(relationships, profiles, "E-OTHER", expectedProfileReads: 0, "c1", "c2"));

        // c1 moves to another employer (a CRM update): in the new employer's cohort, out of the old one's.
        await pool.UpdateAsync(_tenant, "c1", c => c with { Payroll = new PayrollEnrolment("E-OTHER", "day:10") }, CancellationToken.None);
        Assert.Equal([(false, null)], await DecideAsync(relationships, profiles, "E-ACME", expectedProfileReads: 0, "c1"));
        Assert.Equal([(true, "zhangsan")], await DecideAsync(relationships, profiles, "E-OTHER", expectedProfileReads: 0, "c1"));

        // Another manager adds c1 later and becomes the active one: the employer stays beside the new manager.
        Assert.True(await relationships.TryWriteAsync(Relationship("c1", "wangwu", At.AddDays(3)), null, CancellationToken.None));
        Assert.Equal([(true, "wangwu")], await DecideAsync(relationships, profiles, "E-OTHER", expectedProfileReads: 0, "c1"));

        // A change of employer whose profile write does not land (another writer got there first): the row no longer
        // vouches for any employer, so the profile decides, and still says E-OTHER.
        var stored = (await profiles.GetAsync(_tenant, "c1", CancellationToken.None))!;
        Assert.False(await profiles.TryReplaceAsync(stored.Value, stored.Value with { Payroll = new PayrollEnrolment("E-THIRD", "day:10") }, "W/\"datetime'2020-01-01T00%3A00%3A00Z'\"",
            CancellationToken.None));
        Assert.Equal([(true, "wangwu")], await DecideAsync(relationships, profiles, "E-OTHER", expectedProfileReads: 1, "c1"));
        Assert.Equal([(false, null)], await DecideAsync(relationships, profiles, "E-THIRD", expectedProfileReads: 1, "c1"));

        // A bulk import (the initial load) writes the employer beside the row too, for a customer already in a book and
        // for one whose relationship comes later.
        await new CustomerBulkImport(Clients).ImportAsync(new[] { Profile("c2", "E-IMPORT"), Profile("c3", "E-IMPORT") }.ToAsyncEnumerable(), null, CancellationToken.None);
        Assert.True(await relationships.TryWriteAsync(Relationship("c3", "zhaoliu", At), null, CancellationToken.None));
        Assert.Equal([(true, "lisi"), (true, "zhaoliu")], await DecideAsync(relationships, profiles, "E-IMPORT", expectedProfileReads: 0, "c2", "c3"));
        Assert.Equal([(false, null)], await DecideAsync(relationships, profiles, "E-ACME", expectedProfileReads: 0, "c2"));

        // A customer of the employer without a manager is in the cohort, without one; an erased customer (no rows) is not.
        Assert.True(await profiles.TryInsertAsync(Profile("c4", "E-ACME"), CancellationToken.None));
        Assert.Equal([(true, null), (false, null)], await DecideAsync(relationships, profiles, "E-ACME", expectedProfileReads: 1, "c4", "c-erased"));
    }

    private async Task<List<(bool, string?)>> DecideAsync(
        TableRelationshipStore relationships, TableCustomerStore profiles, string employer, int expectedProfileReads, params string[] ids)
    {
        var before = _requests.Snapshot();
        var decided = new List<(bool, string?)>();
        foreach (var id in ids)
        {
            decided.Add(await PayrollFanOut.CohortMemberAsync(relationships, profiles, _tenant, id, employer, CancellationToken.None));
        }

        var profileReads = _requests.Snapshot().Since(before).Requests.Where(r => r.Key.Resource == TableCustomerStore.CustomersTable).Sum(r => r.Value);
        Assert.True(expectedProfileReads == profileReads, $"{expectedProfileReads} profile read(s) expected deciding {string.Join(", ", ids)} for {employer}, {profileReads} made");
        return decided;
    }

    private Customer Profile(string id, string employer) => Customer.New(_tenant, id, At) with
    {
        ExternalUserIds = ["wm-" + id],
        Payroll = new PayrollEnrolment(employer, "day:10"),
    };

    private Relationship Relationship(string customerId, string userId, DateTimeOffset at) =>
        new(_tenant, userId, "wm-" + customerId, customerId, at, null, null, null, RelationshipStatus.Active, at, null);
}
