using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PrivateDomain.Functions.Operators;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.Functions.Tests;

/// <summary>The Functions app serves the operator API's OpenAPI document (<c>docs/openapi.json</c>, which the local host
/// generates) and every operator function it hosts is in it, as the Functions host will see them (<c>functions.metadata</c>).</summary>
public sealed partial class OperatorApiDocumentContractTests
{
    [Fact]
    public void Every_operator_function_is_in_the_document_the_app_serves()
    {
        var served = JsonNode.Parse(OperatorApiDocumentFunction.Bytes.Span)!;
        Assert.True(JsonNode.DeepEquals(served, JsonNode.Parse(File.ReadAllText(RepoRoot.Combine("docs", "openapi.json")))), "the app embeds an old docs/openapi.json");
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var operations = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray().Select(b => (Function: f.GetProperty("name").GetString()!, Binding: b)))
            .Where(x => x.Binding.GetProperty("type").GetString() == "httpTrigger"
                        && x.Binding.GetProperty("route").GetString()!.StartsWith("tenants/", StringComparison.Ordinal))
            .SelectMany(x => x.Binding.GetProperty("methods").EnumerateArray().Select(m => (x.Function, Path: "/api/" + Constraint().Replace(x.Binding.GetProperty("route").GetString()!, "{$1}"), Method: m.GetString()!.ToLowerInvariant())))
            .ToList();

        Assert.True(operations.Count >= 12, $"only {operations.Count} operator functions found");
        var missing = operations.Where(o => served["paths"]?[o.Path]?[o.Method] is null).Select(o => $"{o.Function} ({o.Method.ToUpperInvariant()} {o.Path})").ToList();
        Assert.True(missing.Count == 0, $"not in docs/openapi.json: {string.Join(", ", missing)}");
    }

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex Constraint();
}
