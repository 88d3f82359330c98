using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Functions.Journeys;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;

namespace PrivateDomain.Functions.Tests;

/// <summary>The Functions app's customer pages (<c>/api/l/{token}</c>, <c>/api/u/{token}</c>) answer as the local host's:
/// zh-CN HTML with the security headers, an expired page after Links:Lifetime, never a JSON error.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class CustomerPageFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_pages_send_the_security_headers_refuse_other_hosts_and_expire()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, DateTimeOffset.UtcNow);
        var links = host.Get<TrackedLinkSigner>();
        var functions = host.Function<TrackedLinkFunctions>();

        var unsubscribe = await RunAsync(host, "GET", r => functions.UnsubscribeAsync(r, links.Create(new TrackedLink(host.Tenant, "c1", null, null)), CancellationToken.None));
        Assert.Equal(StatusCodes.Status200OK, unsubscribe.StatusCode);
        Assert.StartsWith("text/html", unsubscribe.ContentType, StringComparison.Ordinal);
        Assert.Equal("nosniff", unsubscribe.Headers.XContentTypeOptions.ToString());
        Assert.Equal("no-referrer", unsubscribe.Headers["Referrer-Policy"].ToString());
        Assert.Equal("DENY", unsubscribe.Headers.XFrameOptions.ToString());
        Assert.Contains("frame-ancestors 'none'", unsubscribe.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);

        var evil = await RunAsync(host, "GET", r => functions.ClickAsync(r, links.Create(new TrackedLink(host.Tenant, "c1", null, new Uri("https://evil.example/"))), CancellationToken.None));
        Assert.Equal(StatusCodes.Status404NotFound, evil.StatusCode);
        Assert.StartsWith("text/html", evil.ContentType, StringComparison.Ordinal);

        var old = links.Create(new TrackedLink(host.Tenant, "c1", null, new Uri("https://bank.example/"), ExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var expired = await RunAsync(host, "GET", r => functions.ClickAsync(r, old, CancellationToken.None));
        Assert.Equal(StatusCodes.Status410Gone, expired.StatusCode);
        Assert.Equal("nosniff", expired.Headers.XContentTypeOptions.ToString());
    }

    // Runs a function on a request and executes its result, as the Functions host's ASP.NET Core integration does.
    private static async Task<HttpResponse> RunAsync(FunctionsHost host, string method, Func<HttpRequest, Task<IResult>> function)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = new Both(host.Services, services) };
        http.Request.Method = method;
        http.Response.Body = new MemoryStream();
        var result = await function(http.Request);
        await result.ExecuteAsync(http);
        return http.Response;
    }

    // The app's services, with logging for the result executors.
    private sealed class Both(IServiceProvider app, IServiceProvider extra) : IServiceProvider
    {
        public object? GetService(Type serviceType) => app.GetService(serviceType) ?? extra.GetService(serviceType);
    }
}
