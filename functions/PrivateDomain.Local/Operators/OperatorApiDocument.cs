using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace PrivateDomain.Local.Operators;

/// <summary>
/// The operator API's OpenAPI document (Microsoft.AspNetCore.OpenApi), served at <see cref="Route"/> by the local host
/// whenever the operator API is, and kept in the repository as <c>docs/openapi.json</c>, which the Functions app serves
/// at the same path. Only <c>/api/tenants/…</c> is described: the WeCom callback, customer pages and the sandbox are not
/// operator surfaces.
/// </summary>
public static class OperatorApiDocument
{
    /// <summary>Where the document is served (both hosts).</summary>
    public const string Route = "/api/openapi/v1.json";

    /// <summary><see cref="Route"/> as the route pattern <c>MapOpenApi</c> takes.</summary>
    public const string RoutePattern = "/api/openapi/{documentName}.json";

    /// <summary>The security scheme every operation needs.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Registers the document generator.</summary>
    public static IServiceCollection AddOperatorApiDocument(this IServiceCollection services) =>
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/tenants/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "PrivateDomain operator API",
                    Version = "v1",
                    Description = "Operators of a bank's WeCom private domain: journeys, payroll campaigns and calendars, CRM uploads. "
                                  + "Every call needs a bearer token (Entra ID on Azure; ./pd token on a laptop) of the tenant's Entra tenant with "
                                  + "one of the operation's roles, is audited, and answers errors as application/problem+json. See docs/OPERATOR-API.md.",
                };
                // One server-relative document for both hosts: the local host and the Functions app serve the same paths.
                document.Servers = [new OpenApiServer { Url = "/" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [BearerScheme] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description = "An access token for the API with the caller's roles (Operator, Admin, Auditor, Compliance) and tid.",
                    },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// Documents the request body without routing metadata: <c>Accepts&lt;T&gt;</c> would make routing answer 415 to any
    /// other content type, which the Functions app (no such metadata) would not — and both hosts must answer alike; the
    /// handlers read and validate bodies themselves (<see cref="PrivateDomain.Operators.OperatorRequests"/>).
    /// </summary>
    public static RouteHandlerBuilder DescribeBody<T>(this RouteHandlerBuilder endpoint, string contentType = "application/json") =>
        endpoint.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, ct).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new OpenApiMediaType { Schema = schema } },
            };
        });

    /// <summary>Describes an operation: its summary, tag and the roles that may call it.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string tag, string summary, params string[] roles) =>
        endpoint.WithTags(tag).WithSummary(summary).WithDescription($"Roles: {string.Join(", ", roles)}.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
