using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using static PrivateDomain.Tests.Customers.Segments.SegmentCustomers;

namespace PrivateDomain.Tests.Customers.Segments;

public sealed class SegmentEvaluatorTests
{
    private static readonly IReadOnlyList<Customer> Pool = Generate(3_000, seed: 20250301);

    private static readonly string[] QueryTexts =
    [
        "tag:代发 AND aum>=50000 AND NOT tag:deleted-us",
        "tag:vip OR tag:\"wealth club\"",
        "(tag:代发 OR tag:新客) AND region=sh",
        "tag:vip AND (tag:replied OR aum<1000)",
        "NOT (NOT tag:代发 OR tier:visitor)",
        "tag:aum:50k-200k AND product:理财 AND region=上海",
        "aum>100000 AND NOT tag:vip",
        "tier:prospect OR region!=bj",
        "tag:nobody-has-this",
    ];

    public static TheoryData<string> Queries => new(QueryTexts);

    public static TheoryData<string> IndexedQueries =>
    [
        "tag:代发 AND aum>=50000 AND NOT tag:deleted-us",
        "tag:vip OR tag:\"wealth club\"",
        "(tag:代发 OR tag:新客) AND region=sh",
        "NOT (NOT tag:代发 OR tier:visitor)",
    ];

    private static (SegmentEvaluator Evaluator, InMemoryTagIndex Index, InMemoryCustomerReader Reader) Over(
        IReadOnlyList<Customer> customers, bool indexProductsAndTiers = false)
    {
        var index = new InMemoryTagIndex(customers, indexProductsAndTiers);
        var reader = new InMemoryCustomerReader(customers);
        return (new SegmentEvaluator(index, reader), index, reader);
    }

    private static SegmentPlan Plan(string query) => SegmentPlan.For(SegmentQuery.Parse(query));

    private static HashSet<string> BruteForce(string query) =>
        [.. Pool.Where(SegmentQuery.Parse(query).Matches).Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task The_evaluator_returns_exactly_the_customers_a_brute_force_match_finds(string query)
    {
        var (evaluator, _, _) = Over(Pool);
        var ids = await evaluator.MatchAsync(Tenant, Plan(query)).ToListAsync();

        Assert.Equal(BruteForce(query).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_generated_pool_gives_every_query_shape_something_to_find() =>
        Assert.All(QueryTexts.Where(q => q != "tag:nobody-has-this"), q => Assert.NotEmpty(BruteForce(q)));

    [Theory]
    [MemberData(nameof(IndexedQueries))]
    public async Task A_customer_without_any_driving_tag_is_never_fetched(string query)
    {
        var (evaluator, index, reader) = Over(Pool);
        var plan = Plan(query);
        await evaluator.MatchAsync(Tenant, plan).ToListAsync();

        var driving = plan.DrivingTags!;
        var fetched = reader.Fetched.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(driving, index.TagsRead);
        Assert.Equal(0, reader.Scans);
        Assert.All(Pool.Where(c => fetched.Contains(c.Id)), c => Assert.Contains(driving, c.HasTag));
        Assert.True(fetched.Count < Pool.Count / 2, $"fetched {fetched.Count} of {Pool.Count}");
    }

    [Fact]
    public async Task A_query_without_driving_tags_scans_every_profile_once_and_reads_no_index()
    {
        var (evaluator, index, reader) = Over(Pool);
        await evaluator.MatchAsync(Tenant, Plan("aum>100000 AND NOT tag:vip")).ToListAsync();

        Assert.Equal(1, reader.Scans);
        Assert.Empty(index.TagsRead);
        Assert.Empty(reader.Fetched);
    }

    [Fact]
    public async Task A_customer_carrying_several_driving_tags_is_fetched_and_returned_once()
    {
        var both = Make("both", tags: ["A", "B"]);
        var (evaluator, _, reader) = Over([both, Make("a", tags: ["A"]), Make("b", tags: ["B"])]);
        var ids = await evaluator.MatchAsync(Tenant, Plan("tag:A OR tag:B")).ToListAsync();

        Assert.Equal(["a", "b", "both"], ids.Order(StringComparer.Ordinal));
        Assert.Single(reader.Fetched, "both");
    }

    [Fact]
    public async Task Profiles_are_fetched_in_batches_of_one_hundred()
    {
        var (evaluator, _, reader) = Over([.. Enumerable.Range(0, 250).Select(i => Make($"c{i}", tags: ["A"]))]);
        await evaluator.MatchAsync(Tenant, Plan("tag:A")).ToListAsync();

        Assert.Equal([100, 100, 50], reader.BatchSizes);
    }

    [Fact]
    public async Task The_batch_size_can_be_chosen()
    {
        var customers = Enumerable.Range(0, 7).Select(i => Make($"c{i}", tags: ["A"])).ToList();
        var reader = new InMemoryCustomerReader(customers);
        await new SegmentEvaluator(new InMemoryTagIndex(customers), reader, batchSize: 3).MatchAsync(Tenant, Plan("tag:A")).ToListAsync();

        Assert.Equal([3, 3, 1], reader.BatchSizes);
    }

    [Fact]
    public async Task A_stale_index_entry_whose_profile_no_longer_matches_is_dropped()
    {
        var (evaluator, index, _) = Over([Make("kept", tags: ["A"]), Make("untagged")]);
        index.Add("A", "untagged");

        Assert.Equal(["kept"], await evaluator.MatchAsync(Tenant, Plan("tag:A")).ToListAsync());
    }

    [Fact]
    public async Task An_index_entry_without_a_profile_is_skipped()
    {
        var (evaluator, index, _) = Over([Make("kept", tags: ["A"])]);
        index.Add("A", "gone");

        Assert.Equal(["kept"], await evaluator.MatchAsync(Tenant, Plan("tag:A")).ToListAsync());
    }

    [Fact]
    public async Task The_count_equals_the_number_of_matching_ids()
    {
        var (evaluator, _, _) = Over(Pool);
        const string Query = "tag:vip OR tag:\"wealth club\"";

        Assert.Equal(BruteForce(Query).Count, await evaluator.CountAsync(Tenant, Plan(Query)));
    }

    [Fact]
    public async Task Products_and_tiers_indexed_as_tags_drive_a_query_through_the_index()
    {
        var (evaluator, index, reader) = Over(Pool, indexProductsAndTiers: true);
        const string Query = "product:理财 AND aum>=50000 OR tier:visitor AND region=sh";
        var options = new SegmentPlanOptions { ProductsIndexedAsTags = true, TiersIndexedAsTags = true };
        var ids = await evaluator.MatchAsync(Tenant, SegmentPlan.For(SegmentQuery.Parse(Query), options)).ToListAsync();

        Assert.Equal(BruteForce(Query).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(["product:理财", "tier:visitor"], index.TagsRead);
        Assert.Equal(0, reader.Scans);
    }

    [Fact]
    public async Task Cancelling_stops_the_evaluation()
    {
        var (evaluator, _, _) = Over(Pool);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await evaluator.MatchAsync(Tenant, Plan("tag:vip"), cancellation.Token).ToListAsync());
    }

    [Fact]
    public void A_missing_tenant_is_refused_before_anything_is_read()
    {
        var (evaluator, index, reader) = Over(Pool);

        Assert.Throws<ArgumentException>(() => evaluator.MatchAsync("", Plan("tag:vip")));
        Assert.Empty(index.TagsRead);
        Assert.Equal(0, reader.Scans);
    }
}
