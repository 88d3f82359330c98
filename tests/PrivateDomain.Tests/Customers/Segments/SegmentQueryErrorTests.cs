using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tests.Customers.Segments;

public sealed class SegmentQueryErrorTests
{
    private const string Term = "a term (tag:NAME, product:NAME, tier:LEVEL, ATTRIBUTE OP VALUE or '(')";

    private static SegmentQueryException Refused(string text) =>
        Assert.Throws<SegmentQueryException>(() => SegmentQuery.Parse(text));

    private static void AssertRefused(string text, int column, string problem)
    {
        var e = Refused(text);
        Assert.Equal($"column {column}: {problem}", e.Message);
        Assert.Equal(column, e.Column);
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void A_refusal_is_a_FormatException() =>
        Assert.IsAssignableFrom<FormatException>(Refused(""));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_query_expects_a_term_at_the_end(string text) =>
        AssertRefused(text, text.Length + 1, $"expected {Term} but found end of query");

    [Fact]
    public void A_missing_value_points_past_the_operator() =>
        AssertRefused("tag:A AND aum>=", 16, "expected a value after '>=' but found end of query");

    [Fact]
    public void Columns_count_CJK_characters_as_one() =>
        AssertRefused("tag:代发 AND aum>=", 17, "expected a value after '>=' but found end of query");

    [Fact]
    public void Columns_count_an_emoji_as_one() =>
        AssertRefused("tag:🎁 AND", 10, $"expected {Term} after 'AND' but found end of query");

    [Fact]
    public void A_missing_operator_names_the_attribute_and_what_came_instead() =>
        AssertRefused("aum 5", 5, "expected an operator (=, !=, >, >=, <, <=) after 'aum' but found '5'");

    [Fact]
    public void A_bare_word_suggests_writing_it_as_a_tag() =>
        AssertRefused("tag:vip OR 代发", 12, $"expected {Term} but found '代发'; a tag is written tag:代发");

    [Fact]
    public void Two_terms_without_a_keyword_between_them_are_refused_at_the_second() =>
        AssertRefused("tag:A tag:B", 7, "expected AND, OR or end of query but found 'tag:B'");

    [Fact]
    public void A_keyword_without_a_following_term_is_named() =>
        AssertRefused("tag:A AND NOT", 14, $"expected {Term} after 'NOT' but found end of query");

    [Fact]
    public void An_unclosed_parenthesis_names_the_column_where_it_opened() =>
        AssertRefused("tag:A AND (tag:B OR tag:C", 26, "expected ')' to close the '(' at column 11 but found end of query");

    [Fact]
    public void A_term_where_a_closing_parenthesis_belongs_is_refused() =>
        AssertRefused("(tag:A tag:B)", 8, "expected AND, OR or ')' but found 'tag:B'");

    [Fact]
    public void A_closing_parenthesis_without_an_opening_one_is_refused() =>
        AssertRefused("tag:A)", 6, "expected AND, OR or end of query but found ')' with no '(' before it");

    [Fact]
    public void Empty_parentheses_expect_a_term() =>
        AssertRefused("()", 2, $"expected {Term} but found ')'");

    [Fact]
    public void An_ordering_comparison_with_text_is_refused_at_the_value() =>
        AssertRefused("aum>=lots", 6, "expected a number after '>=' but found 'lots'; only = and != compare text");

    [Fact]
    public void An_ordering_comparison_with_a_quoted_number_is_refused() =>
        AssertRefused("aum<\"5\"", 5, "expected a number after '<' but found \"5\"; only = and != compare text");

    [Fact]
    public void A_double_equals_sign_is_refused_with_a_hint() =>
        AssertRefused("aum==5", 5, "expected a value after '=' but found '='; equality is a single '='");

    [Fact]
    public void A_keyword_as_a_value_must_be_quoted() =>
        AssertRefused("region=AND", 8, "expected a value after '=' but found 'AND'; put it in double quotes to compare with that text");

    [Fact]
    public void An_exclamation_mark_must_be_followed_by_an_equals_sign() =>
        AssertRefused("aum!5", 5, "expected '=' after '!' but found '5'");

    [Fact]
    public void An_unknown_tier_lists_the_known_ones() =>
        AssertRefused("tier:gold", 6, "expected visitor, prospect or customer after 'tier:' but found 'gold'");

    [Fact]
    public void An_unknown_term_prefix_is_refused() =>
        AssertRefused("tags:vip", 1, "expected tag:, product: or tier: but found 'tags:'");

    [Fact]
    public void An_upper_case_attribute_name_is_refused() =>
        AssertRefused("tag:A OR AUM>5", 10, "expected an attribute name ([a-z][a-z0-9_.-]*) but found 'AUM'");

    [Theory]
    [InlineData("tag:", "end of query")]
    [InlineData("tag: AND tag:B", "a space")]
    [InlineData("(tag:)", "')'")]
    public void A_prefix_without_a_name_is_refused_where_the_name_should_start(string text, string found) =>
        AssertRefused(text, text.IndexOf(':', StringComparison.Ordinal) + 2, $"expected a tag name after 'tag:' but found {found}");

    [Fact]
    public void An_empty_quoted_name_is_refused() =>
        AssertRefused("product:\"\"", 9, "expected a product name after 'product:' but found an empty string");

    [Fact]
    public void An_unterminated_string_is_refused_where_it_opens() =>
        AssertRefused("tag:A OR tag:\"wealth club", 14, "expected a closing '\"' for the string that starts here but found end of query");

    [Fact]
    public void An_unknown_escape_in_a_string_is_refused_at_the_backslash() =>
        AssertRefused("tag:\"a\\nb\"", 7, "expected \\\" or \\\\ after a backslash in a string but found 'n'");

    [Fact]
    public void The_first_mistake_in_reading_order_is_reported() =>
        AssertRefused("tag:A tag:B \"unterminated", 7, "expected AND, OR or end of query but found 'tag:B'");

    [Fact]
    public void A_query_of_the_maximum_length_is_accepted()
    {
        var text = "tag:" + new string('x', SegmentQuery.MaxLength - 4);
        Assert.Equal(new TagTerm(text[4..]), SegmentQuery.Parse(text).Root);
    }

    [Fact]
    public void A_query_longer_than_the_maximum_is_refused_at_the_first_character_past_it() =>
        AssertRefused(
            "tag:" + new string('x', SegmentQuery.MaxLength - 3),
            2001,
            "the query is 2001 characters long but at most 2000 are allowed; split it into narrower segments");

    [Fact]
    public void Parentheses_nested_to_the_maximum_depth_are_accepted() =>
        Assert.Equal(new TagTerm("A"), SegmentQuery.Parse(new string('(', 32) + "tag:A" + new string(')', 32)).Root);

    [Fact]
    public void Parentheses_nested_past_the_maximum_depth_are_refused_at_the_first_extra_one() =>
        AssertRefused(new string('(', 33) + "tag:A" + new string(')', 33), 33, "parentheses nest more than 32 deep; flatten the query");

    [Fact]
    public void Sibling_groups_do_not_add_to_the_depth() =>
        SegmentQuery.Parse(string.Join(" OR ", Enumerable.Repeat(new string('(', 32) + "tag:A" + new string(')', 32), 3)));

    [Fact]
    public void The_maximum_number_of_terms_is_accepted() =>
        SegmentQuery.Parse(string.Join(" OR ", Enumerable.Range(0, 64).Select(i => $"tag:t{i}")));

    [Fact]
    public void A_term_past_the_maximum_is_refused_at_its_column()
    {
        var text = string.Join(" OR ", Enumerable.Range(0, 65).Select(i => $"a{i}=1"));
        AssertRefused(text, text.LastIndexOf("a64", StringComparison.Ordinal) + 1, "the query has more than 64 terms; split it into narrower segments");
    }
}
