using System.Globalization;
using System.Text;

namespace PrivateDomain.Customers.Segments;

/// <summary>
/// A node of a parsed segment query. Nodes are immutable records compared by value, and <see cref="ToString"/> writes
/// query text that parses back to an equivalent query (parentheses only where precedence needs them).
/// </summary>
public abstract record SegmentExpression
{
    /// <summary>True if the profile satisfies this expression. Pure: reads only <paramref name="customer"/>.</summary>
    public abstract bool Matches(Customer customer);

    /// <summary>The expression as query text.</summary>
    public sealed override string ToString()
    {
        var text = new StringBuilder();
        Write(text);
        return text.ToString();
    }

    internal abstract void Write(StringBuilder text);

    private protected static string QuoteText(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private protected static string NameText(string name) =>
        name.Length == 0 || name[0] == '"' || name.Any(c => char.IsWhiteSpace(c) || c is '(' or ')') ? QuoteText(name) : name;
}

/// <summary><c>tag:NAME</c>: the customer carries the tag (any kind), compared ordinally.</summary>
/// <param name="Name">The tag, e.g. <c>代发</c> or <c>aum:50k-200k</c>.</param>
public sealed record TagTerm(string Name) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.HasTag(Name);
    }

    internal override void Write(StringBuilder text) => text.Append("tag:").Append(NameText(Name));
}

/// <summary><c>product:NAME</c>: the customer holds the product (from CRM), compared ordinally.</summary>
/// <param name="Name">The product name as CRM sends it.</param>
public sealed record ProductTerm(string Name) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.Products.Contains(Name, StringComparer.Ordinal);
    }

    internal override void Write(StringBuilder text) => text.Append("product:").Append(NameText(Name));
}

/// <summary><c>tier:visitor|prospect|customer</c>: the customer's derived tier.</summary>
/// <param name="Tier">The tier to match.</param>
public sealed record TierTerm(CustomerTier Tier) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return customer.Tier == Tier;
    }

    // The spelling in queries; parsing ignores case.
    internal static readonly IReadOnlyList<(string Name, CustomerTier Tier)> Names =
        [("visitor", CustomerTier.Visitor), ("prospect", CustomerTier.Prospect), ("customer", CustomerTier.Customer)];

    internal override void Write(StringBuilder text) => text.Append("tier:").Append(Names.First(n => n.Tier == Tier).Name);
}

/// <summary>How an attribute is compared with a value.</summary>
public enum ComparisonOperator
{
    /// <summary><c>=</c></summary>
    Equal,
    /// <summary><c>!=</c></summary>
    NotEqual,
    /// <summary><c>&gt;</c> (numbers only)</summary>
    Greater,
    /// <summary><c>&gt;=</c> (numbers only)</summary>
    GreaterOrEqual,
    /// <summary><c>&lt;</c> (numbers only)</summary>
    Less,
    /// <summary><c>&lt;=</c> (numbers only)</summary>
    LessOrEqual,
}

/// <summary>
/// <c>ATTR OP VALUE</c>, e.g. <c>aum&gt;=50000</c> or <c>region=sh</c>. <c>=</c> and <c>!=</c> compare as decimals when both the
/// attribute and an unquoted value parse as invariant decimals, otherwise as ordinal text; a quoted value always compares as
/// text (<c>code="007"</c>). <c>&lt; &lt;= &gt; &gt;=</c> need a numeric value and are false when the attribute is not a number.
/// A customer without the attribute matches no comparison, not even <c>!=</c>: write <c>NOT region=sh</c> to include them.
/// </summary>
/// <param name="Attribute">The attribute name, <c>[a-z][a-z0-9_.-]*</c>.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The value as written, without quotes.</param>
/// <param name="Quoted">True if the value was written in double quotes, which forces a text comparison.</param>
public sealed record AttributeComparison(string Attribute, ComparisonOperator Operator, string Value, bool Quoted = false)
    : SegmentExpression
{
    private const NumberStyles Decimal = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    /// <summary>The value as a number, or null when it is quoted or not an invariant decimal.</summary>
    public decimal? Number => Quoted ? null : ParseNumber(Value);

    /// <inheritdoc />
    public override bool Matches(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        if (!customer.Attributes.TryGetValue(Attribute, out var actual))
        {
            return false;
        }

        var expected = Number;
        var number = expected is null ? null : ParseNumber(actual);
        if (Operator is ComparisonOperator.Equal or ComparisonOperator.NotEqual)
        {
            var equal = number is not null ? number.Value == expected!.Value : string.Equals(actual, Value, StringComparison.Ordinal);
            return equal == (Operator == ComparisonOperator.Equal);
        }

        if (number is null)
        {
            return false;
        }

        var order = number.Value.CompareTo(expected!.Value);
        return Operator switch
        {
            ComparisonOperator.Greater => order > 0,
            ComparisonOperator.GreaterOrEqual => order >= 0,
            ComparisonOperator.Less => order < 0,
            _ => order <= 0,
        };
    }

    internal static decimal? ParseNumber(string text) =>
        decimal.TryParse(text, Decimal, CultureInfo.InvariantCulture, out var number) ? number : null;

    internal static string Symbol(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.Greater => ">",
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown comparison operator."),
    };

    internal override void Write(StringBuilder text) =>
        text.Append(Attribute).Append(Symbol(Operator)).Append(Quoted || NeedsQuotes(Value) ? QuoteText(Value) : Value);

    // An unquoted value must read back as one plain word: not a keyword, a prefixed term, or something with operators in it.
    private static bool NeedsQuotes(string value) =>
        value.Length == 0
        || value.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '"' or '=' or '!' or '<' or '>')
        || SegmentTokenizer.IsKeyword(value)
        || SegmentTokenizer.HasTermPrefix(value);
}

/// <summary><c>NOT x</c>.</summary>
/// <param name="Operand">The negated expression.</param>
public sealed record NotExpression(SegmentExpression Operand) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer) => !Operand.Matches(customer);

    internal override void Write(StringBuilder text)
    {
        text.Append("NOT ");
        var grouped = Operand is AndExpression or OrExpression;
        text.Append(grouped ? "(" : "");
        Operand.Write(text);
        text.Append(grouped ? ")" : "");
    }
}

/// <summary><c>x AND y</c>; chains associate to the left.</summary>
/// <param name="Left">The first conjunct.</param>
/// <param name="Right">The second conjunct.</param>
public sealed record AndExpression(SegmentExpression Left, SegmentExpression Right) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer) => Left.Matches(customer) && Right.Matches(customer);

    internal override void Write(StringBuilder text)
    {
        WriteConjunct(text, Left);
        text.Append(" AND ");
        WriteConjunct(text, Right);
    }

    private static void WriteConjunct(StringBuilder text, SegmentExpression conjunct)
    {
        var grouped = conjunct is OrExpression;
        text.Append(grouped ? "(" : "");
        conjunct.Write(text);
        text.Append(grouped ? ")" : "");
    }
}

/// <summary><c>x OR y</c>; chains associate to the left.</summary>
/// <param name="Left">The first alternative.</param>
/// <param name="Right">The second alternative.</param>
public sealed record OrExpression(SegmentExpression Left, SegmentExpression Right) : SegmentExpression
{
    /// <inheritdoc />
    public override bool Matches(Customer customer) => Left.Matches(customer) || Right.Matches(customer);

    internal override void Write(StringBuilder text)
    {
        Left.Write(text);
        text.Append(" OR ");
        Right.Write(text);
    }
}
