using System.Collections.Immutable;

namespace PrivateDomain.Content;

/// <summary>
/// The template files of a folder (<c>content-templates/messages</c>), laid out by scope exactly as they are published:
/// <c>default/{id}.v{version}.json</c>, <c>bank/{bank}/…</c> and <c>branch/{bank}/{branch}/…</c>. Every file is
/// validated; an override or a later version must keep the kind and channel of the id it revises, because journeys
/// plan a step's channel from the id. Errors name the file (relative to the folder) and the field.
/// </summary>
public static class MessageTemplateFolder
{
    /// <summary>Loads and checks every template in <paramref name="directory"/>.</summary>
    /// <exception cref="MessageTemplateException">A file is invalid, misnamed or misplaced, or an id changes kind or channel.</exception>
    public static ImmutableArray<TemplateFile> Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new MessageTemplateException(directory, ["the template folder does not exist; point Content:TemplatesPath at content-templates/messages"]);
        }

        var errors = new List<string>();
        var files = ImmutableArray.CreateBuilder<TemplateFile>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
            var folder = relative.Contains('/', StringComparison.Ordinal) ? relative[..relative.LastIndexOf('/')] : "";
            if (!TemplateScope.TryParse(folder, out var scope))
            {
                errors.Add($"{relative}: templates live in default/, bank/{{bank}}/ or branch/{{bank}}/{{branch}}/ (lowercase names); move the file");
                continue;
            }

            try
            {
                var doc = MessageTemplateReader.Read(File.ReadAllBytes(path), relative);
                var t = doc.Template;
                var expected = $"{t.Id}.v{t.Version}.json";
                if (Path.GetFileName(path) != expected)
                {
                    errors.Add($"{relative}: a template with id \"{t.Id}\" and version {t.Version} must be in {folder}/{expected}");
                    continue;
                }

                files.Add(new TemplateFile(scope, t, doc.Approval!, relative));
            }
            catch (MessageTemplateException e)
            {
                errors.AddRange(e.Errors.Select(x => $"{relative}: {x}"));
            }
        }

        foreach (var group in files.GroupBy(f => f.Template.Id, StringComparer.Ordinal))
        {
            var first = group.OrderBy(f => f.Scope.Key == "default" ? 0 : 1).ThenBy(f => f.Template.Version).First();
            foreach (var f in group.Where(f => f.Template.Kind != first.Template.Kind || f.Template.Channel != first.Template.Channel))
            {
                errors.Add($"{f.Path}: kind {ContentNames.Of(f.Template.Kind)} on {ContentNames.Of(f.Template.Channel)} differs from {first.Path} " +
                    $"({ContentNames.Of(first.Template.Kind)} on {ContentNames.Of(first.Template.Channel)}); an override or new version must keep both — use a new id instead");
            }
        }

        if (errors.Count > 0)
        {
            throw new MessageTemplateException(directory, errors);
        }

        return files.ToImmutable();
    }
}

/// <summary>A template file of the repository: its scope, content, recorded approval and path (relative, '/'-separated).</summary>
public sealed record TemplateFile(TemplateScope Scope, MessageTemplate Template, FileApproval Approval, string Path)
{
    /// <summary>The version this file is.</summary>
    public TemplateRef Ref => new(Scope, Template.Id, Template.Version);
}
