using System.Globalization;

namespace PrivateDomain.Input;

/// <summary>
/// The documented alphabet and length of one kind of input (docs/OPERATOR-API.md, docs/CRM-MESSAGES.md). Every edge —
/// HTTP, queue, Service Bus, CLI — checks a value against its rule before anything is stored, so a value that reaches a
/// Table key or property is known to fit there. Lengths count UTF-16 characters; the identifier alphabets are ASCII, so
/// for them characters and bytes agree (WeCom's own limits are in bytes).
/// </summary>
/// <param name="Kind">What the value is, as the error message says it ("a WeCom userid").</param>
/// <param name="MaxLength">The most characters allowed (at least one is always required).</param>
/// <param name="Alphabet">The allowed characters, in words, for the error message and the docs.</param>
/// <param name="Allowed">Whether a character at a position is allowed (position 0 may be stricter).</param>
public sealed record InputRule(string Kind, int MaxLength, string Alphabet, Func<char, int, bool> Allowed)
{
    /// <summary>True if <paramref name="value"/> follows the rule.</summary>
    public bool IsValid(string? value) => Check(value, "value") is null;

    /// <summary>Null if <paramref name="value"/> follows the rule, else a message naming <paramref name="field"/> and the fix.</summary>
    public string? Check(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{field} is required: {Describe()}.";
        }

        if (value.Length > MaxLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field} is {value.Length} characters long; {Kind} is at most {MaxLength} ({Alphabet}).");
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (!Allowed(value[i], i))
            {
                var shown = char.IsControl(value[i]) || char.IsWhiteSpace(value[i])
                    ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)value[i]:X4}")
                    : $"'{value[i]}'";
                return string.Create(CultureInfo.InvariantCulture, $"{field} has {shown} at position {i + 1}; {Describe()}.");
            }
        }

        return null;
    }

    /// <summary>The rule in words: "a WeCom userid: 1–64 characters, letters, digits and _ - @ . (a letter or digit first)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Kind} is 1–{MaxLength} characters, {Alphabet}");

    /// <summary>A value shortened for a log line or an audit row: at most <paramref name="max"/> characters, the cut marked.</summary>
    public static string Truncate(string? value, int max)
    {
        if (value is null)
        {
            return "";
        }

        return value.Length <= max ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..max]}…(+{value.Length - max})");
    }
}
