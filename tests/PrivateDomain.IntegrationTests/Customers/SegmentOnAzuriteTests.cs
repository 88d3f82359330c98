using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Customers;

/// <summary>Segments evaluated through the Table Storage tag index on a few thousand generated profiles.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SegmentOnAzuriteTests(AzuriteFixture fixture)
{
    private readonly string _tenant = "seg" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant();

    private List<Customer> Generate(int count)
    {
        var random = new Random(42);
        string[] tags = ["代发", "白领", "个体户", "农户", "deleted-us", "replied"];
        var at = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, count).Select(i =>
        {
            var id = CustomerIds.FromCrmId(_tenant, "C" + i);
            var chosen = tags.Where(_ => random.NextDouble() < 0.3).Select(t => new CustomerTag(t, t is "deleted-us" or "replied" ? TagKind.Dynamic : TagKind.Static, "test", at)).ToList();
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["aum"] = random.Next(0, 200_000).ToString(CultureInfo.InvariantCulture),
                ["region"] = random.Next(3) switch { 0 => "杭州", 1 => "宁波", _ => "温州" },
            };
            return Customer.New(_tenant, id, at) with
            {
                CrmId = "C" + i,
                ExternalUserIds = ["wm" + i],
                Attributes = attributes,
                Products = random.Next(4) == 0 ? ["fund-A"] : [],
                Tags = chosen,
                CrmVersion = 1,
            };
        }).ToList();
    }

    [Theory]
    [InlineData("tag:代发 AND aum>=50000 AND NOT tag:deleted-us")]
    [InlineData("(tag:白领 OR tag:个体户) AND region=杭州")]
    [InlineData("tag:农户 AND NOT product:fund-A")]
    [InlineData("aum<1000")]
    public async Task A_segment_returns_exactly_the_matching_customers(string text)
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        var pool = Generate(3000);
        await host.Services.GetRequiredService<CustomerBulkImport>().ImportAsync(pool.ToAsyncEnumerable(), null, CancellationToken.None);
        var query = SegmentQuery.Parse(text);

        var plan = SegmentPlan.For(query, new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true });
        var found = await host.Services.GetRequiredService<SegmentEvaluator>().MatchAsync(_tenant, plan).ToListAsync();

        var expected = pool.Where(query.Matches).Select(c => c.Id).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Order().ToList());
    }

    [Fact]
    public async Task An_opportunity_list_puts_each_matching_customer_on_their_active_account_managers_lists()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });
        var pool = Generate(200);
        await host.Services.GetRequiredService<CustomerBulkImport>().ImportAsync(pool.ToAsyncEnumerable(), null, CancellationToken.None);
        var relationships = host.Services.GetRequiredService<IRelationshipStore>();
        var at = DateTimeOffset.UtcNow;
        for (var i = 0; i < pool.Count; i++)
        {
            // Every customer has am-even or am-odd; every fifth also had am-gone, who was deleted by the customer.
            var c = pool[i];
            await relationships.TryWriteAsync(new Relationship(_tenant, i % 2 == 0 ? "am-even" : "am-odd", c.ExternalUserIds[0], c.Id, at, null, null, null,
                i % 7 == 0 ? RelationshipStatus.DeletedByCustomer : RelationshipStatus.Active, at, null), null, CancellationToken.None);
            if (i % 5 == 0)
            {
                await relationships.TryWriteAsync(new Relationship(_tenant, "am-gone", c.ExternalUserIds[0], c.Id, at, null, null, null,
                    RelationshipStatus.DeletedByCustomer, at, null), null, CancellationToken.None);
            }
        }

        var query = SegmentQuery.Parse("tag:代发 AND aum>=50000");
        var summary = await host.Services.GetRequiredService<OpportunityLists>().BuildAsync(_tenant, "payroll-nov", query, CancellationToken.None);

        var matching = Enumerable.Range(0, pool.Count).Where(i => query.Matches(pool[i])).ToList();
        Assert.Equal(matching.Count, summary.Matched);
        Assert.Equal(matching.Count(i => i % 7 == 0), summary.Unassigned);
        var even = await host.Services.GetRequiredService<IOpportunityListStore>().ListAsync(_tenant, "payroll-nov", "am-even", CancellationToken.None).ToListAsync();
        Assert.Equal(matching.Where(i => i % 2 == 0 && i % 7 != 0).Select(i => pool[i].Id).Order(), even.Select(o => o.CustomerId).Order());
        Assert.False(summary.PerAccountManager.ContainsKey("am-gone"));
    }
}
