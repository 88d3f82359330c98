using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Campaigns;
using PrivateDomain.Local.Content;
using PrivateDomain.Local.Customers;
using PrivateDomain.Local.Funnel;
using PrivateDomain.Local.Health;
using PrivateDomain.Local.Journeys;
using PrivateDomain.Local.AccountManagers;
using PrivateDomain.Local.Operators;
using PrivateDomain.Local.Pages;
using PrivateDomain.Local.Queues;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Local.Tags;
using PrivateDomain.Tags;
using PrivateDomain.Local.WeCom;
using PrivateDomain.Operators;
using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

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
            .Validate(o => o.Interval > TimeSpan.Zero && o.Interval <= OutboxSweepOptions.Longest,
                "Intake:OutboxSweepInterval must be a TimeSpan above zero and at most a day (1.00:00:00).").ValidateOnStart();
        builder.Services.AddHostedService<OutboxSweeper>();
        if (builder.Configuration.GetValue("Local:PayrollRun", true))
        {
            builder.Services.AddHostedService<PayrollDailyRun>();
        }

        if (builder.Configuration.GetValue("Local:ManagerDigest", true))
        {
            builder.Services.AddHostedService<ManagerDigestRun>();
        }

        // Here signals also drive the local journey runner (on Azure the Functions app routes them to Durable).
        builder.Services.AddSingleton<TableSignalInbox>();
        builder.Services.AddSingleton<JourneySignalRouter>();
        builder.Services.AddSingleton<PayrollSignals>();
        builder.Services.AddSingleton<ISignalInbox>(sp => ActivatorUtilities.CreateInstance<DynamicTagSignals>(sp, sp.GetRequiredService<PayrollSignals>()));
        // One worker per queue. AddSingleton<IHostedService> rather than AddHostedService: the latter keeps only the
        // first registration of an implementation type, which would silently drop the other queues' workers.
        // Local:QueueWorkers=false runs an intake-only host (the queues fill up; another instance or the Functions app drains them).
        if (builder.Configuration.GetValue("Local:QueueWorkers", true))
        {
            AddQueueWorker(builder.Services, StorageCallbackEventQueue.QueueName, TimeSpan.FromSeconds(30), Backoff, (services, body, ct) =>
                services.GetRequiredService<CustomerEventProcessor>().ProcessAsync(StorageQueueWorker.Read(() => StorageCallbackEventQueue.Deserialize(body)), ct));
            // On Azure CRM changes arrive on Service Bus; locally on a Storage queue with the same message bodies (plain JSON text).
            AddQueueWorker(builder.Services, CrmQueueName, TimeSpan.FromSeconds(30), Backoff, (services, body, ct) =>
                services.GetRequiredService<CrmIntake>().HandleAsync(body, CrmQueueName, ct));
            // Wake-ups: messages held invisible longer than the handler may wait for a wake-up's last moments; a failed
            // step is retried at once (steps are idempotent, and a late wake-up can push a touch out of its stage).
            AddQueueWorker(builder.Services, StorageJourneyWakeups.QueueName, TimeSpan.FromSeconds(10), _ => TimeSpan.Zero, (services, body, ct) =>
                services.GetRequiredService<StorageJourneyWakeups>().HandleAsync(Validated(body, StorageJourneyWakeups.Parse),
                    (w, c) => services.GetRequiredService<JourneyRunner>().StepAsync(w.Tenant, w.InstanceId, c, w.WakeAt), ct));
            // Delivery: a nudge runs one account manager's outbox (policy → render → aggregate → WeCom task → ledger).
            AddQueueWorker(builder.Services, StorageDeliveryNudges.QueueName, TimeSpan.FromMinutes(2), Backoff, (services, body, ct) =>
                services.GetRequiredService<StorageDeliveryNudges>().HandleAsync(Validated(body, StorageDeliveryNudges.Parse),
                    (n, c) => n.DispatchId is { } dispatch
                        ? services.GetRequiredService<TouchDispatcher>().FollowUpAsync(n.Tenant, n.SenderId, dispatch, c)
                        : services.GetRequiredService<TouchDispatcher>().DispatchAsync(n.Tenant, n.SenderId, c), ct));
            // A killed host's wake-up messages stay invisible for the lease above: pick up running journeys at start.
            builder.Services.AddHostedService<JourneyResume>();
            // Welcome messages: WeCom takes a welcome_code for 20 s only, so this queue is polled at most 50 ms apart,
            // up to 128 handled at once (mostly waiting on storage and WeCom) and received as handlers free up. A failure
            // is retried after 2, 4, 8, 16 s: the fifth attempt comes after Welcome:ClaimLease, so a duplicate waiting on
            // a claim whose holder died closes it rather than going to the poison queue.
            AddQueueWorker(builder.Services, StorageWelcomeQueue.QueueName, TimeSpan.FromSeconds(30), n => TimeSpan.FromSeconds(Math.Min(16, Math.Pow(2, n))), (services, body, ct) =>
                services.GetRequiredService<WelcomeSender>().HandleAsync(StorageQueueWorker.Read(() => StorageWelcomeQueue.Deserialize(body)), ct),
                new QueuePolling(TimeSpan.FromMilliseconds(50), 32, 128, Pipelined: true));
            // WeCom tag sync: a customer's managed tags marked at WeCom; a rate limit that outlasts the client's retries is retried here.
            AddQueueWorker(builder.Services, StorageTagSyncQueue.QueueName, TimeSpan.FromMinutes(2), Backoff, (services, body, ct) =>
            {
                var m = StorageQueueWorker.Read(() => StorageTagSyncQueue.Parse(body));
                return services.GetRequiredService<WeComTagSync>().SyncAsync(m.Tenant, m.CustomerId, ct);
            });
            // Payroll fan-out: one batch of a campaign's cohort per message; the cursor is on the campaign row.
            AddQueueWorker(builder.Services, StoragePayrollFanOutQueue.QueueName, TimeSpan.FromMinutes(5), Backoff, (services, body, ct) =>
            {
                var m = StorageQueueWorker.Read(() => StoragePayrollFanOutQueue.Parse(body));
                return services.GetRequiredService<PayrollFanOut>().RunBatchAsync(m.Tenant, m.CampaignId, ct);
            });
        }

        // The WeCom sandbox (a stand-in for qyapi.weixin.qq.com) on this host, for a laptop and demos: Local:WeComSandbox.
        var sandbox = builder.Configuration.GetValue("Local:WeComSandbox", false);
        if (sandbox)
        {
            builder.Services.AddWeComSandbox(builder.Configuration);
        }

        if (builder.Configuration.GetValue("Local:TagSweep", true))
        {
            builder.Services.AddHostedService<DynamicTagSweepService>();
        }

        if (builder.Configuration.GetValue("Local:GroupStatistics", true))
        {
            builder.Services.AddHostedService<GroupChatStatisticsDailyRun>();
        }

        if (builder.Configuration.GetValue("Local:SeedContent", false))
        {
            builder.Services.AddHostedService<ContentSeeder>();
        }

        if (builder.Configuration.GetSection(EmployeeSeeder.Section).Exists())
        {
            builder.Services.AddHostedService<EmployeeSeeder>();
        }

        // Tracked links and the unsubscribe page need a signing key (Links:SigningKey); without one they are not served.
        var linksKey = builder.Configuration["Links:SigningKey"];
        if (!string.IsNullOrWhiteSpace(linksKey))
        {
            builder.Services.AddSingleton(sp => new TrackedLinkSigner(linksKey, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TrackedLinkOptions>>().Value.Lifetime,
                sp.GetRequiredService<TimeProvider>()));
        }

        // The operator API needs an Entra ID app registration (AzureAd:*) or, in Development only, the local token key
        // (./pd token). Without either its routes answer a problem+json saying so.
        var entra = !string.IsNullOrWhiteSpace(builder.Configuration["AzureAd:ClientId"]);
        var localTokens = LocalTokens(builder, entra);
        var operatorApi = entra || localTokens is not null;
        if (operatorApi)
        {
            if (localTokens is not null)
            {
                builder.Services.AddSingleton(localTokens);
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(localTokens.Configure);
                // A token's lifetime is judged on the host's clock, the one that stamps the audit and everything else.
                builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                    .Configure<TimeProvider>((options, time) => options.TokenValidationParameters.LifetimeValidator =
                        (notBefore, expires, _, parameters) => LocalOperatorTokens.Current(notBefore, expires, parameters.ClockSkew, time.GetUtcNow()));
            }
            else
            {
                builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
                    .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"));
            }

            builder.Services.AddAuthorization();
            builder.Services.AddOperatorApiDocument();
            builder.Services.AddOptions<OperatorAccessOptions>().Bind(builder.Configuration.GetSection(OperatorAccessOptions.Section));
            builder.Services.AddSingleton<OperatorAccess>();
            builder.Services.AddSingleton<RunnerJourneyOperations>();
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthApi();
        app.MapWeComCallbackApi();
        app.MapChatSidebar();
        if (!string.IsNullOrWhiteSpace(linksKey))
        {
            app.MapTrackedLinkApi();
            app.MapCampaignPageApi();
        }

        if (operatorApi)
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapJourneyApi();
            app.MapCrmImportApi();
            app.MapPayrollCampaignApi();
            app.MapPayrollCalendarApi();
            app.MapCampaignPageOperatorApi();
            app.MapContentApi();
            app.MapFunnelApi();
            app.MapJourneyDefinitionApi();
            app.MapOperatorAuditApi();
            app.MapCustomerApi();
            app.MapChannelCodeApi();
            app.MapGroupCodeApi();
            app.MapManagerApi();
            app.MapOpenApi(OperatorApiDocument.RoutePattern);
        }
        else
        {
            app.MapOperatorApiOff();
        }

        if (sandbox)
        {
            app.MapWeComSandbox();
        }

        app.MapOperatorConsole(localTokens is not null);
        return app;
    }

    /// <summary>The development token key when this host should use it: set, no Entra registration, and the Development
    /// environment (anywhere else the key is refused at start, so a production host never trusts it).</summary>
    private static LocalOperatorTokens? LocalTokens(WebApplicationBuilder builder, bool entra)
    {
        var key = builder.Configuration[LocalOperatorTokens.SigningKeySetting];
        if (string.IsNullOrWhiteSpace(key) || entra)
        {
            return null;
        }

        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{LocalOperatorTokens.SigningKeySetting} is set in the '{builder.Environment.EnvironmentName}' environment: local operator tokens are for "
                + "Development only. Remove it and configure Entra ID (AzureAd:ClientId) for the operator API.");
        }

        return new LocalOperatorTokens(key);
    }

    /// <summary>The operators' console at /console/ (static, anonymous; it signs in and calls the operator API).</summary>
    private static void MapOperatorConsole(this WebApplication app, bool localTokens)
    {
        app.MapGet("/console/config.json", (HttpContext http, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<OperatorAccessOptions> access) =>
            OperatorConsole.Config(http, configuration, access, localTokens)).ExcludeFromDescription();
        app.MapGet("/console/{**path}", (HttpContext http, string? path) => OperatorConsole.Serve(http, path)).ExcludeFromDescription();
    }

    /// <summary>Without authentication the operator routes are not served: say why instead of a bare 404.</summary>
    private static void MapOperatorApiOff(this WebApplication app) =>
        app.Map("/api/tenants/{**rest}", () => Results.Problem(
            title: "Operator API not configured",
            detail: "This host serves no operator API: set AzureAd:ClientId (and AzureAd:*, Operators:Tenants:{tenant}:EntraTenantId) for Entra ID, "
                    + $"or run in the Development environment with {LocalOperatorTokens.SigningKeySetting} and get a token with ./pd token --role Operator.",
            statusCode: StatusCodes.Status404NotFound));

    /// <summary>The body once <paramref name="parse"/> reads it (the handler parses it again): a message that cannot be
    /// read goes to poison after one try instead of five.</summary>
    private static string Validated<T>(string body, Func<string, T> parse) => StorageQueueWorker.Read(() =>
    {
        _ = parse(body);
        return body;
    });

    private static TimeSpan Backoff(long attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt)));

    private static void AddQueueWorker(
        IServiceCollection services, string queue, TimeSpan visibility, Func<long, TimeSpan> retryDelay, Func<IServiceProvider, string, CancellationToken, Task> handle,
        QueuePolling? polling = null) =>
        services.AddSingleton<IHostedService>(sp =>
        {
            var worker = ActivatorUtilities.CreateInstance<StorageQueueWorker>(sp, queue, handle, visibility, retryDelay);
            worker.Polling = polling ?? QueuePolling.Default;
            return worker;
        });
}
