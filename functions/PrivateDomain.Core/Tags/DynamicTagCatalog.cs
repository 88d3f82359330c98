using System.Text.Json;
using System.Text.RegularExpressions;

namespace PrivateDomain.Tags;

/// <summary>
/// The dynamic-tag rules in force: the highest version of <c>{id}.v{version}.rules</c> in a folder
/// (<c>content-templates/tag-rules</c>), checked like journeys: <c>published.json</c> pins each published version's
/// content hash, so a published file cannot change under customers — a change is a new version.
/// </summary>
public sealed partial class DynamicTagCatalog
{
    /// <summary>The rules file id the hosts use.</summary>
    public const string DefaultId = "dynamic-tags";

    private DynamicTagCatalog(DynamicTagRules? current) => Current = current;

    /// <summary>The rules in force, or null when the folder has none (no dynamic tags).</summary>
    public DynamicTagRules? Current { get; }

    /// <summary>A catalogue of given rules (tests, tools).</summary>
    public static DynamicTagCatalog Of(DynamicTagRules? rules) => new(rules);

    /// <summary>Loads the folder; a missing folder means no rules.</summary>
    /// <exception cref="DynamicTagRuleException">A file is invalid or a published one changed.</exception>
    public static DynamicTagCatalog Load(string directory, string id = DefaultId)
    {
        if (!Directory.Exists(directory))
        {
            return new DynamicTagCatalog(null);
        }

        var errors = new List<DynamicTagRuleError>();
        var lockPath = Path.Combine(directory, "published.json");
        var pinned = File.Exists(lockPath) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(lockPath)) ?? [] : [];
        DynamicTagRules? latest = null;
        foreach (var path in Directory.EnumerateFiles(directory, id + ".v*.rules").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var match = FileNamePattern().Match(name);
            if (!match.Success)
            {
                errors.Add(new DynamicTagRuleError(0, "file", $"{name}: name a rules file {id}.v{{version}}.rules"));
                continue;
            }

            var version = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            try
            {
                var rules = DynamicTagRules.Parse(File.ReadAllText(path), name, id, version);
                if (pinned.TryGetValue($"{id}@{version}", out var hash) && hash != rules.ContentHash)
                {
                    errors.Add(new DynamicTagRuleError(0, "file", $"{name}: published as {hash} but now hashes to {rules.ContentHash}; restore it and add version {version + 1}"));
                }

                if (latest is null || rules.Version > latest.Version)
                {
                    latest = rules;
                }
            }
            catch (DynamicTagRuleException e)
            {
                errors.AddRange(e.Errors.Select(x => x with { Reason = name + ": " + x.Reason }));
            }
        }

        if (errors.Count > 0)
        {
            throw new DynamicTagRuleException(directory, errors);
        }

        return new DynamicTagCatalog(latest);
    }

    [GeneratedRegex(@"^[a-z0-9-]+\.v([1-9][0-9]{0,3})\.rules$")]
    private static partial Regex FileNamePattern();
}
