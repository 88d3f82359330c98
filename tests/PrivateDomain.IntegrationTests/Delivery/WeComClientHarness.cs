using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateDomain.Delivery;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Storage;
using PrivateDomain.WeComApi;

namespace PrivateDomain.IntegrationTests.Delivery;

/// <summary>A wall clock that tests can move forward; timers still run in real time (so backoff delays stay real but short).</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}

/// <summary>Captures every log entry at every level: message, state values and exception text.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyList<string> Entries => _entries.ToList();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(" ", kv.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}

/// <summary>A tenant's app registered with the sandbox, and a client (one "host") built the way the app builds it.</summary>
public sealed class WeComClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private WeComClientHarness(ServiceProvider services, LogCapture logs)
    {
        _services = services;
        Logs = logs;
        Api = services.GetRequiredService<IWeComApi>();
        GroupChats = services.GetRequiredService<PrivateDomain.WeCom.IWeComGroupChats>();
    }

    /// <summary>The tenant name every harness uses.</summary>
    public const string Tenant = "banka";

    /// <summary>The client.</summary>
    public IWeComApi Api { get; }

    /// <summary>The customer-group calls of the same client.</summary>
    public PrivateDomain.WeCom.IWeComGroupChats GroupChats { get; }

    /// <summary>What the client logged.</summary>
    public LogCapture Logs { get; }

    /// <summary>A new corp app: random corp id and secret, registered with <paramref name="sandbox"/>.</summary>
    public static (string CorpId, string Secret) NewApp(WeComSandboxHost sandbox)
    {
        var corpId = "ww" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = "S3cr3t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        sandbox.Sandbox.RegisterApp(corpId, secret);
        return (corpId, secret);
    }

    /// <summary>
    /// Builds a client against <paramref name="sandbox"/> and Azurite, with fast retry settings (milliseconds instead of
    /// seconds) unless <paramref name="settings"/> says otherwise.
    /// </summary>
    public static WeComClientHarness Create(
        string storageConnectionString, WeComSandboxHost sandbox, (string CorpId, string Secret) app,
        TimeProvider? time = null, IDictionary<string, string?>? settings = null, double? jitter = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
            ["WeCom:Api:Timeout"] = "00:00:05",
            ["WeCom:Api:RetryBaseDelay"] = "00:00:00.005",
            ["WeCom:Api:ThrottleBaseDelay"] = "00:00:00.010",
            ["WeCom:Api:MaxRetryDelay"] = "00:00:00.200",
            [$"WeCom:Tenants:{Tenant}:CorpId"] = app.CorpId,
            [$"WeCom:Tenants:{Tenant}:AppSecret"] = app.Secret,
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        if (jitter is { } j)
        {
            services.AddSingleton(new WeComRetryJitter(() => j));
        }

        services.AddWeComApi(configuration);
        return new WeComClientHarness(services.BuildServiceProvider(), logs);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
