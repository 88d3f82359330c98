using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace PrivateDomain.Local.Sandbox;

/// <summary>The WeCom sandbox on its own: a small web app on a free loopback port, for tests and for running beside the host.</summary>
public sealed class WeComSandboxHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WeComSandboxHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Sandbox = app.Services.GetRequiredService<WeComSandbox>();
        WebAuth = app.Services.GetRequiredService<WeComSandboxWebAuth>();
        AppMessages = app.Services.GetRequiredService<WeComSandboxAppMessages>();
        JsApi = app.Services.GetRequiredService<WeComSandboxJsApi>();
    }

    /// <summary>The sandbox's JS-SDK tickets.</summary>
    public WeComSandboxJsApi JsApi { get; }

    /// <summary>The sandbox's app messages to members (register the app's agent, read the messages, press buttons).</summary>
    public WeComSandboxAppMessages AppMessages { get; }

    /// <summary>The sandbox's web authorisation (register the app's trusted domain, visible customers).</summary>
    public WeComSandboxWebAuth WebAuth { get; }

    /// <summary>Where the sandbox listens, e.g. http://127.0.0.1:41234 (use as WeCom:Api:BaseUrl).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The sandbox's state, for in-process inspection.</summary>
    public WeComSandbox Sandbox { get; }

    /// <summary>Starts the sandbox on http://127.0.0.1:0 (a free port) with the given settings and clock.</summary>
    public static async Task<WeComSandboxHost> StartAsync(Action<WeComSandboxOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddWeComSandbox(builder.Configuration);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        var app = builder.Build();
        app.MapWeComSandbox();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new WeComSandboxHost(app, new Uri(address));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
