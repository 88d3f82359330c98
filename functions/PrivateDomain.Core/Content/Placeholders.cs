using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace PrivateDomain.Content;

/// <summary>
/// The placeholders a template may use, and the parser for template text. <c>{name.part}</c> is a placeholder; <c>{{</c>
/// and <c>}}</c> are literal braces; anything else with a brace is an error, so a typo never reaches a customer as
/// "{custmer.name}". Per-customer placeholders (<c>customer.*</c>) are allowed only in 1:1 templates: a Moments or group
/// post is one text seen by many customers.
/// </summary>
public static class Placeholders
{
    /// <summary>Every placeholder, by name.</summary>
    public static FrozenDictionary<string, Placeholder> Known { get; } = new Placeholder[]
    {
        new("customer.name", "how to address the customer (称呼), e.g. 王女士", true, v => v.CustomerName),
        new("employee.name", "the account manager's name", false, v => v.EmployeeName),
        new("employee.title", "the account manager's title, e.g. 理财经理", false, v => v.EmployeeTitle),
        new("bank.name", "the bank's name", false, v => v.BankName),
        new("bank.hotline", "the bank's customer-service hotline", false, v => v.BankHotline),
        new("bank.site", "the bank's H5 site (https), only at the start of a link", false, v => v.BankSite?.ToString().TrimEnd('/')),
        new("branch.name", "the account manager's branch (网点)", false, v => v.BranchName),
        new("payroll.payday", "the payday of a payroll campaign, e.g. 3月10日", false,
            v => v.Payday?.ToString("M月d日", CultureInfo.InvariantCulture)),
    }.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Splits <paramref name="text"/> into literal text and placeholders.</summary>
    /// <returns>Null and the problem (naming the offending placeholder or position) if the text is malformed or uses an unknown placeholder.</returns>
    public static ImmutableArray<TextSegment>? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = ImmutableArray.CreateBuilder<TextSegment>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}')
                {
                    literal.Append('}');
                    i++;
                    continue;
                }

                error = $"a lone '}}' at character {i + 1}; write '}}}}' for a literal brace";
                return null;
            }

            if (c != '{')
            {
                literal.Append(c);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '{')
            {
                literal.Append('{');
                i++;
                continue;
            }

            var end = text.IndexOf('}', i + 1);
            var next = text.IndexOf('{', i + 1);
            if (end < 0 || (next >= 0 && next < end))
            {
                error = $"'{{' at character {i + 1} is not closed; write '{{{{' for a literal brace";
                return null;
            }

            var name = text[(i + 1)..end];
            if (!Known.ContainsKey(name) && PagePlaceholders.Parse(name) is null)
            {
                error = $"unknown placeholder {{{name}}}; known: {string.Join(", ", Known.Keys.Order(StringComparer.Ordinal).Select(k => "{" + k + "}"))}, {{page.welfare[:pool]}}, {{page.quiz[:quiz]}}, {{page.product:<id>}}";
                return null;
            }

            if (literal.Length > 0)
            {
                segments.Add(new TextSegment(literal.ToString(), null));
                literal.Clear();
            }

            segments.Add(new TextSegment(null, name));
            i = end;
        }

        if (literal.Length > 0)
        {
            segments.Add(new TextSegment(literal.ToString(), null));
        }

        error = null;
        return segments.ToImmutable();
    }
}

/// <summary>A placeholder: its name, what it means, whether it differs per customer, and where its value comes from.</summary>
public sealed record Placeholder(string Name, string Meaning, bool PerCustomer, Func<PlaceholderValues, string?> Value);

/// <summary>A piece of template text: a literal, or the name of a placeholder.</summary>
public readonly record struct TextSegment(string? Literal, string? Placeholder);

/// <summary>
/// The values placeholders are filled from. Anything a template uses must be set (non-blank); rendering refuses
/// otherwise. Values are inserted as they are, never parsed again, so a customer name holding braces stays text.
/// </summary>
public sealed record PlaceholderValues
{
    /// <summary>How to address the customer (称呼), e.g. 王女士.</summary>
    public string? CustomerName { get; init; }

    /// <summary>The account manager's name.</summary>
    public string? EmployeeName { get; init; }

    /// <summary>The account manager's title, e.g. 理财经理.</summary>
    public string? EmployeeTitle { get; init; }

    /// <summary>The bank's name.</summary>
    public string? BankName { get; init; }

    /// <summary>The bank's customer-service hotline.</summary>
    public string? BankHotline { get; init; }

    /// <summary>The bank's H5 site, https.</summary>
    public Uri? BankSite { get; init; }

    /// <summary>The account manager's branch.</summary>
    public string? BranchName { get; init; }

    /// <summary>A payroll campaign's payday.</summary>
    public DateOnly? Payday { get; init; }

    /// <summary>Makes campaign page links for the sender (<c>{page.*}</c>); null where pages are not configured.</summary>
    public IPageLinks? PageLinks { get; init; }

    /// <summary>What the message is sent for (its page links count against it).</summary>
    public PageOrigin? PageOrigin { get; init; }

    /// <summary>The template and version being rendered (set by the renderer).</summary>
    public string? PageContent { get; init; }
}
