using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tests.Customers.Segments;

public sealed class SegmentPlanTests
{
    private static IReadOnlyList<string>? Driving(string query, SegmentPlanOptions? options = null) =>
        SegmentPlan.For(SegmentQuery.Parse(query), options).DrivingTags;

    [Fact]
    public void A_single_tag_drives_itself() =>
        Assert.Equal(["代发"], Driving("tag:代发"));

    [Fact]
    public void A_tag_ANDed_with_a_comparison_drives_the_query() =>
        Assert.Equal(["A"], Driving("tag:A AND x>1"));

    [Fact]
    public void The_issue_example_is_driven_by_its_positive_tag_only() =>
        Assert.Equal(["代发"], Driving("tag:代发 AND aum>=50000 AND NOT tag:deleted-us"));

    [Fact]
    public void An_OR_of_tags_drives_by_their_union() =>
        Assert.Equal(["A", "B"], Driving("tag:A OR tag:B"));

    [Fact]
    public void A_union_lists_each_tag_once() =>
        Assert.Equal(["A", "B"], Driving("tag:A OR tag:B OR tag:A"));

    [Fact]
    public void Without_estimates_an_AND_is_driven_by_the_side_with_fewer_tags() =>
        Assert.Equal(["A"], Driving("(tag:B OR tag:C) AND tag:A"));

    [Fact]
    public void Without_estimates_equal_sides_of_an_AND_go_to_the_first_conjunct() =>
        Assert.Equal(["A"], Driving("tag:A AND tag:B"));

    [Fact]
    public void With_estimates_an_AND_is_driven_by_the_side_with_fewer_members()
    {
        var sizes = new Dictionary<string, long> { ["A"] = 1_000_000, ["B"] = 300, ["C"] = 200 };
        Assert.Equal(["B", "C"], Driving("tag:A AND (tag:B OR tag:C)", new SegmentPlanOptions { EstimateMembers = t => sizes[t] }));
    }

    [Fact]
    public void An_AND_with_one_covered_side_is_driven_by_that_side() =>
        Assert.Equal(["B"], Driving("(tag:A OR x=1) AND tag:B"));

    [Theory]
    [InlineData("NOT tag:X")]
    [InlineData("aum>5")]
    [InlineData("tier:customer")]
    [InlineData("tag:A OR aum>5")]
    [InlineData("tag:A OR NOT tag:A")]
    [InlineData("NOT (tag:A AND tag:B)")]
    public void A_query_without_a_positive_tag_requirement_needs_a_full_scan(string query) =>
        Assert.Null(Driving(query));

    [Fact]
    public void A_double_negation_drives_by_the_inner_tag() =>
        Assert.Equal(["A"], Driving("NOT NOT tag:A"));

    [Fact]
    public void A_negated_OR_of_a_negated_tag_drives_by_that_tag() =>
        Assert.Equal(["A"], Driving("NOT (NOT tag:A OR x=1)"));

    [Fact]
    public void A_negated_AND_of_negated_tags_drives_by_their_union() =>
        Assert.Equal(["A", "B"], Driving("NOT (NOT tag:A AND NOT tag:B)"));

    [Fact]
    public void A_product_does_not_drive_unless_products_are_indexed_as_tags() =>
        Assert.Null(Driving("product:理财"));

    [Fact]
    public void A_product_indexed_as_a_tag_drives_by_its_product_tag() =>
        Assert.Equal(["product:理财", "vip"], Driving("product:理财 OR tag:vip", new SegmentPlanOptions { ProductsIndexedAsTags = true }));

    [Fact]
    public void A_negated_product_never_drives() =>
        Assert.Null(Driving("NOT product:理财", new SegmentPlanOptions { ProductsIndexedAsTags = true }));

    [Fact]
    public void A_tier_indexed_as_a_tag_drives_by_its_tier_tag() =>
        Assert.Equal(["tier:visitor"], Driving("tier:visitor AND region=sh", new SegmentPlanOptions { TiersIndexedAsTags = true }));

    [Fact]
    public void A_plan_describes_itself_for_logs()
    {
        Assert.Equal("index: A, B", SegmentPlan.For(SegmentQuery.Parse("tag:A OR tag:B")).ToString());
        Assert.Equal("full scan", SegmentPlan.For(SegmentQuery.Parse("aum>1")).ToString());
    }
}
