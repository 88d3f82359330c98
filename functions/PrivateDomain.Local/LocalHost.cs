using PrivateDomain.Local.Health;
using PrivateDomain.Local.WeCom;

namespace PrivateDomain.Local;

/// <summary>
/// The one-process host: the same HTTP routes as the Functions app plus the background work the Functions app does with
/// timers, against Azurite (or a real Storage account). Listens on http://127.0.0.1:7071 unless ASPNETCORE_URLS says otherwise.
/// </summary>
public static class LocalHost
{
    /// <summary>The address used when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host; tests pass <paramref name="configure"/> to add settings or replace services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddPrivateDomain(builder.Configuration);
        builder.Services.AddOptions<OutboxSweepOptions>().Bind(builder.Configuration.GetSection(OutboxSweepOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Intake:OutboxSweepInterval must be a positive TimeSpan.").ValidateOnStart();
        builder.Services.AddHostedService<OutboxSweeper>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthApi();
        app.MapWeComCallbackApi();
        return app;
    }
}
