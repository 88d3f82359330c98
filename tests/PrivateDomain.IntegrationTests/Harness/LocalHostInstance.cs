using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Local;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>The real local host on a free loopback port, reached over real HTTP.</summary>
public sealed class LocalHostInstance : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalHostInstance(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The phone-hash key every test host uses.</summary>
    public const string TestPhoneHashKey = "dGVzdC1waG9uZS1oYXNoLWtleS0wMTIzNDU2Nzg5YWJjZGVm";

    /// <summary>The tracked-link signing key every test host uses.</summary>
    public const string TestLinksKey = "bGlua3Mtc2lnbmluZy1rZXktZm9yLXRlc3RzLW9ubHktMDEyMzQ1";

    /// <summary>Where the host listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the host.</summary>
    public HttpClient Client { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the host with the given storage and tenants, and any extra settings or service overrides, in the
    /// Testing environment unless <paramref name="environment"/> says otherwise (Development also reads appsettings.Development.json).</summary>
    public static async Task<LocalHostInstance> StartAsync(
        string storageConnectionString,
        IEnumerable<TestTenant> tenants,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Testing")
    {
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Customers:PhoneHashKey"] = TestPhoneHashKey,
            ["Links:SigningKey"] = TestLinksKey,
            ["Links:AllowedHosts:0"] = "bank.example", // content links in tests lead to bank.example and its subdomains
        };
        foreach (var t in tenants)
        {
            config[$"WeCom:Tenants:{t.Name}:CorpId"] = t.CorpId;
            config[$"WeCom:Tenants:{t.Name}:Token"] = t.Token;
            config[$"WeCom:Tenants:{t.Name}:EncodingAesKey"] = t.EncodingAesKey;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        var app = LocalHost.Build(["--environment", environment, "--urls", "http://127.0.0.1:0"], config,
            builder => services?.Invoke(builder.Services));
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync(); // a host refused at start (its options, say) leaves nothing running
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LocalHostInstance(app, new Uri(address));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
