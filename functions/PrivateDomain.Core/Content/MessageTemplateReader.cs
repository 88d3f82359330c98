using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// Reads and validates a message template (JSON). Every error is collected, each naming its field, so an author fixes
/// a file in one pass; unknown fields are errors (a typo such as <c>atachments</c> would silently drop the link).
/// <c>body</c> may be a string or an array of lines (joined with a line break), which keeps long Chinese texts readable.
/// The canonical form (<see cref="Write"/>) is what is hashed and published; it leaves out the approval block, because
/// approval is state kept in the approval log, not content.
/// </summary>
public static partial class MessageTemplateReader
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private static readonly string[] ApprovedFields = ["approvedBy", "approvedAt"];

    private static readonly string[] Fields = ["$schema", "id", "version", "kind", "stage", "channel", "title", "tags", "body", "attachments", "approval"];

    /// <summary>Parses <paramref name="utf8"/>; <paramref name="source"/> (a file or blob name) appears in errors.</summary>
    /// <param name="utf8">The JSON.</param>
    /// <param name="source">Where it came from.</param>
    /// <param name="requireApproval">True for repository files, which must say who wrote and who approved them.</param>
    /// <exception cref="MessageTemplateException">The template is malformed or breaks a rule.</exception>
    public static TemplateDocument Read(ReadOnlySpan<byte> utf8, string source, bool requireApproval = true)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new MessageTemplateException(source, [$"not valid JSON (line {e.LineNumber + 1}): {e.Message}"]);
        }

        using (doc)
        {
            var errors = new List<string>();
            var result = Build(doc.RootElement, requireApproval, errors);
            if (errors.Count > 0 || result is null)
            {
                throw new MessageTemplateException(source, errors);
            }

            return result;
        }
    }

    /// <summary>The canonical JSON of <paramref name="template"/>'s content (no approval): what is hashed and published.</summary>
    public static byte[] Write(MessageTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return JsonSerializer.SerializeToUtf8Bytes(
            new CanonicalTemplate(
                template.Id,
                template.Version,
                ContentNames.Of(template.Kind),
                ContentNames.Of(template.Stage),
                ContentNames.Of(template.Channel),
                template.Title,
                template.Tags,
                template.Body,
                template.Attachments.IsDefaultOrEmpty ? null : template.Attachments.Select(a => new CanonicalAttachment(
                    ContentNames.Of(a.Type), a.Title, a.Url, a.Description, a.ImageUrl, a.AppId, a.Page)).ToArray()),
            Canonical);
    }

    /// <summary>Validates a template built in code (an operator's new version) exactly as a file would be: it is
    /// written canonically and read back, which also fills <see cref="MessageTemplate.ContentHash"/>.</summary>
    /// <exception cref="MessageTemplateException">The template breaks a rule.</exception>
    public static MessageTemplate Normalise(MessageTemplate template) =>
        Read(Write(template with { ContentHash = "" }), template?.ToString() ?? "template", requireApproval: false).Template;

    private static TemplateDocument? Build(JsonElement root, bool requireApproval, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("the document must be a JSON object");
            return null;
        }

        foreach (var p in root.EnumerateObject().Where(p => Array.IndexOf(Fields, p.Name) < 0))
        {
            errors.Add($"{p.Name}: unknown field; expected one of {string.Join(", ", Fields.Skip(1))}");
        }

        var id = String(root, "id", "id", errors);
        if (id is not null && !IdPattern().IsMatch(id))
        {
            errors.Add($"id: \"{id}\" is not a template id; use lowercase words of letters, digits and '-' joined by '.', e.g. \"aida.attention.welfare\" (at most 100 characters)");
            id = null;
        }

        var version = 0;
        if (!root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out version) || version is < 1 or > 10_000)
        {
            errors.Add("version: required, a whole number from 1 to 10000");
        }

        var kind = Enum<ContentKind>(root, "kind", errors);
        var stage = Enum<AidaStage>(root, "stage", errors);
        var channel = Enum<Channel>(root, "channel", errors);
        if (kind is { } k && channel is { } ch)
        {
            CheckKindChannel(k, ch, errors);
        }

        var title = String(root, "title", "title", errors);
        var tags = Tags(root, errors);
        var body = Body(root, errors);
        var attachments = Attachments(root, errors);
        if (body is not null && channel is { } c)
        {
            CheckPlaceholders(body, "body", c, errors);
            foreach (var (a, i) in attachments.Select((a, i) => (a, i)))
            {
                CheckPlaceholders(a.Title, $"attachments[{i}].title", c, errors);
                CheckPlaceholders(a.Description, $"attachments[{i}].description", c, errors);
                CheckPlaceholders(a.Url, $"attachments[{i}].url", c, errors);
                CheckPlaceholders(a.ImageUrl, $"attachments[{i}].imageUrl", c, errors);
            }

            errors.AddRange(WeComContentLimits.Check(c, body, attachments));
        }

        FileApproval? approval = null;
        if (root.TryGetProperty("approval", out var ap))
        {
            approval = Approval(ap, errors);
        }
        else if (requireApproval)
        {
            errors.Add("approval: required: { \"status\": \"draft\" or \"approved\", \"author\": …, and for approved \"approvedBy\" and \"approvedAt\" }");
        }

        if (errors.Count > 0 || id is null || title is null || body is null || kind is null || stage is null || channel is null)
        {
            return null;
        }

        var template = new MessageTemplate(id, version, kind.Value, stage.Value, channel.Value, title, tags, body, attachments, "");
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Write(template)));
        return new TemplateDocument(template with { ContentHash = hash }, approval);
    }

    private static void CheckKindChannel(ContentKind kind, Channel channel, List<string> errors)
    {
        var allowed = kind switch
        {
            ContentKind.Persona or ContentKind.Values or ContentKind.Case or ContentKind.Campaign => [Channel.Moments, Channel.Group],
            // A welcome on the group channel is a group welcome (入群欢迎语), put into WeCom's library for a group code.
            ContentKind.Welcome => [Channel.OneToOne, Channel.Group],
            ContentKind.ThreeWWhat or ContentKind.ThreeWWhy or ContentKind.ThreeWWhyNow
                or ContentKind.CheckIn or ContentKind.FollowUp => [Channel.OneToOne],
            _ => (Channel[])[Channel.OneToOne, Channel.Moments, Channel.Group],
        };
        if (Array.IndexOf(allowed, channel) < 0)
        {
            errors.Add($"channel: a {ContentNames.Of(kind)} template is sent on {string.Join(" or ", allowed.Select(a => ContentNames.Of(a)))}, not {ContentNames.Of(channel)}");
        }
    }

    private static void CheckPlaceholders(string? text, string field, Channel channel, List<string> errors)
    {
        if (text is null)
        {
            return;
        }

        var segments = Placeholders.Parse(text, out var error);
        if (segments is null)
        {
            errors.Add($"{field}: {error}");
            return;
        }

        foreach (var name in segments.Value.Where(s => s.Placeholder is not null).Select(s => s.Placeholder!).Distinct())
        {
            if (Placeholders.Known.TryGetValue(name, out var known) && known.PerCustomer && channel != Channel.OneToOne)
            {
                errors.Add($"{field}: {{{name}}} differs per customer; a {ContentNames.Of(channel)} post is one text seen by many customers, so it cannot use it");
            }

            if (name == "bank.site" && !(field.EndsWith(".url", StringComparison.Ordinal) || field.EndsWith(".imageUrl", StringComparison.Ordinal)))
            {
                errors.Add($"{field}: {{bank.site}} belongs at the start of a link's url, not in text");
            }
        }
    }

    private static ImmutableArray<string> Tags(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("tags", out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("tags: must be an array of tag names, e.g. [\"代发\", \"白领\"]");
            return [];
        }

        var tags = ImmutableArray.CreateBuilder<string>();
        foreach (var t in array.EnumerateArray())
        {
            var text = t.ValueKind == JsonValueKind.String ? t.GetString()!.Trim() : null;
            if (string.IsNullOrEmpty(text))
            {
                errors.Add("tags: every tag must be a non-empty string");
            }
            else if (tags.Contains(text))
            {
                errors.Add($"tags: \"{text}\" is listed twice");
            }
            else
            {
                tags.Add(text);
            }
        }

        return tags.ToImmutable();
    }

    private static string? Body(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("body", out var body))
        {
            errors.Add("body: required, the message text (a string, or an array of lines)");
            return null;
        }

        string? text = body.ValueKind switch
        {
            JsonValueKind.String => body.GetString(),
            JsonValueKind.Array when body.EnumerateArray().All(l => l.ValueKind == JsonValueKind.String) =>
                string.Join("\n", body.EnumerateArray().Select(l => l.GetString())),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("body: must be non-empty text (a string, or an array of strings, one per line)");
            return null;
        }

        return text;
    }

    private static ImmutableArray<TemplateAttachment> Attachments(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("attachments", out var array))
        {
            return [];
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("attachments: must be an array");
            return [];
        }

        var list = ImmutableArray.CreateBuilder<TemplateAttachment>();
        var i = 0;
        foreach (var a in array.EnumerateArray())
        {
            var at = $"attachments[{i++}]";
            if (a.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object with a type");
                continue;
            }

            var type = Enum<AttachmentType>(a, "type", errors, at + ".type");
            string[] known = type switch
            {
                AttachmentType.Link => ["type", "title", "url", "description", "imageUrl"],
                AttachmentType.Image => ["type", "url"],
                AttachmentType.MiniProgram => ["type", "title", "appId", "page", "imageUrl"],
                _ => ["type"],
            };
            foreach (var p in a.EnumerateObject().Where(p => Array.IndexOf(known, p.Name) < 0 && type is not null))
            {
                errors.Add($"{at}.{p.Name}: a {ContentNames.Of(type!.Value)} attachment has no such field; expected {string.Join(", ", known)}");
            }

            string? Field(string name, bool required) =>
                required ? String(a, name, $"{at}.{name}", errors) : a.TryGetProperty(name, out _) ? String(a, name, $"{at}.{name}", errors) : null;

            var title = Field("title", type is AttachmentType.Link or AttachmentType.MiniProgram);
            var url = Field("url", type is AttachmentType.Link or AttachmentType.Image);
            var description = Field("description", false);
            var image = Field("imageUrl", type is AttachmentType.MiniProgram);
            var appId = Field("appId", type is AttachmentType.MiniProgram);
            var page = Field("page", type is AttachmentType.MiniProgram);
            Url(url, at + ".url", errors);
            Url(image, at + ".imageUrl", errors);
            if (type is { } t)
            {
                list.Add(new TemplateAttachment(t, title, url, description, image, appId, page));
            }
        }

        return list.ToImmutable();
    }

    private static void Url(string? url, string field, List<string> errors)
    {
        if (url is null)
        {
            return;
        }

        // A campaign page placeholder is the whole url: it renders to the signed https page link.
        if (url.Length > 2 && url[0] == '{' && url[^1] == '}' && PagePlaceholders.Parse(url[1..^1]) is not null)
        {
            return;
        }

        var literal = url.StartsWith("{bank.site}/", StringComparison.Ordinal) ? "https://bank.example" + url["{bank.site}".Length..] : url;
        if (!TemplateRenderer.IsHttps(literal) || literal.Contains("{bank.site}", StringComparison.Ordinal))
        {
            errors.Add($"{field}: \"{url}\" must be an https URL, start with {{bank.site}}/ for the bank's own H5 pages, or be a campaign page ({{page.welfare}}, {{page.quiz}}, {{page.product:<id>}})");
        }
    }

    private static FileApproval? Approval(JsonElement a, List<string> errors)
    {
        if (a.ValueKind != JsonValueKind.Object)
        {
            errors.Add("approval: must be an object");
            return null;
        }

        string[] known = ["status", "author", "approvedBy", "approvedAt"];
        foreach (var p in a.EnumerateObject().Where(p => Array.IndexOf(known, p.Name) < 0))
        {
            errors.Add($"approval.{p.Name}: unknown field; expected one of {string.Join(", ", known)}");
        }

        var status = String(a, "status", "approval.status", errors);
        var author = String(a, "author", "approval.author", errors);
        string? approvedBy = null;
        DateTimeOffset? approvedAt = null;
        if (status == "approved")
        {
            approvedBy = String(a, "approvedBy", "approval.approvedBy", errors);
            var at = String(a, "approvedAt", "approval.approvedAt", errors);
            if (at is not null)
            {
                if (DateTimeOffset.TryParseExact(at, "yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && at.Length > 19)
                {
                    approvedAt = parsed;
                }
                else
                {
                    errors.Add($"approval.approvedAt: \"{at}\" is not a time with its offset; write e.g. \"2026-01-15T10:30:00+08:00\"");
                }
            }

            if (author is not null && approvedBy is not null && MakerChecker.SamePerson(author, approvedBy))
            {
                errors.Add($"approval.approvedBy: \"{approvedBy}\" is the author; maker-checker needs a different approver");
            }
        }
        else if (status == "draft")
        {
            foreach (var name in ApprovedFields.Where(n => a.TryGetProperty(n, out _)))
            {
                errors.Add($"approval.{name}: a draft has not been approved; remove it or set status to \"approved\"");
            }
        }
        else if (status is not null)
        {
            errors.Add($"approval.status: \"{status}\" is not a status; use \"draft\" or \"approved\"");
        }

        return status is null || author is null ? null
            : new FileApproval(status == "approved" ? ApprovalStatus.Approved : ApprovalStatus.Draft, author, approvedBy, approvedAt);
    }

    private static T? Enum<T>(JsonElement obj, string name, List<string> errors, string? path = null)
        where T : struct, System.Enum
    {
        path ??= name;
        var text = String(obj, name, path, errors);
        if (text is null)
        {
            return null;
        }

        if (ContentNames.TryParse<T>(text, out var value))
        {
            return value;
        }

        errors.Add($"{path}: \"{text}\" is not a {name}; use one of {ContentNames.All<T>()}");
        return null;
    }

    private static string? String(JsonElement obj, string name, string path, List<string> errors)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            errors.Add($"{path}: required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"{path}: must be a non-empty string");
            return null;
        }

        return value.GetString();
    }

    [GeneratedRegex(@"^(?=.{1,100}$)[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$")]
    private static partial Regex IdPattern();

    private sealed record CanonicalTemplate(
        string Id,
        int Version,
        string Kind,
        string Stage,
        string Channel,
        string Title,
        ImmutableArray<string> Tags,
        string Body,
        CanonicalAttachment[]? Attachments);

    private sealed record CanonicalAttachment(string Type, string? Title, string? Url, string? Description, string? ImageUrl, string? AppId, string? Page);
}

/// <summary>A template as read: its content and, for a repository file, the approval the file records.</summary>
public sealed record TemplateDocument(MessageTemplate Template, FileApproval? Approval);

/// <summary>The approval block of a repository file: who wrote it and, once compliance signed it off in the repository's
/// review, who approved it and when.</summary>
public sealed record FileApproval(ApprovalStatus Status, string Author, string? ApprovedBy, DateTimeOffset? ApprovedAt);
