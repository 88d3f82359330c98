using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>
/// The operator API's OpenAPI document: the local host serves one that describes every operator route it maps (method,
/// summary, roles, bearer security, request body), and <c>docs/openapi.json</c> — what the Functions app serves — is
/// exactly that document. After changing a route: <c>PD_UPDATE_OPENAPI=1 dotnet test --filter OperatorApiDocumentTests</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class OperatorApiDocumentTests(AzuriteFixture fixture)
{
    private readonly TestTenant _tenant = TestTenant.Create("doc" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    [Fact]
    public async Task The_local_host_documents_every_operator_route_and_the_repository_copy_is_that_document()
    {
        var tokens = new OperatorTokens();
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], OperatorTokens.Settings(_tenant.Name, Guid.NewGuid()), tokens.Trust);

        var response = await host.Client.GetAsync(new Uri(OperatorApiDocument.Route, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var served = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(served)!;
        var paths = document["paths"]!.AsObject();
        var routes = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/tenants/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: OpenApiPath(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();
        Assert.True(routes.Count >= 13, $"only {routes.Count} operator routes found");
        // Documenting a body must not make routing refuse other content types with 415: the Functions app has no such
        // metadata, and both hosts answer alike (the handlers validate bodies themselves).
        var enforcing = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/tenants/", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is not null)
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(enforcing.Count == 0, $"routing would answer 415 on: {string.Join(", ", enforcing)}");
        foreach (var (path, method) in routes)
        {
            var operation = paths[path]?[method];
            Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace(operation!["summary"]?.GetValue<string>()), $"{method} {path} has no summary");
            Assert.StartsWith("Roles: ", operation["description"]?.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(operation["responses"]?["403"]);
        }

        Assert.Equal("bearer", document["components"]?["securitySchemes"]?[OperatorApiDocument.BearerScheme]?["scheme"]?.GetValue<string>());
        var start = Schema(document, paths["/api/tenants/{tenant}/journeys"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equivalent(new[] { "journeyId", "customerId", "senderId", "occurrence" }, start["properties"]!.AsObject().Select(p => p.Key).ToArray());

        var file = RepoRoot.Combine("docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("PD_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(file, document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        Assert.True(JsonNode.DeepEquals(document, JsonNode.Parse(await File.ReadAllTextAsync(file))),
            "docs/openapi.json (served by the Functions app) is not what the local host serves: run PD_UPDATE_OPENAPI=1 dotnet test --filter OperatorApiDocumentTests");
    }

    [Fact]
    public async Task A_host_without_the_operator_api_serves_no_document()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant]);

        var response = await host.Client.GetAsync(new Uri(OperatorApiDocument.Route, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A route template as OpenAPI writes the path: constraints dropped (<c>{year:int}</c> → <c>{year}</c>).</summary>
    public static string OpenApiPath(string route) => Constraint().Replace(route, "{$1}").TrimEnd('/');

    private static JsonNode Schema(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference ? document["components"]!["schemas"]![reference.Split('/')[^1]]! : schema;

    [GeneratedRegex(@"\{(\w+)(?::[^}]*)?\}")]
    private static partial Regex Constraint();
}
