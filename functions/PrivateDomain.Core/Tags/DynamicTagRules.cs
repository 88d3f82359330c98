using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Segments;

namespace PrivateDomain.Tags;

/// <summary>One problem in a rules file: the line, the field and why.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Field">The field (<c>tag</c>, <c>when</c>, <c>seen</c>, <c>unseen</c>, <c>id</c>, <c>version</c>, <c>rule</c>).</param>
/// <param name="Reason">What is wrong and what to write instead.</param>
public sealed record DynamicTagRuleError(int Line, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, {Field}: {Reason}";
}

/// <summary>A rules file that must not be used; <see cref="Errors"/> lists every problem, each with its line and field.</summary>
public sealed class DynamicTagRuleException : Exception
{
    /// <summary>Creates the exception for a source (file name) and its errors.</summary>
    public DynamicTagRuleException(string source, IReadOnlyList<DynamicTagRuleError> errors)
        : base($"{source} is not a valid dynamic-tag rules file:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with one message.</summary>
    public DynamicTagRuleException(string message)
        : this("rules", [new DynamicTagRuleError(0, "file", message)])
    {
    }

    /// <summary>Creates the exception with one message and its cause.</summary>
    public DynamicTagRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new DynamicTagRuleError(0, "file", message)];
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public DynamicTagRuleException()
        : this("invalid")
    {
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<DynamicTagRuleError> Errors { get; }
}

/// <summary>A behaviour condition: a signal of <paramref name="Kind"/> (whose data match <paramref name="Filters"/>) within <paramref name="Window"/> of now.</summary>
public sealed record BehaviourCondition(string Kind, ImmutableDictionary<string, string> Filters, TimeSpan Window)
{
    /// <summary>True if one of the signals satisfies the condition at <paramref name="now"/>.</summary>
    public bool SeenIn(IEnumerable<CustomerSignal> signals, DateTimeOffset now) =>
        signals.Any(s => s.Kind == Kind && s.At <= now && s.At > now - Window
            && Filters.All(f => s.Data.TryGetValue(f.Key, out var v) && string.Equals(v, f.Value, StringComparison.Ordinal)));
}

/// <summary>
/// One dynamic-tag rule: the customer carries <see cref="Tag"/> while <see cref="When"/> (a segment query over the
/// profile: attributes, tags, products, tier) holds, every <see cref="Seen"/> behaviour happened within its window and
/// no <see cref="Unseen"/> behaviour did.
/// </summary>
public sealed record DynamicTagRule(string Id, string Tag, SegmentQuery? When, ImmutableArray<BehaviourCondition> Seen, ImmutableArray<BehaviourCondition> Unseen, int Line)
{
    /// <summary>The tag's source on a profile: <c>rule:{id}</c>.</summary>
    public string Source => DynamicTagRules.SourcePrefix + Id;

    /// <summary>True if the rule holds for the customer now. Pure.</summary>
    public bool Holds(Customer customer, IReadOnlyList<CustomerSignal> signals, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return (When is null || When.Matches(customer)) && Seen.All(c => c.SeenIn(signals, now)) && !Unseen.Any(c => c.SeenIn(signals, now));
    }
}

/// <summary>
/// A versioned rules file (<c>content-templates/tag-rules/{id}.v{version}.rules</c>), for example
/// <code>
/// [high-intent]
/// tag = 高意向
/// when = aum&gt;=50000
/// seen = clicked page=product within 7d
/// </code>
/// One section per rule; <c>when</c> is a segment query (<see cref="SegmentQuery"/>); <c>seen</c> and <c>unseen</c>
/// (any number) are <c>{signal} [key=value …] within {n}d</c>. <see cref="Parse"/> reports every problem with its
/// line and field, so an author fixes the file in one pass.
/// </summary>
public sealed partial record DynamicTagRules(string Id, int Version, string ContentHash, ImmutableArray<DynamicTagRule> Rules)
{
    /// <summary>The source prefix of the tags rules set.</summary>
    public const string SourcePrefix = "rule:";

    /// <summary>The longest behaviour window, in days.</summary>
    public const int MaxWindowDays = 365;

    /// <summary>The longest tag name (WeCom's corp tag name limit).</summary>
    public const int MaxTagLength = 30;

    /// <summary>The signal kinds a behaviour condition may name (those the pool and the pages raise).</summary>
    public static readonly IReadOnlyList<string> SignalKindsKnown =
        [SignalKinds.Added, SignalKinds.Clicked, "intent", "joined-activity", "replied", SignalKinds.Converted, SignalKinds.DeletedUs, SignalKinds.OptedOut,
         SignalKinds.LoanApplicationAbandoned];

    private static readonly string[] Fields = ["tag", "when", "seen", "unseen"];

    /// <summary>
    /// True if a signal of <paramref name="kind"/> can change what the rules decide: a kind a rule's seen/unseen names, or
    /// a profile change when a rule has a when. Other signals (most of them) cost no evaluation; time running out is the
    /// nightly sweep's.
    /// </summary>
    public bool IsRelevant(string kind) =>
        (kind == Tags.TagSignalKinds.ProfileUpdated && Rules.Any(r => r.When is not null))
        || Rules.Any(r => r.Seen.Any(c => c.Kind == kind) || r.Unseen.Any(c => c.Kind == kind));

    /// <summary>Parses <paramref name="text"/> (the file's content) named <paramref name="source"/>.</summary>
    /// <exception cref="DynamicTagRuleException">Every problem, each with its line and field.</exception>
    public static DynamicTagRules Parse(string text, string source, string id, int version)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<DynamicTagRuleError>();
        var rules = new List<DynamicTagRule>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        Draft? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var n = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                Finish(current, rules, errors);
                var ruleId = line.EndsWith(']') ? line[1..^1].Trim() : null;
                if (ruleId is null || !RuleIdPattern().IsMatch(ruleId))
                {
                    errors.Add(new(n, "id", $"a rule starts with [rule-id]: lowercase letters, digits and '-' (e.g. [high-intent]), not {line}"));
                    current = new Draft("?", n);
                }
                else
                {
                    if (rules.Any(r => r.Id == ruleId) || current?.Id == ruleId)
                    {
                        errors.Add(new(n, "id", $"rule [{ruleId}] is defined twice; give each rule its own id"));
                    }

                    current = new Draft(ruleId, n);
                }

                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var field = (eq < 0 ? line.Split(' ')[0] : line[..eq]).Trim();
            if (current is null)
            {
                errors.Add(new(n, "rule", $"\"{line}\" is outside a rule; start a rule with [rule-id] first"));
                continue;
            }

            if (!Fields.Contains(field))
            {
                errors.Add(new(n, field.Length == 0 ? "rule" : field, $"unknown field; a rule has {string.Join(", ", Fields)} (written as field = value)"));
                current.Faulty = true;
                continue;
            }

            if (eq < 0)
            {
                errors.Add(new(n, field, $"expected \"{field} = value\""));
                current.Faulty = true;
                continue;
            }

            var value = line[(eq + 1)..].Trim();
            var before = errors.Count;
            switch (field)
            {
                case "tag":
                    if (current.Tag is not null)
                    {
                        errors.Add(new(n, "tag", $"rule [{current.Id}] names its tag twice; a rule sets one tag"));
                    }
                    else if (value.Length is 0 or > MaxTagLength || value.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?' or '%' or '|'))
                    {
                        errors.Add(new(n, "tag", $"a tag is 1–{MaxTagLength} characters (WeCom's corp tag limit) without / \\ # ? % |"));
                    }
                    else
                    {
                        current.Tag = (value, n);
                    }

                    break;
                case "when":
                    if (current.When is not null)
                    {
                        errors.Add(new(n, "when", $"rule [{current.Id}] has two when lines; join them with AND"));
                        break;
                    }

                    try
                    {
                        current.When = SegmentQuery.Parse(value);
                    }
                    catch (SegmentQueryException e)
                    {
                        errors.Add(new(n, "when", e.Message + " (a segment query, e.g. aum>=50000 AND tag:代发)"));
                    }

                    break;
                default:
                    if (ParseBehaviour(value, out var problem) is { } condition)
                    {
                        (field == "seen" ? current.Seen : current.Unseen).Add(condition);
                    }
                    else
                    {
                        errors.Add(new(n, field, problem!));
                    }

                    break;
            }

            current.Faulty |= errors.Count > before;
        }

        Finish(current, rules, errors);
        foreach (var duplicate in rules.GroupBy(r => r.Tag, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var second = duplicate.Skip(1).First();
            errors.Add(new(second.Line, "tag", $"tag {duplicate.Key} is set by rules [{string.Join("], [", duplicate.Select(r => r.Id))}]; one rule per tag (combine the conditions)"));
        }

        if (errors.Count == 0 && rules.Count == 0)
        {
            errors.Add(new(1, "rule", "the file has no rules; add one as [rule-id] with tag = … and a when, seen or unseen line"));
        }

        if (errors.Count > 0)
        {
            throw new DynamicTagRuleException(source, [.. errors.OrderBy(e => e.Line)]);
        }

        return new DynamicTagRules(id, version, Journeys.JourneyDefinitionReader.Hash(System.Text.Encoding.UTF8.GetBytes(text)), [.. rules]);
    }

    /// <summary>Parses <c>{signal} [key=value …] within {n}d</c>; null and a reason if it is not one.</summary>
    public static BehaviourCondition? ParseBehaviour(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        problem = null;
        if (words.Length == 0 || !SignalKindsKnown.Contains(words[0]))
        {
            problem = $"\"{(words.Length == 0 ? "" : words[0])}\" is not a signal; use one of {string.Join(", ", SignalKindsKnown)}, then [key=value …] within {{n}}d";
            return null;
        }

        var within = Array.IndexOf(words, "within");
        if (within < 0 || within != words.Length - 2)
        {
            problem = $"say how recent: \"{words[0]} … within 7d\" (the window ends the line)";
            return null;
        }

        var window = words[^1];
        if (!window.EndsWith('d') || !int.TryParse(window.AsSpan(0, window.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            || days < 1 || days > MaxWindowDays)
        {
            problem = $"\"{window}\" is not a window; write whole days from 1d to {MaxWindowDays}d";
            return null;
        }

        var filters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var word in words[1..within])
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == word.Length - 1 || !FilterKeyPattern().IsMatch(word[..eq]))
            {
                problem = $"\"{word}\" is not a filter; write key=value on the signal's data, e.g. page=products";
                return null;
            }

            filters[word[..eq]] = word[(eq + 1)..];
        }

        return new BehaviourCondition(words[0], filters.ToImmutable(), TimeSpan.FromDays(days));
    }

    private static void Finish(Draft? draft, List<DynamicTagRule> rules, List<DynamicTagRuleError> errors)
    {
        if (draft is null || draft.Id == "?" || draft.Faulty)
        {
            return; // its own errors are reported; "no tag" or "no condition" would only repeat them
        }

        if (draft.Tag is null)
        {
            errors.Add(new(draft.Line, "tag", $"rule [{draft.Id}] sets no tag; add tag = 高意向 (say)"));
            return;
        }

        if (draft.When is null && draft.Seen.Count == 0 && draft.Unseen.Count == 0)
        {
            errors.Add(new(draft.Line, "when", $"rule [{draft.Id}] has no condition; add a when, seen or unseen line"));
            return;
        }

        rules.Add(new DynamicTagRule(draft.Id, draft.Tag.Value.Name, draft.When, [.. draft.Seen], [.. draft.Unseen], draft.Line));
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,47}$")]
    private static partial Regex RuleIdPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,31}$")]
    private static partial Regex FilterKeyPattern();

    private sealed class Draft(string id, int line)
    {
        public string Id { get; } = id;
        public int Line { get; } = line;
        public (string Name, int Line)? Tag { get; set; }
        public SegmentQuery? When { get; set; }
        public List<BehaviourCondition> Seen { get; } = [];
        public List<BehaviourCondition> Unseen { get; } = [];
        public bool Faulty { get; set; }
    }
}
