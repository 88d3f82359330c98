using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Campaigns;

/// <summary>The campaign counters on Azurite: batches and dispatches count each customer once, whatever is retried.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollCountsTests(AzuriteFixture fixture)
{
    private readonly string _tenant = "bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();
    private readonly string _campaign = "payroll|E-1|2026-11";

    private TablePayrollCounts Counts() =>
        new(new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() })));

    [Fact]
    public async Task A_batch_counts_each_customer_once_across_overlapping_and_repeated_batches()
    {
        var counts = Counts();
        var first = Enumerable.Range(0, 300).Select(i => $"c{i:D4}").ToList(); // more than one transaction's worth in some shards
        var second = Enumerable.Range(200, 200).Select(i => $"c{i:D4}").ToList(); // 100 new, 100 counted before

        Assert.Equal(300, await counts.CountManyAsync(_tenant, _campaign, PayrollMetrics.Enrolled, [.. first, .. first.Take(5)], CancellationToken.None));
        Assert.Equal(100, await counts.CountManyAsync(_tenant, _campaign, PayrollMetrics.Enrolled, second, CancellationToken.None));
        Assert.Equal(0, await counts.CountManyAsync(_tenant, _campaign, PayrollMetrics.Enrolled, second, CancellationToken.None));
        Assert.False(await counts.CountAsync(_tenant, _campaign, PayrollMetrics.Enrolled, "c0042", CancellationToken.None));
        Assert.True(await counts.CountAsync(_tenant, _campaign, PayrollMetrics.Enrolled, "c9999", CancellationToken.None));

        Assert.Equal(401, (await counts.ReadAsync(_tenant, _campaign, CancellationToken.None))[PayrollMetrics.Enrolled]);
    }

    [Fact]
    public async Task A_dispatch_counts_its_touches_once_and_reaches_only_customers_no_earlier_dispatch_reached()
    {
        var counts = Counts();
        var welfare = Enumerable.Range(0, 150).Select(i => ($"c{i:D4}", "welfare")).ToList();
        var quiz = Enumerable.Range(100, 100).Select(i => ($"c{i:D4}", "quiz")).ToList(); // 50 reached by welfare, 50 new

        await counts.CountDispatchAsync(_tenant, _campaign, "am1", "d-welfare", welfare, CancellationToken.None);
        await counts.CountDispatchAsync(_tenant, _campaign, "am1", "d-welfare", welfare, CancellationToken.None); // retried after a crash
        await counts.CountDispatchAsync(_tenant, _campaign, "am1", "d-quiz", quiz, CancellationToken.None);

        var read = await counts.ReadAsync(_tenant, _campaign, CancellationToken.None);
        Assert.Equal(150, read[PayrollMetrics.Sent("welfare")]);
        Assert.Equal(100, read[PayrollMetrics.Sent("quiz")]);
        Assert.Equal(200, read[PayrollMetrics.Reached]);
    }

    [Fact]
    public async Task Two_dispatches_racing_for_the_same_new_customers_reach_each_of_them_once()
    {
        var counts = Counts();
        var customers = Enumerable.Range(0, 120).Select(i => $"c{i:D4}").ToList();

        await Task.WhenAll(
            counts.CountDispatchAsync(_tenant, _campaign, "am1", "d-a", [.. customers.Select(c => (c, "welfare"))], CancellationToken.None),
            counts.CountDispatchAsync(_tenant, _campaign, "am1", "d-b", [.. customers.Select(c => (c, "quiz"))], CancellationToken.None));

        var read = await counts.ReadAsync(_tenant, _campaign, CancellationToken.None);
        Assert.Equal((120L, 120L, 120L), (read[PayrollMetrics.Sent("welfare")], read[PayrollMetrics.Sent("quiz")], read[PayrollMetrics.Reached]));
    }
}
