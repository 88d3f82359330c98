using System.Net;
using System.Net.Sockets;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>
/// The Functions app as the tests run it: its orchestrators and activities in Durable's in-process test host
/// (<see cref="DurableTaskTestHost"/>: an in-memory task hub behind a gRPC sidecar on a free loopback port), its own
/// service registration (<see cref="FunctionsAppServices.AddFunctionsApp"/>, options validated at start) over a real
/// Azurite, time from a <see cref="VirtualClock"/>. Queue-triggered functions are called by the test with
/// <see cref="Client"/> as their Durable client binding.
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>The phone-hash key the tests use.</summary>
    public const string TestPhoneHashKey = "dGVzdC1waG9uZS1oYXNoLWtleS0wMTIzNDU2Nzg5YWJjZGVm";

    /// <summary>The tracked-link signing key the tests use.</summary>
    public const string TestLinksKey = "bGlua3Mtc2lnbmluZy1rZXktZm9yLXRlc3RzLW9ubHktMDEyMzQ1";

    private readonly DurableTaskTestHost _host;

    private FunctionsHost(DurableTaskTestHost host, string tenant, VirtualClock clock, ActivityFaults faults)
    {
        _host = host;
        Tenant = tenant;
        Clock = clock;
        Faults = faults;
    }

    /// <summary>The tenant configured (unique per host, so tests sharing an Azurite do not see each other's rows).</summary>
    public string Tenant { get; }

    /// <summary>The orchestrations' and services' time.</summary>
    public VirtualClock Clock { get; }

    /// <summary>Failures injected into activities.</summary>
    public ActivityFaults Faults { get; }

    /// <summary>The Durable client (what <c>[DurableClient]</c> binds in the app).</summary>
    public DurableTaskClient Client => _host.Client;

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Starts the app at <paramref name="start"/> (orchestration and service time) over <paramref name="azurite"/>,
    /// for <paramref name="tenant"/> (default: a fresh name), with <paramref name="services"/> applied after the app's own.</summary>
    public static async Task<FunctionsHost> StartAsync(
        AzuriteProcess azurite, DateTimeOffset start, Action<DurableTaskRegistry>? extraTasks = null, IDictionary<string, string?>? settings = null,
        string? tenant = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        tenant ??= "t" + Guid.NewGuid().ToString("N")[..10];
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString(),
            ["Customers:PhoneHashKey"] = TestPhoneHashKey,
            ["Links:SigningKey"] = TestLinksKey,
            ["Links:AllowedHosts:0"] = "bank.example",
            [$"WeCom:Tenants:{tenant}:CorpId"] = "ww" + Guid.NewGuid().ToString("N")[..16],
            [$"WeCom:Tenants:{tenant}:Token"] = "Tok" + Guid.NewGuid().ToString("N")[..12],
            [$"WeCom:Tenants:{tenant}:EncodingAesKey"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()).TrimEnd('='),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var clock = new VirtualClock(start);
        var faults = new ActivityFaults();
        var options = new DurableTaskTestHostOptions
        {
            Port = FreeLoopbackPort(),
            ConfigureServices = collection =>
            {
                collection.AddSingleton<IConfiguration>(configuration);
                collection.AddLogging();
                collection.AddFunctionsApp(configuration);
                collection.Replace(ServiceDescriptor.Singleton(clock.TimeProvider));
                services?.Invoke(collection);
            },
        };
        var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            AppFunctions.Register(registry, clock, faults);
            extraTasks?.Invoke(registry);
        }, options);
        return new FunctionsHost(host, tenant, clock, faults);
    }

    /// <summary>A service of the app.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A function class of the app, built as the Functions host builds it (constructor injection).</summary>
    public T Function<T>() where T : class => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>Waits for an instance to end (ContinueAsNew included) and returns its metadata.</summary>
    public async Task<OrchestrationMetadata> WaitForEndAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    // The test host listens where it is told; ask the OS for a free loopback port rather than guess one.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
