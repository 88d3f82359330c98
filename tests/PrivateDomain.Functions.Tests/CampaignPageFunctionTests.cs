using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Functions.Pages;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Pages;

namespace PrivateDomain.Functions.Tests;

/// <summary>The Functions app's campaign pages (<c>/api/p/{token}</c>) answer as the local host's: the page as zh-CN HTML
/// with the security headers, a forged link the 404 page, an action without a visitor session 403 with nothing recorded.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class CampaignPageFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_welfare_page_is_served_a_forged_link_is_not_and_a_claim_needs_a_session()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, DateTimeOffset.UtcNow);
        var functions = host.Function<CampaignPageFunctions>();
        await host.Get<IWelfarePools>().LoadAsync(host.Tenant, "default", [new WelfareCode("F-1", null)], CancellationToken.None);
        var token = host.Get<CampaignPageLinkSigner>().Create(new CampaignPageLink(host.Tenant, "zhangsan", "payroll:E-1:2026-12", "payroll-campaign", "welfare",
            "payroll.welfare@v3", CampaignPageKinds.Welfare, "default", DateTimeOffset.UtcNow.AddDays(1)));

        var page = await RunAsync(host, "GET", r => functions.PageAsync(r, token, CancellationToken.None));
        Assert.Equal(StatusCodes.Status200OK, page.StatusCode);
        Assert.StartsWith("text/html", page.ContentType, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.XContentTypeOptions.ToString());
        Assert.Contains("frame-ancestors 'none'", page.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Contains("发薪日专属福利", Body(page), StringComparison.Ordinal);

        var forged = await RunAsync(host, "GET", r => functions.PageAsync(r, token[..^2] + "xx", CancellationToken.None));
        Assert.Equal(StatusCodes.Status404NotFound, forged.StatusCode);

        var claim = await RunAsync(host, "POST", r => functions.ActionAsync(r, token, "claim", CancellationToken.None));
        Assert.Equal(StatusCodes.Status403Forbidden, claim.StatusCode);
        Assert.Equal(StatusCodes.Status404NotFound, (await RunAsync(host, "POST", r => functions.ActionAsync(r, token, "delete", CancellationToken.None))).StatusCode);
        Assert.Equal(0, (await host.Get<IWelfarePools>().StockAsync(host.Tenant, "default", CancellationToken.None)).Claimed);
    }

    private static string Body(HttpResponse response)
    {
        response.Body.Position = 0;
        return new StreamReader(response.Body).ReadToEnd();
    }

    // Runs a function on a request and executes its result, as the Functions host's ASP.NET Core integration does.
    private static async Task<HttpResponse> RunAsync(FunctionsHost host, string method, Func<HttpRequest, Task<IResult>> function)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = new Both(host.Services, services) };
        http.Request.Method = method;
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("pages.bank.example");
        http.Response.Body = new MemoryStream();
        var result = await function(http.Request);
        await result.ExecuteAsync(http);
        return http.Response;
    }

    private sealed class Both(IServiceProvider app, IServiceProvider extra) : IServiceProvider
    {
        public object? GetService(Type serviceType) => app.GetService(serviceType) ?? extra.GetService(serviceType);
    }
}
