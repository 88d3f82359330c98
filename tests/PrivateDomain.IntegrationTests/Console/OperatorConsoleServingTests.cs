using System.Net;
using System.Text.Json;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Console;

/// <summary>The console's files as the local host serves them: the page with its security headers, the vendored
/// libraries exactly as npm installed them, and config.json saying how to sign in.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class OperatorConsoleServingTests(AzuriteFixture fixture)
{
    private readonly TestTenant _tenant = TestTenant.Create("serve" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    [Fact]
    public async Task The_console_page_is_served_with_a_strict_content_security_policy_and_the_vendored_libraries_are_npms_own()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], OperatorConsoleSession.Settings(_tenant.Name),
            environment: "Development");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

        var bare = await client.GetAsync(new Uri("/console", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/console/", bare.Headers.Location?.OriginalString);
        var page = await client.GetAsync(new Uri("/console/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var (served, npm) in new[]
                 {
                     ("vendor/echarts.common.min.js", RepoRoot.Combine("node_modules", "echarts", "dist", "echarts.common.min.js")),
                     ("vendor/msal-browser.min.js", RepoRoot.Combine("node_modules", "@azure", "msal-browser", "lib", "msal-browser.min.js")),
                 })
        {
            Assert.True(File.Exists(npm), $"{npm} is missing: run npm ci");
            Assert.Equal(await File.ReadAllBytesAsync(npm), await client.GetByteArrayAsync(new Uri("/console/" + served, UriKind.Relative)));
        }

        var config = JsonDocument.Parse(await client.GetStringAsync(new Uri("/console/config.json", UriKind.Relative))).RootElement;
        Assert.Equal("local-token", config.GetProperty("signIn").GetString());
        Assert.Contains(_tenant.Name, config.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/console/../appsettings.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/console/nothing.js", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task With_Entra_configured_for_the_console_it_signs_in_with_MSAL()
    {
        var edge = new OperatorEdge("msal");
        var settings = edge.Settings();
        settings["Console:Entra:ClientId"] = "11111111-2222-3333-4444-555555555555";
        settings["Console:Entra:Authority"] = "https://login.microsoftonline.com/" + edge.EntraA;
        settings["Console:Entra:Scopes:0"] = OperatorTokens.Audience + "/.default";
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [edge.A], settings, edge.Tokens.Trust);

        var config = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri("/console/config.json", UriKind.Relative))).RootElement;

        Assert.Equal("entra", config.GetProperty("signIn").GetString());
        Assert.Equal("11111111-2222-3333-4444-555555555555", config.GetProperty("clientId").GetString());
        Assert.Equal([OperatorTokens.Audience + "/.default"], config.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }
}
