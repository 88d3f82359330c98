namespace PrivateDomain.Customers.Segments;

/// <summary>
/// A segment: a small declarative query over a customer's tags, products, tier and attributes, e.g.
/// <c>tag:代发 AND aum&gt;=50000 AND NOT tag:deleted-us</c>. Precedence is OR &lt; AND &lt; NOT; keywords ignore case;
/// names with spaces or parentheses go in double quotes (<c>tag:"wealth club"</c>, <c>\"</c> and <c>\\</c> escape).
/// Parse once, then <see cref="Matches"/> one profile or hand a <see cref="SegmentPlan"/> to <see cref="SegmentEvaluator"/>.
/// </summary>
public sealed record SegmentQuery
{
    /// <summary>The longest query text accepted, in UTF-16 characters.</summary>
    public const int MaxLength = 2_000;

    /// <summary>How deep parentheses may nest.</summary>
    public const int MaxDepth = 32;

    /// <summary>How many terms (tag, product, tier and attribute comparisons) a query may have.</summary>
    public const int MaxTerms = 64;

    /// <summary>Wraps an expression built in code; no limits are checked.</summary>
    public SegmentQuery(SegmentExpression root)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
    }

    /// <summary>The expression tree.</summary>
    public SegmentExpression Root { get; }

    /// <summary>Parses query text.</summary>
    /// <exception cref="SegmentQueryException">The text is not a valid query or exceeds a limit; the message names the column.</exception>
    public static SegmentQuery Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new SegmentQuery(SegmentParser.Parse(text));
    }

    /// <summary>True if the profile is in the segment. Pure: reads only <paramref name="customer"/>.</summary>
    public bool Matches(Customer customer) => Root.Matches(customer);

    /// <summary>The query as text that parses back to an equivalent query.</summary>
    public override string ToString() => Root.ToString();
}
