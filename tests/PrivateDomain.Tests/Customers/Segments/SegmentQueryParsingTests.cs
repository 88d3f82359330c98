using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tests.Customers.Segments;

public sealed class SegmentQueryParsingTests
{
    private static SegmentExpression Parse(string text) => SegmentQuery.Parse(text).Root;

    private static TagTerm Tag(string name) => new(name);

    [Fact]
    public void The_issue_example_parses_to_a_left_chain_of_ANDs_ending_in_a_negated_tag() =>
        Assert.Equal(
            new AndExpression(
                new AndExpression(Tag("代发"), new AttributeComparison("aum", ComparisonOperator.GreaterOrEqual, "50000")),
                new NotExpression(Tag("deleted-us"))),
            Parse("tag:代发 AND aum>=50000 AND NOT tag:deleted-us"));

    [Fact]
    public void AND_binds_tighter_than_a_preceding_OR() =>
        Assert.Equal(new OrExpression(Tag("A"), new AndExpression(Tag("B"), Tag("C"))), Parse("tag:A OR tag:B AND tag:C"));

    [Fact]
    public void AND_binds_tighter_than_a_following_OR() =>
        Assert.Equal(new OrExpression(new AndExpression(Tag("A"), Tag("B")), Tag("C")), Parse("tag:A AND tag:B OR tag:C"));

    [Fact]
    public void NOT_binds_tighter_than_AND() =>
        Assert.Equal(new AndExpression(new NotExpression(Tag("A")), Tag("B")), Parse("NOT tag:A AND tag:B"));

    [Fact]
    public void NOT_binds_tighter_than_OR() =>
        Assert.Equal(new OrExpression(new NotExpression(Tag("A")), Tag("B")), Parse("NOT tag:A OR tag:B"));

    [Fact]
    public void Parentheses_override_precedence() =>
        Assert.Equal(new AndExpression(Tag("A"), new OrExpression(Tag("B"), Tag("C"))), Parse("tag:A AND (tag:B OR tag:C)"));

    [Fact]
    public void NOT_applies_to_a_whole_parenthesised_group() =>
        Assert.Equal(new NotExpression(new OrExpression(Tag("A"), Tag("B"))), Parse("NOT (tag:A OR tag:B)"));

    [Fact]
    public void Repeated_NOTs_nest() =>
        Assert.Equal(new NotExpression(new NotExpression(Tag("A"))), Parse("NOT NOT tag:A"));

    [Fact]
    public void Redundant_parentheses_leave_no_trace_in_the_tree() =>
        Assert.Equal(Tag("A"), Parse("((( tag:A )))"));

    [Theory]
    [InlineData("tag:A and tag:B or not tag:C")]
    [InlineData("tag:A And tag:B Or Not tag:C")]
    [InlineData("tag:A AND tag:B OR NOT tag:C")]
    public void Keywords_ignore_case(string text) =>
        Assert.Equal(new OrExpression(new AndExpression(Tag("A"), Tag("B")), new NotExpression(Tag("C"))), Parse(text));

    [Fact]
    public void Term_prefixes_ignore_case() =>
        Assert.Equal(new AndExpression(Tag("vip"), new TierTerm(CustomerTier.Customer)), Parse("TAG:vip AND Tier:Customer"));

    [Fact]
    public void A_CJK_tag_needs_no_quotes() =>
        Assert.Equal(Tag("代发工资"), Parse("tag:代发工资"));

    [Fact]
    public void A_quoted_tag_may_contain_spaces_parentheses_and_CJK() =>
        Assert.Equal(Tag("财富 俱乐部 (vip)"), Parse("tag:\"财富 俱乐部 (vip)\""));

    [Fact]
    public void A_quoted_tag_unescapes_quotes_and_backslashes() =>
        Assert.Equal(Tag("say \"hi\" \\ bye"), Parse("tag:\"say \\\"hi\\\" \\\\ bye\""));

    [Fact]
    public void An_unquoted_tag_may_contain_colons_operators_hyphens_and_quotes() =>
        Assert.Equal(new AndExpression(Tag("aum:50k-200k"), Tag("a>=b\"c")), Parse("tag:aum:50k-200k AND tag:a>=b\"c"));

    [Fact]
    public void An_unquoted_tag_ends_at_a_closing_parenthesis() =>
        Assert.Equal(new OrExpression(Tag("A"), Tag("B")), Parse("(tag:A OR tag:B)"));

    [Fact]
    public void A_full_width_space_separates_terms() =>
        Assert.Equal(new AndExpression(Tag("代发"), Tag("vip")), Parse("tag:代发\u3000AND\u3000tag:vip"));

    [Fact]
    public void A_product_term_names_a_product() =>
        Assert.Equal(new ProductTerm("理财"), Parse("product:理财"));

    [Theory]
    [InlineData("tier:visitor", CustomerTier.Visitor)]
    [InlineData("tier:Prospect", CustomerTier.Prospect)]
    [InlineData("tier:CUSTOMER", CustomerTier.Customer)]
    public void Tiers_are_read_ignoring_case(string text, CustomerTier tier) =>
        Assert.Equal(new TierTerm(tier), Parse(text));

    [Theory]
    [InlineData("=", ComparisonOperator.Equal)]
    [InlineData("!=", ComparisonOperator.NotEqual)]
    [InlineData(">", ComparisonOperator.Greater)]
    [InlineData(">=", ComparisonOperator.GreaterOrEqual)]
    [InlineData("<", ComparisonOperator.Less)]
    [InlineData("<=", ComparisonOperator.LessOrEqual)]
    public void Every_comparison_operator_is_recognised(string symbol, ComparisonOperator op) =>
        Assert.Equal(new AttributeComparison("aum", op, "5"), Parse($"aum{symbol}5"));

    [Fact]
    public void Spaces_around_an_operator_are_optional() =>
        Assert.Equal(Parse("aum>=50000"), Parse("aum  >=  50000"));

    [Fact]
    public void Attribute_names_may_contain_digits_underscores_dots_and_hyphens() =>
        Assert.Equal(new AttributeComparison("risk.level_2-x", ComparisonOperator.Equal, "r3"), Parse("risk.level_2-x=r3"));

    [Theory]
    [InlineData("-12.5", -12.5)]
    [InlineData("0.01", 0.01)]
    [InlineData("300000", 300000)]
    public void Negative_and_fractional_values_are_numbers(string value, double expected) =>
        Assert.Equal((decimal)expected, ((AttributeComparison)Parse($"aum>{value}")).Number);

    [Fact]
    public void A_non_numeric_value_has_no_number() =>
        Assert.Null(((AttributeComparison)Parse("region=上海")).Number);

    [Fact]
    public void A_quoted_value_is_text_even_when_it_looks_like_a_number()
    {
        var comparison = (AttributeComparison)Parse("code=\"007\"");
        Assert.True(comparison.Quoted);
        Assert.Null(comparison.Number);
    }

    [Fact]
    public void A_value_may_contain_colons_and_hyphens() =>
        Assert.Equal(new AttributeComparison("band", ComparisonOperator.Equal, "aum:50k-200k"), Parse("band=aum:50k-200k"));

    [Fact]
    public void Queries_with_the_same_meaning_and_spelling_are_equal() =>
        Assert.Equal(SegmentQuery.Parse("tag:A and (aum>5)"), SegmentQuery.Parse("tag:A AND aum > 5"));

    [Theory]
    [InlineData("tag:代发 AND aum>=50000 AND NOT tag:deleted-us")]
    [InlineData("tag:A OR tag:B AND tag:C")]
    [InlineData("(tag:A OR tag:B) AND NOT (tag:C AND tag:D)")]
    [InlineData("tag:\"wealth club\" OR tag:\"q\\\"uote\" OR product:\"a (b)\"")]
    [InlineData("region=\"AND\" OR region=\"tag:x\" OR region=\"a b\" OR code=\"007\"")]
    [InlineData("tier:visitor OR NOT NOT tier:prospect")]
    public void Printing_a_query_gives_text_that_parses_back_to_the_same_query(string text)
    {
        var query = SegmentQuery.Parse(text);
        Assert.Equal(query, SegmentQuery.Parse(query.ToString()));
    }

    [Fact]
    public void Printing_uses_parentheses_only_where_precedence_needs_them() =>
        Assert.Equal(
            "(tag:A OR tag:B) AND NOT tag:C OR aum>=5",
            SegmentQuery.Parse("((tag:A or tag:B) and (not tag:C)) or (aum >= 5)").ToString());
}
