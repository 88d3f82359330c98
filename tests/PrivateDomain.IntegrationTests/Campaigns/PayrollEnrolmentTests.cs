using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Campaigns;

/// <summary>
/// A payroll campaign's enrolment in cohort mode (what the campaign orchestration's activities do on Azure, page by page)
/// on the local host's services over Azurite: small pages, many managers, so each page's customers belong to many
/// managers — and still each manager's members are written together, once, with the indexes their cohort runs on.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollEnrolmentTests(AzuriteFixture fixture)
{
    private const string Employer = "E-ACME";
    private const int Managers = 24;
    private const int PerManager = 10;
    private const int WithoutManager = 4;
    private const int PageSize = 20; // a page holds about two customers of each manager it meets

    private static readonly DateTimeOffset OpeningMorning = new(2026, 11, 12, 9, 0, 0, TimeSpan.FromHours(8)); // payday Thu 19 Nov: D-5

    private readonly TestTenant _tenant = TestTenant.Create("enr" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    [Fact]
    public async Task Each_managers_members_are_enrolled_in_one_write_however_the_pages_cut_the_cohort()
    {
        var states = new CountingStates();
        await using var host = await StartAsync(states);
        var campaign = await SeedAndStartAsync(host);

        var (sizes, _) = await EnrolAsync(host, campaign, retryEachPage: false);

        await AssertEnrolledOnceAsync(host, campaign, sizes);
        // 240 customers in pages of 20 over 24 managers: straight from the pages, a manager's 10 customers would come in
        // about 10 writes. Sorted first, each manager's come in one (10 members, under a transaction's 100).
        Assert.Equal(Managers, states.Writes.Count);
        Assert.All(states.Writes, w => Assert.Equal(1, w.Value));
    }

    [Fact]
    public async Task A_page_run_again_after_its_answer_was_lost_or_after_a_crash_among_its_writes_enrols_each_customer_once_at_the_same_index()
    {
        var states = new CountingStates { FailAfter = 5 }; // the first staged page dies after 5 of its managers' writes
        await using var host = await StartAsync(states);
        var campaign = await SeedAndStartAsync(host);

        var (sizes, pages) = await EnrolAsync(host, campaign, retryEachPage: true);

        Assert.True(states.Failed, "the crash happened");
        Assert.True(pages > (Managers * PerManager + WithoutManager) / PageSize, $"{pages} pages");
        await AssertEnrolledOnceAsync(host, campaign, sizes);
    }

    [Fact]
    public async Task A_campaign_stopped_between_the_two_passes_enrols_nobody_and_leaves_no_staged_rows()
    {
        var states = new CountingStates();
        await using var host = await StartAsync(states);
        var campaign = await SeedAndStartAsync(host);
        var enrolment = host.Services.GetRequiredService<PayrollCohortEnrolment>();

        var page = new PayrollEnrolmentResult(null, false, false, new Dictionary<string, int>(StringComparer.Ordinal), 0, 0);
        do
        {
            page = await enrolment.EnrolPageAsync(new PayrollEnrolmentPage(_tenant.Name, campaign.CampaignId, page.Next, page.Sizes, OpeningMorning), CancellationToken.None);
        }
        while (page.Next!.StartsWith("i:", StringComparison.Ordinal)); // until the whole index is staged
        Assert.Equal(Managers * PerManager, await StagedRowsAsync(host));

        var runs = host.Services.GetRequiredService<IPayrollCampaignRuns>();
        var (run, etag) = (await runs.GetRunAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None))!.Value;
        Assert.True(await runs.TryUpdateRunAsync(run with { Status = PayrollCampaignStatus.Stopped, StoppedAt = OpeningMorning, StoppedBy = "ops" }, etag, CancellationToken.None));

        var stopped = await enrolment.EnrolPageAsync(new PayrollEnrolmentPage(_tenant.Name, campaign.CampaignId, page.Next, page.Sizes, OpeningMorning), CancellationToken.None);

        Assert.True(stopped is { Done: true, Stopped: true, Enrolled: 0 });
        Assert.Empty(states.Writes);
        Assert.Equal(0, await StagedRowsAsync(host));
    }

    private async Task<LocalHostInstance> StartAsync(CountingStates states) =>
        await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], new Dictionary<string, string?>
        {
            ["Local:QueueWorkers"] = "false",
            ["Local:PayrollRun"] = "false",
            ["Payroll:FanOut:CohortPageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, services =>
        {
            var clock = JourneyClock.Manual(OpeningMorning);
            services.AddSingleton(clock);
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<PayrollCohortEnrolment>();
            services.AddSingleton<ICohortStates>(sp => states.Over(new TableCohortStates(sp.GetRequiredService<StorageClients>())));
        });

    // The employer's cohort: managers' customers interleaved in the index, some without a manager.
    private async Task<PayrollCampaign> SeedAndStartAsync(LocalHostInstance host)
    {
        var at = OpeningMorning.AddDays(-60);
        var services = host.Services;
        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), CancellationToken.None);
        await Parallel.ForEachAsync(Enumerable.Range(0, (Managers * PerManager) + WithoutManager), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var id = $"c{i:D4}";
            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(
                Customer.New(_tenant.Name, id, at) with { ExternalUserIds = ["wm" + id], Payroll = new PayrollEnrolment(Employer, "day:19") }, ct));
            if (i >= WithoutManager)
            {
                Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                    new Relationship(_tenant.Name, ManagerOf(i), "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, ct));
            }
        });
        var started = Assert.Single((await services.GetRequiredService<PayrollCampaignScheduler>().RunAsync(_tenant.Name, CancellationToken.None)).Started);
        return (await services.GetRequiredService<IPayrollCampaigns>().GetAsync(_tenant.Name, started.CampaignId, CancellationToken.None))!;
    }

    private static string ManagerOf(int i) => $"am{(i - WithoutManager) % Managers:D2}";

    // The orchestration's loop: a page per call, the cursor and sizes carried. A retried page is called again with the
    // same input after the first call's answer is thrown away (or after it threw).
    private async Task<(IReadOnlyDictionary<string, int> Sizes, int Pages)> EnrolAsync(LocalHostInstance host, PayrollCampaign campaign, bool retryEachPage)
    {
        var enrolment = host.Services.GetRequiredService<PayrollCohortEnrolment>();
        string? cursor = null;
        IReadOnlyDictionary<string, int> sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var pages = 1; ; pages++)
        {
            var input = new PayrollEnrolmentPage(_tenant.Name, campaign.CampaignId, cursor, sizes, OpeningMorning.AddMinutes(pages));
            var page = await RunAsync(input);
            if (retryEachPage)
            {
                page = await RunAsync(input);
            }

            Assert.False(page.Stopped);
            if (page.Done)
            {
                return (page.Sizes, pages);
            }

            (cursor, sizes) = (page.Next, page.Sizes);
        }

        async Task<PayrollEnrolmentResult> RunAsync(PayrollEnrolmentPage input)
        {
            try
            {
                return await enrolment.EnrolPageAsync(input, CancellationToken.None);
            }
            catch (IOException)
            {
                return await enrolment.EnrolPageAsync(input, CancellationToken.None); // the activity's retry
            }
        }
    }

    private async Task AssertEnrolledOnceAsync(LocalHostInstance host, PayrollCampaign campaign, IReadOnlyDictionary<string, int> sizes)
    {
        var states = host.Services.GetRequiredService<ICohortStates>();
        var seen = new List<string>();
        for (var m = 0; m < Managers; m++)
        {
            var manager = $"am{m:D2}";
            Assert.Equal(PerManager, sizes[manager]);
            var members = await states.ReadAsync(PayrollCohortEnrolment.CohortOf(campaign, manager), 0, 1_000, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, PerManager), members.Select(s => s.Member.Index)); // the indexes the cohort runs on
            Assert.All(members, s => Assert.Equal(manager, ManagerOf(int.Parse(s.Member.State.CustomerId[1..], System.Globalization.CultureInfo.InvariantCulture))));
            seen.AddRange(members.Select(s => s.Member.State.CustomerId));
        }

        Assert.Equal(Managers, sizes.Count);
        Assert.Equal(Managers * PerManager, seen.Distinct(StringComparer.Ordinal).Count());
        var counted = await host.Services.GetRequiredService<IPayrollCounts>().ReadAsync(_tenant.Name, campaign.CampaignId, CancellationToken.None);
        Assert.Equal((Managers * PerManager, WithoutManager), ((int)counted[PayrollMetrics.Enrolled], (int)counted[PayrollMetrics.NoManager]));
        Assert.Equal(0, await StagedRowsAsync(host));
    }

    private async Task<int> StagedRowsAsync(LocalHostInstance host)
    {
        var table = await host.Services.GetRequiredService<StorageClients>().TableAsync(TablePayrollEnrolmentStaging.TableName, CancellationToken.None);
        var prefix = $"{_tenant.Name}|";
        var rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(prefix) >= 0 && e.PartitionKey.CompareTo(_tenant.Name + "}") < 0, select: ["RowKey"]))
        {
            rows++;
        }

        return rows;
    }

    /// <summary>Counts each cohort's member writes; can die once, after a number of them, as a crashed activity would.</summary>
    private sealed class CountingStates
    {
        private int _writes;
        public ConcurrentDictionary<string, int> Writes { get; } = new(StringComparer.Ordinal);

        public int FailAfter { get; init; } = -1;

        private int _failed;

        public bool Failed => Volatile.Read(ref _failed) == 1;

        public ICohortStates Over(ICohortStates inner) => new Counting(this, inner);

        private sealed class Counting(CountingStates owner, ICohortStates inner) : ICohortStates
        {
            public async Task<int> AddAsync(CohortKey cohort, IReadOnlyList<CohortMember> members, CancellationToken cancellationToken)
            {
                if (Interlocked.Increment(ref owner._writes) > owner.FailAfter && owner.FailAfter >= 0 && Interlocked.Exchange(ref owner._failed, 1) == 0)
                {
                    throw new IOException("the activity died among its writes");
                }

                var added = await inner.AddAsync(cohort, members, cancellationToken);
                if (added > 0)
                {
                    owner.Writes.AddOrUpdate(cohort.SenderId, 1, (_, n) => n + 1);
                }

                return added;
            }

            public Task<IReadOnlyList<StoredCohortMember>> ReadAsync(CohortKey cohort, int from, int count, CancellationToken cancellationToken) =>
                inner.ReadAsync(cohort, from, count, cancellationToken);

            public Task<bool> TrySaveAsync(CohortKey cohort, IReadOnlyList<StoredCohortMember> members, CancellationToken cancellationToken) =>
                inner.TrySaveAsync(cohort, members, cancellationToken);

            public Task<CohortMember?> FindAsync(string tenant, string customerId, string instanceId, CancellationToken cancellationToken) =>
                inner.FindAsync(tenant, customerId, instanceId, cancellationToken);
        }
    }
}
