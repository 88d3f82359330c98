using System.Collections.Immutable;
using System.Text.Json;

namespace PrivateDomain.Journeys;

/// <summary>
/// The journey definitions of a directory (<c>content-templates/journeys</c>): every <c>{id}.v{version}.json</c>,
/// validated, plus <c>published.json</c>, the lock that makes publishing final. A published definition's content hash
/// is recorded there; if the file later hashes differently the catalog refuses to load, because customers already in
/// that version would otherwise see the journey change under them. Change a published journey by adding a version.
/// </summary>
public sealed class JourneyCatalog
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "published.json";

    private readonly ImmutableDictionary<(string Id, int Version), JourneyDefinition> _definitions;

    private JourneyCatalog(ImmutableDictionary<(string Id, int Version), JourneyDefinition> definitions) => _definitions = definitions;

    /// <summary>Every definition, by id then version.</summary>
    public IEnumerable<JourneyDefinition> All => _definitions.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ThenBy(d => d.Version);

    /// <summary>Loads and checks every definition in <paramref name="directory"/>.</summary>
    /// <exception cref="JourneyDefinitionException">A file is invalid, misnamed, or a published one changed.</exception>
    public static JourneyCatalog Load(string directory)
    {
        var errors = new List<string>();
        var definitions = ImmutableDictionary.CreateBuilder<(string, int), JourneyDefinition>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name == LockFileName)
            {
                continue;
            }

            try
            {
                var d = JourneyDefinitionReader.Read(File.ReadAllBytes(path), name);
                var expected = $"{d.Id}.v{d.Version}.json";
                if (name != expected)
                {
                    errors.Add($"{name}: a definition with id \"{d.Id}\" and version {d.Version} must be in {expected}");
                    continue;
                }

                definitions[(d.Id, d.Version)] = d;
            }
            catch (JourneyDefinitionException e)
            {
                errors.AddRange(e.Errors.Select(x => $"{name}: {x}"));
            }
        }

        var lockPath = Path.Combine(directory, LockFileName);
        var locked = File.Exists(lockPath) ? ReadLock(File.ReadAllBytes(lockPath), errors) : [];
        foreach (var d in definitions.Values)
        {
            var key = $"{d.Id}@{d.Version}";
            var pinned = locked.GetValueOrDefault(key);
            if (d.Published && pinned is null)
            {
                errors.Add($"{d.Id}.v{d.Version}.json: status is \"published\" but {LockFileName} has no \"{key}\"; add \"{key}\": \"{d.ContentHash}\" to publish it");
            }
            else if (d.Published && pinned != d.ContentHash)
            {
                errors.Add($"{d.Id}.v{d.Version}.json: published as {pinned} but the file now hashes to {d.ContentHash}; published definitions are immutable — restore it and add version {d.Version + 1} instead");
            }
            else if (!d.Published && pinned is not null)
            {
                errors.Add($"{d.Id}.v{d.Version}.json: listed in {LockFileName} as published but its status is \"draft\"");
            }
        }

        foreach (var key in locked.Keys)
        {
            var at = key.LastIndexOf('@');
            if (at < 0 || !int.TryParse(key.AsSpan(at + 1), out var v) || !definitions.ContainsKey((key[..at], v)))
            {
                errors.Add($"{LockFileName}: \"{key}\" is published but its file is missing; a published version is never deleted while journeys may run on it");
            }
        }

        if (errors.Count > 0)
        {
            throw new JourneyDefinitionException(directory, errors);
        }

        return new JourneyCatalog(definitions.ToImmutable());
    }

    /// <summary>The definition with <paramref name="id"/> at <paramref name="version"/>, or its latest version.</summary>
    /// <exception cref="KeyNotFoundException">No such journey; the message lists the ones there are.</exception>
    public JourneyDefinition Get(string id, int? version = null)
    {
        var match = _definitions.Values.Where(d => d.Id == id && (version is null || d.Version == version))
            .OrderByDescending(d => d.Version).FirstOrDefault();
        return match ?? throw new KeyNotFoundException(
            $"No journey \"{id}\"{(version is null ? "" : $" v{version}")}; known: {string.Join(", ", All.Select(d => d.ToString()))}");
    }

    private static Dictionary<string, string> ReadLock(byte[] json, List<string> errors)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        }
        catch (JsonException e)
        {
            errors.Add($"{LockFileName}: must be an object of \"id@version\": \"sha256:…\" pairs ({e.Message})");
            return [];
        }
    }
}
