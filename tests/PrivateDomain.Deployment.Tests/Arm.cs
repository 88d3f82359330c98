using System.Text.Json.Nodes;

namespace PrivateDomain.Deployment.Tests;

/// <summary>Walks compiled ARM templates and Bicep snapshots.</summary>
internal static class Arm
{
    /// <summary>
    /// Every resource in a compiled template, including those in nested deployments (Bicep modules). Handles both
    /// resource arrays and languageVersion 2.0's symbolic-name objects.
    /// </summary>
    public static IEnumerable<JsonObject> TemplateResources(JsonObject template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject map => map.Select(kv => kv.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            yield return resource;
            if (TypeOf(resource) == "microsoft.resources/deployments" && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in TemplateResources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The resources a snapshot predicts.</summary>
    public static IEnumerable<JsonObject> SnapshotResources(JsonObject snapshot) =>
        (snapshot["predictedResources"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>Lower-case resource type.</summary>
    public static string TypeOf(JsonObject resource) => (resource["type"]?.GetValue<string>() ?? "").ToLowerInvariant();

    /// <summary>Resources of one type (case-insensitive).</summary>
    public static List<JsonObject> OfType(this IEnumerable<JsonObject> resources, string type) =>
        resources.Where(r => string.Equals(TypeOf(r), type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>A string at a path below a node ("properties.siteConfig.minTlsVersion"), or null.</summary>
    public static string? Str(this JsonNode? node, string path) => At(node, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A boolean at a path, or null.</summary>
    public static bool? Bool(this JsonNode? node, string path) => At(node, path) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>An integer at a path, or null.</summary>
    public static int? Int(this JsonNode? node, string path) => At(node, path) is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    /// <summary>The node at a dotted path, or null.</summary>
    public static JsonNode? At(this JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            node = node is JsonObject o ? o[segment] : null;
        }

        return node;
    }

    /// <summary>The resource's name as written (may be an ARM expression in a compiled template).</summary>
    public static string NameOf(JsonObject resource) => resource["name"]?.ToJsonString() ?? "";
}
