using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PrivateDomain.Content;

/// <summary>
/// The compliance screen for sensitive words (保本, 稳赚, 无风险, …): a list the bank's compliance team maintains as data
/// (<c>content-templates/sensitive-words/zh-CN.json</c>), grouped in categories, with exceptions — disclosures such as
/// 不保本 or 不保证收益 contain a listed word but say the opposite, so a hit inside an exception does not count.
/// <para>
/// Matching sees through the usual disguises: full-width and half-width forms are the same (NFKC, so ＡＢ１ is AB1),
/// letters are case-insensitive, and whitespace (including the ideographic space), zero-width characters and
/// symbols or punctuation placed between characters (保 本, 保-本, 保*本, 保·本) are ignored. Chinese sentence
/// punctuation (。，；！？、：) is kept as a boundary, so a word never matches across two clauses.
/// </para>
/// </summary>
public sealed class SensitiveWordScreen
{
    private const char Boundary = '\u2029';
    private const string SentenceMarks = "。，；！？、：";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ImmutableArray<(string Normalised, SensitiveWord Word)> _words;
    private readonly ImmutableArray<string> _exceptions;

    /// <summary>Builds a screen from <paramref name="words"/> and <paramref name="exceptions"/>.</summary>
    /// <exception cref="ArgumentException">A word or exception is empty once normalised.</exception>
    public SensitiveWordScreen(string version, IEnumerable<SensitiveWord> words, IEnumerable<string> exceptions)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(exceptions);
        Version = version;
        Words = [.. words];
        Exceptions = [.. exceptions];
        _words = [.. Words.Select(w => (Normalise(w.Word).Text, w))];
        _exceptions = [.. Exceptions.Select(e => Normalise(e).Text)];
        if (_words.Any(w => w.Normalised.Length == 0) || _exceptions.Any(e => e.Length == 0))
        {
            throw new ArgumentException("A sensitive word or exception has no letters left once spaces and symbols are removed.", nameof(words));
        }

        Hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(ToJson()));
    }

    /// <summary>The list's version as its maintainers wrote it (e.g. <c>2026-01</c>).</summary>
    public string Version { get; }

    /// <summary>The words, each with its category.</summary>
    public ImmutableArray<SensitiveWord> Words { get; }

    /// <summary>Phrases within which a listed word is not a hit (不保本, 不保证收益, …).</summary>
    public ImmutableArray<string> Exceptions { get; }

    /// <summary><c>sha256:</c> of the canonical JSON: which list a screening used.</summary>
    public string Hash { get; }

    /// <summary>Reads a word list (JSON: <c>version</c>, <c>categories[].name/words[]</c>, <c>exceptions[]</c>).</summary>
    /// <exception cref="MessageTemplateException">The list is malformed; the message names the field.</exception>
    public static SensitiveWordScreen Read(ReadOnlySpan<byte> utf8, string source)
    {
        var errors = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var root = doc.RootElement;
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
            if (string.IsNullOrWhiteSpace(version))
            {
                errors.Add("version: required, a string such as \"2026-01\"");
            }

            var words = new List<SensitiveWord>();
            if (!root.TryGetProperty("categories", out var categories) || categories.ValueKind != JsonValueKind.Array)
            {
                errors.Add("categories: required, an array of { \"name\": …, \"words\": [ … ] }");
            }
            else
            {
                var i = 0;
                foreach (var c in categories.EnumerateArray())
                {
                    var at = $"categories[{i++}]";
                    var name = c.ValueKind == JsonValueKind.Object && c.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    if (string.IsNullOrWhiteSpace(name))
                    {
                        errors.Add($"{at}.name: required");
                        continue;
                    }

                    words.AddRange(Strings(c, "words", $"{at} \"{name}\".words", errors).Select(w => new SensitiveWord(w, name)));
                }
            }

            var exceptions = root.TryGetProperty("exceptions", out _) ? Strings(root, "exceptions", "exceptions", errors) : [];
            foreach (var w in words.Concat(exceptions.Select(e => new SensitiveWord(e, "exceptions"))).Where(w => Normalise(w.Word).Text.Length == 0))
            {
                errors.Add($"{w.Category}: \"{w.Word}\" has nothing to match once spaces and symbols are removed");
            }

            if (errors.Count == 0)
            {
                return new SensitiveWordScreen(version!, words, exceptions);
            }
        }
        catch (JsonException e)
        {
            errors.Add($"not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }

        throw new MessageTemplateException(source, errors);
    }

    /// <summary>The list as canonical JSON (what <see cref="Read"/> reads), for publishing.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new
        {
            version = Version,
            categories = Words.GroupBy(w => w.Category).Select(g => new { name = g.Key, words = g.Select(w => w.Word) }),
            exceptions = Exceptions,
        },
        Json);

    /// <summary>Screens one text; <paramref name="field"/> labels the hits.</summary>
    public ImmutableArray<SensitiveWordHit> Screen(string text, string field = "text")
    {
        ArgumentNullException.ThrowIfNull(text);
        var (normalised, origin) = Normalise(text);
        var exempt = new bool[normalised.Length];
        foreach (var e in _exceptions)
        {
            for (var at = normalised.IndexOf(e, StringComparison.Ordinal); at >= 0; at = normalised.IndexOf(e, at + 1, StringComparison.Ordinal))
            {
                Array.Fill(exempt, true, at, e.Length);
            }
        }

        var hits = ImmutableArray.CreateBuilder<SensitiveWordHit>();
        foreach (var (word, entry) in _words)
        {
            for (var at = normalised.IndexOf(word, StringComparison.Ordinal); at >= 0; at = normalised.IndexOf(word, at + 1, StringComparison.Ordinal))
            {
                if (exempt.AsSpan(at, word.Length).IndexOf(false) < 0)
                {
                    continue;
                }

                var start = origin[at];
                var end = origin[at + word.Length - 1];
                end += char.IsHighSurrogate(text[end]) ? 2 : 1;
                hits.Add(new SensitiveWordHit(entry.Word, entry.Category, field, start, text[start..end]));
            }
        }

        return [.. hits.OrderBy(h => h.Index).ThenBy(h => h.Word, StringComparer.Ordinal)];
    }

    /// <summary>Screens everything a template would send: its body and its attachments' titles and descriptions.</summary>
    public ImmutableArray<SensitiveWordHit> Screen(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var hits = Screen(template.Body, "body").ToBuilder();
        for (var i = 0; i < template.Attachments.Length; i++)
        {
            var a = template.Attachments[i];
            if (a.Title is not null)
            {
                hits.AddRange(Screen(a.Title, $"attachments[{i}].title"));
            }

            if (a.Description is not null)
            {
                hits.AddRange(Screen(a.Description, $"attachments[{i}].description"));
            }
        }

        return hits.ToImmutable();
    }

    /// <summary>The matching form of <paramref name="text"/> and, per character of it, where it came from.</summary>
    private static (string Text, int[] Origin) Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length);
        var i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var at = i;
            i += rune.Utf16SequenceLength;
            if (rune.IsBmp && SentenceMarks.Contains((char)rune.Value, StringComparison.Ordinal))
            {
                if (sb.Length == 0 || sb[^1] != Boundary)
                {
                    sb.Append(Boundary);
                    origin.Add(at);
                }

                continue;
            }

            var folded = rune.ToString().Normalize(NormalizationForm.FormKC).ToLowerInvariant();
            foreach (var r in folded.EnumerateRunes())
            {
                if (Ignored(r))
                {
                    continue;
                }

                foreach (var c in r.ToString())
                {
                    sb.Append(c);
                    origin.Add(at);
                }
            }
        }

        return (sb.ToString(), origin.ToArray());
    }

    private static bool Ignored(Rune r) => Rune.GetUnicodeCategory(r) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark => true,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OtherPunctuation => true,
        UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation => true,
        UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
        _ => false,
    };

    private static ImmutableArray<string> Strings(JsonElement obj, string name, string path, List<string> errors)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}: required, an array of strings");
            return [];
        }

        var list = ImmutableArray.CreateBuilder<string>();
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString()))
            {
                list.Add(e.GetString()!);
            }
            else
            {
                errors.Add($"{path}: every entry must be a non-empty string");
            }
        }

        return list.ToImmutable();
    }
}

/// <summary>A listed word and its category (承诺保本保收益, 否认风险, …).</summary>
public sealed record SensitiveWord(string Word, string Category);

/// <summary>A sensitive word found in a text.</summary>
/// <param name="Word">The listed word.</param>
/// <param name="Category">Its category.</param>
/// <param name="Field">Where: <c>body</c>, <c>attachments[0].title</c>, ….</param>
/// <param name="Index">The position in that field's text (UTF-16).</param>
/// <param name="Matched">The text as written, disguise included (e.g. <c>保 本</c>).</param>
public sealed record SensitiveWordHit(string Word, string Category, string Field, int Index, string Matched)
{
    /// <summary><c>body: "保 本" (保本, 承诺保本保收益)</c>.</summary>
    public override string ToString() => $"{Field}: \"{Matched}\" ({Word}, {Category})";
}
