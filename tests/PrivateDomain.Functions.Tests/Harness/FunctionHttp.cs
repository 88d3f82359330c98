using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>What an HTTP function answered: status, headers, body (JSON when there is one).</summary>
public sealed record FunctionResponse(HttpStatusCode Status, IHeaderDictionary Headers, string Text)
{
    /// <summary>The body as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();
}

/// <summary>Calls an HTTP-triggered function of the app as the Functions host's ASP.NET Core integration does: a request
/// with the app's services (a scope per call), the route values as arguments, the returned <see cref="IResult"/> executed.</summary>
public static class FunctionHttp
{
    /// <summary>Calls <paramref name="function"/> with a <paramref name="method"/> request for <paramref name="pathAndQuery"/>
    /// on <see cref="SandboxedApp.PublicHost"/>, with a bearer token, a body (an object as JSON, a string as it is, of
    /// <paramref name="contentType"/>) and a Cookie header when given.</summary>
    public static async Task<FunctionResponse> CallAsync(
        this FunctionsHost host, string method, string pathAndQuery, Func<HttpRequest, Task<IResult>> function, string? token = null, object? body = null,
        string? cookie = null, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(function);
        using var scope = host.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var (path, query) = pathAndQuery.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (pathAndQuery[..q], pathAndQuery[q..]) : (pathAndQuery, "");
        http.Request.Method = method;
        http.Request.Scheme = "https";
        http.Request.Host = new HostString(SandboxedApp.PublicHost);
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query);
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        if (cookie is not null)
        {
            http.Request.Headers.Cookie = cookie;
        }

        if (body is not null)
        {
            var bytes = body is string text ? System.Text.Encoding.UTF8.GetBytes(text) : JsonSerializer.SerializeToUtf8Bytes(body);
            http.Request.ContentType = contentType;
            http.Request.ContentLength = bytes.Length;
            http.Request.Body = new MemoryStream(bytes);
        }

        using var response = new MemoryStream();
        http.Response.Body = response;
        await (await function(http.Request)).ExecuteAsync(http);
        return new FunctionResponse((HttpStatusCode)http.Response.StatusCode, http.Response.Headers, System.Text.Encoding.UTF8.GetString(response.ToArray()));
    }
}
