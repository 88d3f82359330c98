using System.Text;

namespace PrivateDomain.Customers.Segments;

internal enum SegmentTokenKind
{
    End,
    LeftParen,
    RightParen,
    And,
    Or,
    Not,
    Tag,
    Product,
    Tier,
    Word,
    Quoted,
    Operator,
}

/// <summary>
/// One token. <see cref="Value"/> is the name after a prefix (<c>tag:</c>, <c>product:</c>, <c>tier:</c>), the unescaped
/// content of a string, or the text of a word or operator; <see cref="ValueStart"/> is where that value starts.
/// </summary>
internal readonly record struct SegmentToken(SegmentTokenKind Kind, int Start, int End, string Value, int ValueStart);

/// <summary>
/// Reads a segment query one token at a time, on demand, so the first mistake in reading order is the one reported.
/// Names after <c>tag:</c> and <c>product:</c> run to the next space or parenthesis and may contain <c>: &gt; = -</c> and
/// CJK; plain words (attribute names and values) also stop at operator characters, so <c>aum&gt;=50000</c> needs no spaces.
/// </summary>
internal sealed class SegmentTokenizer(string text)
{
    private static readonly (string Prefix, SegmentTokenKind Kind, string Noun)[] Prefixes =
    [
        ("tag:", SegmentTokenKind.Tag, "a tag name"),
        ("product:", SegmentTokenKind.Product, "a product name"),
        ("tier:", SegmentTokenKind.Tier, "a tier"),
    ];

    private int _position;

    public static bool IsKeyword(string word) =>
        word.Equals("AND", StringComparison.OrdinalIgnoreCase)
        || word.Equals("OR", StringComparison.OrdinalIgnoreCase)
        || word.Equals("NOT", StringComparison.OrdinalIgnoreCase);

    public static bool HasTermPrefix(string word) =>
        Prefixes.Any(p => word.StartsWith(p.Prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The 1-based column of a character index, counting a surrogate pair (an emoji) as one character.</summary>
    public static int Column(string text, int index)
    {
        var column = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (!char.IsLowSurrogate(text[i]))
            {
                column++;
            }
        }

        return column + Math.Max(0, index - text.Length);
    }

    public SegmentToken Next()
    {
        while (_position < text.Length && char.IsWhiteSpace(text[_position]))
        {
            _position++;
        }

        var start = _position;
        if (start == text.Length)
        {
            return new(SegmentTokenKind.End, start, start, "", start);
        }

        switch (text[start])
        {
            case '(':
                _position++;
                return new(SegmentTokenKind.LeftParen, start, _position, "(", start);
            case ')':
                _position++;
                return new(SegmentTokenKind.RightParen, start, _position, ")", start);
            case '"':
                var content = ReadQuoted();
                return new(SegmentTokenKind.Quoted, start, _position, content, start);
            case '=' or '!' or '<' or '>':
                return ReadOperator(start);
        }

        var end = start;
        while (end < text.Length && !EndsWord(text[end]))
        {
            end++;
        }

        var word = text[start..end];
        foreach (var (prefix, kind, noun) in Prefixes)
        {
            if (word.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return ReadName(kind, start, start + prefix.Length, noun);
            }
        }

        _position = end;
        var keyword =
            word.Equals("AND", StringComparison.OrdinalIgnoreCase) ? SegmentTokenKind.And
            : word.Equals("OR", StringComparison.OrdinalIgnoreCase) ? SegmentTokenKind.Or
            : word.Equals("NOT", StringComparison.OrdinalIgnoreCase) ? SegmentTokenKind.Not
            : SegmentTokenKind.Word;
        return new(keyword, start, end, word, start);
    }

    public int ColumnOf(int index) => Column(text, index);

    public SegmentQueryException Error(int index, string problem) => new(Column(text, index), problem);

    /// <summary>How an error message names a token: <c>'AND'</c>, <c>"a b"</c>, <c>end of query</c>.</summary>
    public string Describe(SegmentToken token)
    {
        if (token.Kind == SegmentTokenKind.End)
        {
            return "end of query";
        }

        var raw = text[token.Start..token.End];
        raw = raw.Length > 30 ? raw[..30] + "…" : raw;
        return token.Kind == SegmentTokenKind.Quoted ? raw : $"'{raw}'";
    }

    private static bool EndsWord(char c) => char.IsWhiteSpace(c) || c is '(' or ')' or '"' or '=' or '!' or '<' or '>';

    private string DescribeCharAt(int index) =>
        index >= text.Length ? "end of query"
        : char.IsWhiteSpace(text[index]) ? "a space"
        : $"'{text[index]}'";

    private SegmentToken ReadName(SegmentTokenKind kind, int start, int nameStart, string noun)
    {
        var prefix = text[start..nameStart];
        _position = nameStart;
        if (nameStart < text.Length && text[nameStart] == '"')
        {
            var quoted = ReadQuoted();
            return quoted.Length > 0
                ? new(kind, start, _position, quoted, nameStart)
                : throw Error(nameStart, $"expected {noun} after '{prefix}' but found an empty string");
        }

        while (_position < text.Length && !char.IsWhiteSpace(text[_position]) && text[_position] is not ('(' or ')'))
        {
            _position++;
        }

        return _position > nameStart
            ? new(kind, start, _position, text[nameStart.._position], nameStart)
            : throw Error(nameStart, $"expected {noun} after '{prefix}' but found {DescribeCharAt(nameStart)}");
    }

    private string ReadQuoted()
    {
        var open = _position++;
        var content = new StringBuilder();
        while (_position < text.Length)
        {
            var c = text[_position++];
            if (c == '"')
            {
                return content.ToString();
            }

            if (c == '\\' && _position < text.Length)
            {
                var escaped = text[_position];
                if (escaped is not ('"' or '\\'))
                {
                    throw Error(_position - 1, $"expected \\\" or \\\\ after a backslash in a string but found {DescribeCharAt(_position)}");
                }

                _position++;
                c = escaped;
            }

            content.Append(c);
        }

        throw Error(open, "expected a closing '\"' for the string that starts here but found end of query");
    }

    private SegmentToken ReadOperator(int start)
    {
        var c = text[start];
        var two = start + 1 < text.Length && text[start + 1] == '=' && c is '<' or '>' or '!';
        if (c == '!' && !two)
        {
            throw Error(start + 1, $"expected '=' after '!' but found {DescribeCharAt(start + 1)}");
        }

        _position = start + (two ? 2 : 1);
        return new(SegmentTokenKind.Operator, start, _position, text[start.._position], start);
    }
}
