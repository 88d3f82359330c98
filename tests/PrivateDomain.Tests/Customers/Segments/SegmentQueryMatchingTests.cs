using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;
using static PrivateDomain.Tests.Customers.Segments.SegmentCustomers;

namespace PrivateDomain.Tests.Customers.Segments;

public sealed class SegmentQueryMatchingTests
{
    private static bool Matches(string query, Customer customer) => SegmentQuery.Parse(query).Matches(customer);

    private static Dictionary<string, string> Attrs(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void A_tag_term_matches_a_customer_carrying_the_tag() =>
        Assert.True(Matches("tag:代发", Make(tags: ["vip", "代发"])));

    [Fact]
    public void A_tag_term_does_not_match_a_customer_without_the_tag() =>
        Assert.False(Matches("tag:代发", Make(tags: ["vip"])));

    [Fact]
    public void Tag_names_compare_case_sensitively() =>
        Assert.False(Matches("tag:VIP", Make(tags: ["vip"])));

    [Fact]
    public void A_quoted_tag_with_a_space_matches_that_tag() =>
        Assert.True(Matches("tag:\"wealth club\"", Make(tags: ["wealth club"])));

    [Fact]
    public void A_product_term_matches_a_held_product_not_a_tag_of_that_name()
    {
        Assert.True(Matches("product:理财", Make(products: ["基金", "理财"])));
        Assert.False(Matches("product:理财", Make(tags: ["理财"])));
    }

    [Theory]
    [InlineData(false, false, "tier:visitor")]
    [InlineData(true, false, "tier:prospect")]
    [InlineData(true, true, "tier:customer")]
    public void A_customer_matches_only_the_tier_term_of_its_derived_tier(bool identified, bool holdsProduct, string expected)
    {
        var customer = Make(identified: identified, products: holdsProduct ? ["理财"] : []);
        string[] tiers = ["tier:visitor", "tier:prospect", "tier:customer"];
        Assert.Equal([expected], tiers.Where(t => Matches(t, customer)));
    }

    [Theory]
    [InlineData("aum>=50000", true)]
    [InlineData("aum>52000.5", false)]
    [InlineData("aum>=52000.5", true)]
    [InlineData("aum<52000.51", true)]
    [InlineData("aum<=52000.49", false)]
    [InlineData("aum>-1", true)]
    [InlineData("aum=52000.5", true)]
    [InlineData("aum!=52000.5", false)]
    [InlineData("aum!=52000", true)]
    public void Comparisons_with_numbers_use_decimal_values(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, Make(attributes: Attrs(("aum", "52000.50")))));

    [Fact]
    public void Equality_is_numeric_when_both_sides_are_numbers() =>
        Assert.True(Matches("aum=50000", Make(attributes: Attrs(("aum", "50000.00")))));

    [Theory]
    [InlineData("region=上海", true)]
    [InlineData("region=Shanghai", false)]
    [InlineData("region!=sh", true)]
    public void Equality_is_ordinal_text_when_a_side_is_not_a_number(string query, bool expected) =>
        Assert.Equal(expected, Matches(query, Make(attributes: Attrs(("region", "上海")))));

    [Fact]
    public void Text_equality_is_case_sensitive() =>
        Assert.False(Matches("region=sh", Make(attributes: Attrs(("region", "SH")))));

    [Fact]
    public void A_quoted_value_compares_as_text()
    {
        var customer = Make(attributes: Attrs(("code", "7")));
        Assert.True(Matches("code=007", customer));
        Assert.False(Matches("code=\"007\"", customer));
    }

    [Fact]
    public void A_number_compared_with_a_text_attribute_is_not_equal() =>
        Assert.False(Matches("aum=5", Make(attributes: Attrs(("aum", "five")))));

    [Fact]
    public void An_ordering_comparison_on_a_text_attribute_is_false() =>
        Assert.False(Matches("aum>0", Make(attributes: Attrs(("aum", "unknown")))));

    [Theory]
    [InlineData("aum=1")]
    [InlineData("aum!=1")]
    [InlineData("aum>1")]
    [InlineData("aum<1")]
    public void A_missing_attribute_matches_no_comparison_not_even_not_equal(string query) =>
        Assert.False(Matches(query, Make(attributes: Attrs(("region", "sh")))));

    [Fact]
    public void NOT_of_a_comparison_includes_customers_without_the_attribute() =>
        Assert.True(Matches("NOT aum=1", Make()));

    [Theory]
    [InlineData(new[] { "代发" }, "60000", true)]
    [InlineData(new[] { "代发" }, "40000", false)]
    [InlineData(new[] { "代发", "deleted-us" }, "60000", false)]
    [InlineData(new[] { "vip" }, "60000", false)]
    public void The_issue_example_selects_payroll_customers_with_enough_aum_who_kept_us(string[] tags, string aum, bool expected) =>
        Assert.Equal(
            expected,
            Matches("tag:代发 AND aum>=50000 AND NOT tag:deleted-us", Make(tags: tags, attributes: Attrs(("aum", aum)))));

    [Fact]
    public void OR_matches_when_either_side_does()
    {
        Assert.True(Matches("tag:A OR tag:B", Make(tags: ["B"])));
        Assert.False(Matches("tag:A OR tag:B", Make(tags: ["C"])));
    }

    [Fact]
    public void Parentheses_change_which_customers_match()
    {
        var onlyC = Make(tags: ["C"]);
        Assert.True(Matches("tag:A AND tag:B OR tag:C", onlyC));
        Assert.False(Matches("tag:A AND (tag:B OR tag:C)", onlyC));
    }
}
