using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace PrivateDomain.Functions.Operators;

/// <summary>
/// The operator API's OpenAPI document at <c>/api/openapi/v1.json</c>, as the local host serves it: the functions here
/// have no endpoint metadata to generate it from, so the app serves <c>docs/openapi.json</c>, which the local host
/// generates and a test keeps equal to what it serves (<c>OperatorApiDocumentTests</c>); another test checks that every
/// operator function's route is in it.
/// </summary>
public sealed class OperatorApiDocumentFunction
{
    /// <summary>The document's resource name in this assembly.</summary>
    public const string Resource = "openapi.json";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(OperatorApiDocumentFunction).Assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidOperationException($"The embedded {Resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>The document's bytes.</summary>
    public static ReadOnlyMemory<byte> Bytes => Document.Value;

    /// <summary>Serves the document (anonymous: it describes the API's shape, every operation still needs a token).</summary>
    [Function("OperatorApiDocument")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Function methods are bound on an instance.")]
    public IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request) =>
        Results.Bytes(Document.Value, "application/json;charset=utf-8");
}
