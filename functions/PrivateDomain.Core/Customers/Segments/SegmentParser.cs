namespace PrivateDomain.Customers.Segments;

/// <summary>
/// Recursive descent over <see cref="SegmentTokenizer"/>:
/// <code>
/// query   = or END
/// or      = and { OR and }
/// and     = not { AND not }
/// not     = { NOT } primary
/// primary = "(" or ")" | tag:NAME | product:NAME | tier:LEVEL | ATTR OP VALUE
/// </code>
/// Only parentheses recurse (NOT is a loop), so <see cref="SegmentQuery.MaxDepth"/> bounds the stack.
/// </summary>
internal sealed class SegmentParser
{
    private const string Term = "a term (tag:NAME, product:NAME, tier:LEVEL, ATTRIBUTE OP VALUE or '(')";

    private readonly SegmentTokenizer _tokens;
    private SegmentToken _current;
    private SegmentToken _previous;
    private int _depth;
    private int _terms;

    private SegmentParser(string text)
    {
        _tokens = new SegmentTokenizer(text);
        _current = _tokens.Next();
    }

    public static SegmentExpression Parse(string text)
    {
        if (text.Length > SegmentQuery.MaxLength)
        {
            throw new SegmentQueryException(
                SegmentTokenizer.Column(text, SegmentQuery.MaxLength),
                $"the query is {text.Length} characters long but at most {SegmentQuery.MaxLength} are allowed; split it into narrower segments");
        }

        var parser = new SegmentParser(text);
        var root = parser.ParseOr();
        return parser._current.Kind switch
        {
            SegmentTokenKind.End => root,
            SegmentTokenKind.RightParen => throw parser.Error("expected AND, OR or end of query but found ')' with no '(' before it"),
            _ => throw parser.Error($"expected AND, OR or end of query but found {parser.Found}"),
        };
    }

    private string Found => _tokens.Describe(_current);

    private SegmentExpression ParseOr()
    {
        var left = ParseAnd();
        while (_current.Kind == SegmentTokenKind.Or)
        {
            Advance();
            left = new OrExpression(left, ParseAnd());
        }

        return left;
    }

    private SegmentExpression ParseAnd()
    {
        var left = ParseNot();
        while (_current.Kind == SegmentTokenKind.And)
        {
            Advance();
            left = new AndExpression(left, ParseNot());
        }

        return left;
    }

    private SegmentExpression ParseNot()
    {
        var negations = 0;
        while (_current.Kind == SegmentTokenKind.Not)
        {
            Advance();
            negations++;
        }

        var operand = ParsePrimary();
        for (var i = 0; i < negations; i++)
        {
            operand = new NotExpression(operand);
        }

        return operand;
    }

    private SegmentExpression ParsePrimary()
    {
        var token = _current;
        switch (token.Kind)
        {
            case SegmentTokenKind.LeftParen:
                if (++_depth > SegmentQuery.MaxDepth)
                {
                    throw Error($"parentheses nest more than {SegmentQuery.MaxDepth} deep; flatten the query");
                }

                Advance();
                var inner = ParseOr();
                if (_current.Kind != SegmentTokenKind.RightParen)
                {
                    throw _current.Kind == SegmentTokenKind.End
                        ? Error($"expected ')' to close the '(' at column {_tokens.ColumnOf(token.Start)} but found end of query")
                        : Error($"expected AND, OR or ')' but found {Found}");
                }

                Advance();
                _depth--;
                return inner;

            case SegmentTokenKind.Tag:
                CountTerm();
                Advance();
                return new TagTerm(token.Value);

            case SegmentTokenKind.Product:
                CountTerm();
                Advance();
                return new ProductTerm(token.Value);

            case SegmentTokenKind.Tier:
                CountTerm();
                var tier = TierTerm.Names.FirstOrDefault(n => n.Name.Equals(token.Value, StringComparison.OrdinalIgnoreCase));
                if (tier.Name is null)
                {
                    throw _tokens.Error(
                        token.ValueStart,
                        $"expected visitor, prospect or customer after 'tier:' but found '{token.Value}'");
                }

                Advance();
                return new TierTerm(tier.Tier);

            case SegmentTokenKind.Word:
                return ParseComparison();

            default:
                var after = _previous.Kind is SegmentTokenKind.And or SegmentTokenKind.Or or SegmentTokenKind.Not
                    ? $" after '{_previous.Value}'"
                    : "";
                throw Error($"expected {Term}{after} but found {Found}");
        }
    }

    private AttributeComparison ParseComparison()
    {
        var attribute = _current;
        var colon = attribute.Value.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            throw Error($"expected tag:, product: or tier: but found '{attribute.Value[..(colon + 1)]}'");
        }

        Advance();
        if (_current.Kind != SegmentTokenKind.Operator)
        {
            throw IsAttributeName(attribute.Value)
                ? Error($"expected an operator (=, !=, >, >=, <, <=) after '{attribute.Value}' but found {Found}")
                : _tokens.Error(attribute.Start, $"expected {Term} but found '{attribute.Value}'; a tag is written tag:{attribute.Value}");
        }

        if (!IsAttributeName(attribute.Value))
        {
            throw _tokens.Error(attribute.Start, $"expected an attribute name ([a-z][a-z0-9_.-]*) but found '{attribute.Value}'");
        }

        CountTerm(attribute.Start);
        var symbol = _current.Value;
        var op = symbol switch
        {
            "=" => ComparisonOperator.Equal,
            "!=" => ComparisonOperator.NotEqual,
            ">" => ComparisonOperator.Greater,
            ">=" => ComparisonOperator.GreaterOrEqual,
            "<" => ComparisonOperator.Less,
            _ => ComparisonOperator.LessOrEqual,
        };
        Advance();

        var value = _current;
        if (value.Kind is not (SegmentTokenKind.Word or SegmentTokenKind.Quoted))
        {
            var hint = value.Kind switch
            {
                SegmentTokenKind.And or SegmentTokenKind.Or or SegmentTokenKind.Not or SegmentTokenKind.Tag
                    or SegmentTokenKind.Product or SegmentTokenKind.Tier => "; put it in double quotes to compare with that text",
                SegmentTokenKind.Operator when symbol == "=" && value.Value == "=" => "; equality is a single '='",
                _ => "",
            };
            throw Error($"expected a value after '{symbol}' but found {Found}{hint}");
        }

        var quoted = value.Kind == SegmentTokenKind.Quoted;
        if (op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual)
            && (quoted || AttributeComparison.ParseNumber(value.Value) is null))
        {
            throw Error($"expected a number after '{symbol}' but found {Found}; only = and != compare text");
        }

        Advance();
        return new AttributeComparison(attribute.Value, op, value.Value, quoted);
    }

    private static bool IsAttributeName(string word) =>
        word.Length > 0
        && word[0] is >= 'a' and <= 'z'
        && word.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');

    private void CountTerm() => CountTerm(_current.Start);

    private void CountTerm(int start)
    {
        if (++_terms > SegmentQuery.MaxTerms)
        {
            throw _tokens.Error(start, $"the query has more than {SegmentQuery.MaxTerms} terms; split it into narrower segments");
        }
    }

    private void Advance()
    {
        _previous = _current;
        _current = _tokens.Next();
    }

    private SegmentQueryException Error(string problem) => _tokens.Error(_current.Start, problem);
}
