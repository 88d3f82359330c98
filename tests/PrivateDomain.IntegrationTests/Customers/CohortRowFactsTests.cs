using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>
/// A payroll campaign's enrolment decides each customer from the employer's cohort index page it read: the row carries
/// the customer's active manager and whether the profile was confirmed to name the employer, so a settled customer costs
/// no read at all. Every way the facts get there is covered — a profile written before or after the relationships, a
/// change of employer or of manager, a bulk import — and a row that does not know (a write that did not finish) sends
/// enrolment to the active-manager row and the profile, which decide as before. Nothing recreates an erased row.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CohortRowFactsTests(AzuriteFixture fixture)
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _tenant = "cr" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
    private readonly StorageRequestCounter _requests = new() { CountEntities = false };
    private StorageClients? _clients;

    private StorageClients Clients => _clients ??= new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() }), _requests);

    private TableCustomerStore Profiles => new(Clients);

    private TableRelationshipStore Relationships => new(Clients);

    [Fact]
    public async Task A_profile_written_before_its_relationship_is_enrolled_from_the_row_without_a_read()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));

        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
    }

    [Fact]
    public async Task A_relationship_written_before_its_profile_is_enrolled_from_the_row_without_a_read()
    {
        Assert.True(await Relationships.TryWriteAsync(Relationship("c2", "lisi", At), null, CancellationToken.None));
        Assert.True(await Profiles.TryInsertAsync(Profile("c2", "E-ACME"), CancellationToken.None));

        Assert.Equal([("c2", true, "lisi")], await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
    }

    [Fact]
    public async Task A_customer_of_the_employer_without_a_manager_is_enrolled_without_one_once_a_relationship_ended()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        var zhang = Relationship("c1", "zhangsan", At);
        Assert.True(await Relationships.TryWriteAsync(zhang, null, CancellationToken.None));
        var stored = (await Relationships.GetAsync(_tenant, "zhangsan", zhang.ExternalUserId, CancellationToken.None))!;
        Assert.True(await Relationships.TryWriteAsync(stored.Value with { Status = RelationshipStatus.DeletedByCustomer, StatusAt = At.AddDays(1) }, stored.ETag,
            CancellationToken.None));

        Assert.Equal([("c1", true, null)], await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
    }

    [Fact]
    public async Task A_change_of_employer_moves_the_customer_to_the_new_cohort_and_out_of_the_old_one_without_reads()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));

        await new CustomerPool(Profiles).UpdateAsync(_tenant, "c1", c => c with { Payroll = new PayrollEnrolment("E-OTHER", "day:10") }, CancellationToken.None);

        Assert.Empty(await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-OTHER", relationshipReads: 0, profileReads: 0));
    }

    [Fact]
    public async Task A_new_active_manager_is_the_one_enrolment_finds_on_the_row()
    {
        // The row learns 张三 when the profile write confirms it; then 王五 becomes the active manager.
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));

        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "wangwu", At.AddDays(3)), null, CancellationToken.None));

        Assert.Equal([("c1", true, "wangwu")], await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
    }

    [Fact]
    public async Task A_change_of_employer_whose_profile_write_did_not_land_leaves_both_rows_unconfirmed_and_the_profile_decides()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));
        var stored = (await Profiles.GetAsync(_tenant, "c1", CancellationToken.None))!;

        // Another writer got there first (a stale ETag): the rows the change added and the one it was removing are left.
        Assert.False(await Profiles.TryReplaceAsync(stored.Value, stored.Value with { Payroll = new PayrollEnrolment("E-THIRD", "day:10") },
            "W/\"datetime'2020-01-01T00%3A00%3A00Z'\"", CancellationToken.None));

        Assert.Equal([("c1", false, null)], await EnrolAsync("E-THIRD", relationshipReads: 1, profileReads: 1));
        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-ACME", relationshipReads: 1, profileReads: 1));
    }

    [Fact]
    public async Task A_profile_write_cut_short_before_its_confirmation_sends_enrolment_to_the_profile()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));

        // As a crash after the profile write leaves them: the index row not confirmed, the employer beside the
        // active-manager row not known.
        var index = await Clients.TableAsync(TableCustomerStore.IndexTable, CancellationToken.None);
        await index.UpdateEntityAsync(new TableEntity(CohortPartition("E-ACME", "c1"), "c1") { ["EmployerConfirmed"] = false }, ETag.All, TableUpdateMode.Merge);
        var relationships = await Clients.TableAsync(TableRelationshipStore.TableName, CancellationToken.None);
        await relationships.UpdateEntityAsync(new TableEntity($"{_tenant}|cust|{CustomerIds.Bucket("c1")}", "c1") { ["EmployerKnown"] = false }, ETag.All,
            TableUpdateMode.Merge);

        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-ACME", relationshipReads: 1, profileReads: 1));
    }

    [Fact]
    public async Task A_bulk_import_then_the_relationships_leaves_every_row_knowing_so_enrolment_reads_nothing_per_customer()
    {
        var ids = Enumerable.Range(0, 12).Select(i => $"c{i:D2}").ToList();
        await new CustomerBulkImport(Clients).ImportAsync(ids.Select(id => Profile(id, "E-IMPORT")).ToAsyncEnumerable(), null, CancellationToken.None);
        // Before any relationship the rows are confirmed but cannot know the manager: the active-manager row (which holds
        // only the employer) and the customer's key rows are read, as before issue 15.
        Assert.Equal(ids.Select(id => (id, true, (string?)null)).Order(), (await EnrolAsync("E-IMPORT", relationshipReads: 24, profileReads: 0)).Order());

        foreach (var id in ids)
        {
            Assert.True(await Relationships.TryWriteAsync(Relationship(id, "m" + id, At), null, CancellationToken.None));
        }

        Assert.Equal(ids.Select(id => (id, true, (string?)("m" + id))).Order(), (await EnrolAsync("E-IMPORT", relationshipReads: 0, profileReads: 0)).Order());
    }

    [Fact]
    public async Task A_re_import_that_moves_a_customer_to_another_employer_removes_the_old_row()
    {
        Assert.True(await Profiles.TryInsertAsync(Profile("c1", "E-ACME"), CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));

        await new CustomerBulkImport(Clients).ImportAsync(new[] { Profile("c1", "E-IMPORT") }.ToAsyncEnumerable(), null, CancellationToken.None);

        Assert.Empty(await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
        Assert.Equal([("c1", true, "zhangsan")], await EnrolAsync("E-IMPORT", relationshipReads: 1, profileReads: 0));
    }

    [Fact]
    public async Task An_erased_customer_is_not_enrolled_and_a_late_relationship_write_does_not_recreate_the_row()
    {
        var profile = Profile("c1", "E-ACME");
        Assert.True(await Profiles.TryInsertAsync(profile, CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "zhangsan", At), null, CancellationToken.None));

        // The erasure has removed the profile and its index rows, not yet the relationships, when another manager's add
        // lands: its active-manager row still names the employer, and the merge onto the cohort row must not bring it back.
        Assert.True(await new TableCustomerErasureStore(Clients).DeleteProfileAsync(profile, CancellationToken.None));
        Assert.True(await Relationships.TryWriteAsync(Relationship("c1", "wangwu", At.AddDays(3)), null, CancellationToken.None));

        Assert.Empty(await EnrolAsync("E-ACME", relationshipReads: 0, profileReads: 0));
        var index = await Clients.TableAsync(TableCustomerStore.IndexTable, CancellationToken.None);
        Assert.False((await index.GetEntityIfExistsAsync<TableEntity>(CohortPartition("E-ACME", "c1"), "c1")).HasValue);
    }

    // Reads the employer's cohort (as both drivers do) and decides each customer with the drivers' shared decision,
    // asserting the point reads that took beyond the page itself.
    private async Task<List<(string Id, bool InCohort, string? Manager)>> EnrolAsync(string employer, int relationshipReads, int profileReads)
    {
        var page = await new TablePayrollCohort(Clients).PageAsync(_tenant, employer, null, 500, CancellationToken.None);
        var before = _requests.Snapshot();
        var decided = new List<(string, bool, string?)>();
        foreach (var member in page.Members)
        {
            var (inCohort, manager) = await PayrollFanOut.CohortMemberAsync(Relationships, Profiles, _tenant, member, employer, CancellationToken.None);
            decided.Add((member.CustomerId, inCohort, manager));
        }

        var made = _requests.Snapshot().Since(before).Requests;
        long Of(string table) => made.Where(r => r.Key.Resource == table).Sum(r => r.Value);
        Assert.True((relationshipReads, profileReads) == (Of(TableRelationshipStore.TableName), Of(TableCustomerStore.CustomersTable)),
            $"{relationshipReads} relationship and {profileReads} profile read(s) expected enrolling {employer}; {Of(TableRelationshipStore.TableName)} and "
            + $"{Of(TableCustomerStore.CustomersTable)} made");
        return decided;
    }

    private string CohortPartition(string employer, string customerId) => TableCustomerStore.TagPartition(_tenant, TableCustomerStore.PayrollTag(employer), customerId);

    private Customer Profile(string id, string employer) => Customer.New(_tenant, id, At) with
    {
        ExternalUserIds = ["wm-" + id],
        Payroll = new PayrollEnrolment(employer, "day:10"),
    };

    private Relationship Relationship(string customerId, string userId, DateTimeOffset at) =>
        new(_tenant, userId, "wm-" + customerId + "-" + userId, customerId, at, null, null, null, RelationshipStatus.Active, at, null);
}
