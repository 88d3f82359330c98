using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Functions.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Tests;

/// <summary>The Functions app serves the operators' console at <c>/api/console/</c>: the same embedded files as the
/// local host, with the same headers, and a config.json that signs in with Entra (MSAL) when <c>Console:Entra</c> is set.</summary>
public sealed class OperatorConsoleFunctionTests
{
    private static OperatorConsoleFunction Function(Dictionary<string, string?> settings)
    {
        var access = new OperatorAccessOptions();
        access.Tenants["demo"] = new OperatorTenantOptions { EntraTenantId = Guid.NewGuid() };
        return new OperatorConsoleFunction(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Options.Create(access));
    }

    private static async Task<(HttpResponse Response, byte[] Body)> GetAsync(OperatorConsoleFunction function, string path, string? file)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Request.Method = "GET";
        http.Request.Path = path;
        var body = new MemoryStream();
        http.Response.Body = body;
        await function.Get(http.Request, file).ExecuteAsync(http);
        return (http.Response, body.ToArray());
    }

    [Fact]
    public async Task The_console_and_its_Entra_configuration_are_served_under_api_console()
    {
        var function = Function(new()
        {
            ["Console:Entra:ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["Console:Entra:Authority"] = "https://login.microsoftonline.com/contoso.onmicrosoft.com",
            ["Console:Entra:Scopes:0"] = "api://privatedomain/.default",
        });

        var (redirect, _) = await GetAsync(function, "/api/console", null);
        Assert.Equal(StatusCodes.Status302Found, redirect.StatusCode);
        Assert.Equal("/api/console/", redirect.Headers.Location.ToString());
        var (page, html) = await GetAsync(function, "/api/console/", null);
        Assert.Equal(StatusCodes.Status200OK, page.StatusCode);
        Assert.Equal(OperatorConsole.ContentSecurityPolicy, page.Headers.ContentSecurityPolicy.ToString());
        Assert.Contains("vendor/msal-browser.min.js", System.Text.Encoding.UTF8.GetString(html), StringComparison.Ordinal);
        var (script, js) = await GetAsync(function, "/api/console/console.js", "console.js");
        Assert.StartsWith("text/javascript", script.ContentType, StringComparison.Ordinal);
        Assert.NotEmpty(js);

        var (_, json) = await GetAsync(function, "/api/console/config.json", "config.json");
        var config = JsonDocument.Parse(json).RootElement;
        Assert.Equal("entra", config.GetProperty("signIn").GetString());
        Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com", config.GetProperty("authority").GetString());
        Assert.Equal(["demo"], config.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Without_Entra_for_the_console_config_says_why_nobody_can_sign_in()
    {
        var (_, json) = await GetAsync(Function([]), "/api/console/config.json", "config.json");
        var config = JsonDocument.Parse(json).RootElement;
        Assert.Equal("none", config.GetProperty("signIn").GetString());
        Assert.Contains("Console:Entra:ClientId", config.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
