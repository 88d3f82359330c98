using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Local.Health;
using PrivateDomain.Local.Queues;
using PrivateDomain.Local.WeCom;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local;

/// <summary>
/// The one-process host: the same HTTP routes as the Functions app plus the background work the Functions app does with
/// timers, against Azurite (or a real Storage account). Listens on http://127.0.0.1:7071 unless ASPNETCORE_URLS says otherwise.
/// </summary>
public static class LocalHost
{
    /// <summary>The local Storage queue CRM changes arrive on (Service Bus queue <c>crm-changes</c> on Azure).</summary>
    public const string CrmQueueName = "crm-changes";

    /// <summary>The address used when none is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>Builds the host. Tests pass <paramref name="settings"/> (applied over every other source, before anything
    /// reads configuration) and <paramref name="configure"/> (run last, to replace services).</summary>
    public static WebApplication Build(
        string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddPrivateDomain(builder.Configuration);
        builder.Services.AddOptions<OutboxSweepOptions>().Bind(builder.Configuration.GetSection(OutboxSweepOptions.Section))
            .Validate(o => o.Interval > TimeSpan.Zero, "Intake:OutboxSweepInterval must be a positive TimeSpan.").ValidateOnStart();
        builder.Services.AddHostedService<OutboxSweeper>();
        // One worker per queue. AddSingleton<IHostedService> rather than AddHostedService: the latter keeps only the
        // first registration of an implementation type, which would silently drop the second queue's worker.
        // Local:QueueWorkers=false runs an intake-only host (the queues fill up; another instance or the Functions app drains them).
        if (builder.Configuration.GetValue("Local:QueueWorkers", true))
        {
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<StorageQueueWorker>(sp,
            StorageCallbackEventQueue.QueueName,
            (Func<IServiceProvider, string, CancellationToken, Task>)((services, body, ct) =>
                services.GetRequiredService<CustomerEventProcessor>().ProcessAsync(StorageCallbackEventQueue.Deserialize(body), ct))));
            // On Azure CRM changes arrive on Service Bus; locally on a Storage queue with the same message bodies (plain JSON text).
            builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<StorageQueueWorker>(sp,
                CrmQueueName,
                (Func<IServiceProvider, string, CancellationToken, Task>)((services, body, ct) =>
                    services.GetRequiredService<CrmIntake>().HandleAsync(body, CrmQueueName, ct))));
        }
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthApi();
        app.MapWeComCallbackApi();
        return app;
    }
}
