using System.Collections.Immutable;
using System.Text;
using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// Fills a template's placeholders. All or nothing: every field is checked before any text is produced, and a missing
/// value, an unknown placeholder, a per-customer placeholder in a Moments/group post, a link that does not end up as an
/// https URL, or a result over WeCom's limits throws <see cref="TemplateRenderException"/> naming each problem. A caller
/// gets a complete message or none.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>Renders <paramref name="template"/> with <paramref name="values"/>.</summary>
    /// <exception cref="TemplateRenderException">The message cannot be completed; <see cref="TemplateRenderException.Problems"/> says why.</exception>
    public static RenderedMessage Render(MessageTemplate template, PlaceholderValues values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        values = values with { PageContent = $"{template.Id}@v{template.Version}" };
        var problems = new List<string>();
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var body = Fill(template.Body, "body", template.Channel, values, problems, missing);
        var attachments = ImmutableArray.CreateBuilder<TemplateAttachment>(template.Attachments.Length);
        for (var i = 0; i < template.Attachments.Length; i++)
        {
            var a = template.Attachments[i];
            var at = $"attachments[{i}]";
            var url = Fill(a.Url, at + ".url", template.Channel, values, problems, missing);
            var image = Fill(a.ImageUrl, at + ".imageUrl", template.Channel, values, problems, missing);
            foreach (var (field, value) in new[] { ("url", url), ("imageUrl", image) })
            {
                if (value is not null && !IsHttps(value))
                {
                    problems.Add($"{at}.{field}: \"{value}\" is not an absolute https URL (is PlaceholderValues.BankSite https?)");
                }
            }

            attachments.Add(a with
            {
                Title = Fill(a.Title, at + ".title", template.Channel, values, problems, missing),
                Description = Fill(a.Description, at + ".description", template.Channel, values, problems, missing),
                Url = url,
                ImageUrl = image,
            });
        }

        if (problems.Count == 0)
        {
            problems.AddRange(WeComContentLimits.Check(template.Channel, body!, attachments).Select(p => "rendered " + p));
        }

        if (problems.Count > 0)
        {
            throw new TemplateRenderException(template, problems, [.. missing]);
        }

        return new RenderedMessage(template.Id, template.Version, template.Channel, body!, attachments.MoveToImmutable());
    }

    /// <summary>True for an absolute https URL.</summary>
    internal static bool IsHttps(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host);

    private static string? Fill(string? text, string field, Channel channel, PlaceholderValues values, List<string> problems, SortedSet<string> missing)
    {
        if (text is null)
        {
            return null;
        }

        var segments = Placeholders.Parse(text, out var error);
        if (segments is null)
        {
            problems.Add($"{field}: {error}");
            return null;
        }

        var before = problems.Count;
        var sb = new StringBuilder(text.Length + 32);
        foreach (var s in segments)
        {
            if (s.Placeholder is null)
            {
                sb.Append(s.Literal);
                continue;
            }

            var p = Placeholders.Known.TryGetValue(s.Placeholder, out var known) ? known : PagePlaceholders.For(s.Placeholder);
            if (p.PerCustomer && channel != Channel.OneToOne)
            {
                problems.Add($"{field}: {{{p.Name}}} differs per customer and cannot be used in a {ContentNames.Of(channel)} post");
                continue;
            }

            var value = p.Value(values);
            if (string.IsNullOrWhiteSpace(value))
            {
                missing.Add(p.Name);
                problems.Add($"{field}: no value for {{{p.Name}}} ({p.Meaning})");
                continue;
            }

            sb.Append(value);
        }

        return problems.Count == before ? sb.ToString() : null;
    }
}

/// <summary>A rendered message, ready for delivery: complete text and attachments within WeCom's limits.</summary>
/// <param name="TemplateId">The template it came from.</param>
/// <param name="Version">The template version.</param>
/// <param name="Channel">The channel it was written for.</param>
/// <param name="Text">The text.</param>
/// <param name="Attachments">The attachments, placeholders filled.</param>
public sealed record RenderedMessage(string TemplateId, int Version, Channel Channel, string Text, ImmutableArray<TemplateAttachment> Attachments);

/// <summary>A template could not be rendered. Nothing was produced; <see cref="Problems"/> names each field and
/// placeholder, <see cref="Missing"/> lists the placeholders that had no value.</summary>
public sealed class TemplateRenderException : Exception
{
    /// <summary>Creates the exception for <paramref name="template"/>.</summary>
    public TemplateRenderException(MessageTemplate template, IReadOnlyList<string> problems, IReadOnlyList<string> missing)
        : base($"{template} cannot be rendered: " + string.Join("; ", problems))
    {
        ArgumentNullException.ThrowIfNull(template);
        TemplateId = template.Id;
        Version = template.Version;
        Problems = problems;
        Missing = missing;
    }

    /// <summary>Creates an empty exception (for serializers and analyzers).</summary>
    public TemplateRenderException()
        : this("cannot be rendered")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TemplateRenderException(string message)
        : base(message)
    {
        TemplateId = "";
        Problems = [message];
        Missing = [];
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TemplateRenderException(string message, Exception innerException)
        : base(message, innerException)
    {
        TemplateId = "";
        Problems = [message];
        Missing = [];
    }

    /// <summary>The template's id.</summary>
    public string TemplateId { get; }

    /// <summary>The template's version.</summary>
    public int Version { get; }

    /// <summary>Every problem, naming the field.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The placeholders (e.g. <c>customer.name</c>) that had no value.</summary>
    public IReadOnlyList<string> Missing { get; }
}
