using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions;

/// <summary>The Functions app's services: the shared wiring (<see cref="PrivateDomainServices.AddPrivateDomain"/>) plus
/// what only this app uses. Program.cs calls it, and so do the tests that run the app's orchestrations in Durable's
/// in-process test host, so both run with the same registrations.</summary>
public static class FunctionsAppServices
{
    /// <summary>Registers everything the app's functions resolve, except the host's telemetry.</summary>
    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPrivateDomain(configuration);
        // Signals go to the inbox table and then to the journey-signals queue, whose trigger nudges Durable journeys.
        services.AddSingleton<TableSignalInbox>();
        services.AddSingleton<QueuedSignalInbox>();
        services.AddSingleton<ISignalInbox>(sp => ActivatorUtilities.CreateInstance<PrivateDomain.Tags.DynamicTagSignals>(sp, sp.GetRequiredService<QueuedSignalInbox>()));
        // Payroll campaigns run as Durable orchestrations in cohort mode here (one per campaign × account manager).
        services.AddSingleton<PrivateDomain.Campaigns.PayrollCohortEnrolment>();
        // Journeys in cohort mode (Journeys:Cohorts:{journeyId}:Segment), enrolled daily by JourneyCohortEnrolment; none by default.
        services.AddOptions<PrivateDomain.Journeys.Cohorts.CohortEnrolmentOptions>()
            .Configure(o => configuration.GetSection(PrivateDomain.Journeys.Cohorts.CohortEnrolmentOptions.Section).Bind(o.Journeys))
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<PrivateDomain.Journeys.Cohorts.CohortEnrolmentOptions>, PrivateDomain.Functions.Journeys.CohortEnrolmentValidation>();
        services.AddSingleton<PrivateDomain.Journeys.Cohorts.DailyCohortEnrolment>();

        // Operator API: Entra ID bearer tokens through Microsoft.Identity.Web, authenticated inside each function
        // (OperatorAccess.AuthenticateAsync; the middleware and [Authorize] do not reach functions). Off without AzureAd:ClientId.
        services.AddOptions<OperatorAccessOptions>().Bind(configuration.GetSection(OperatorAccessOptions.Section));
        services.AddSingleton<OperatorAccess>();
        services.AddSingleton<QueueTriggerPoison>();
        if (!string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]))
        {
            services.AddAuthentication(OperatorAccess.BearerScheme)
                .AddMicrosoftIdentityWebApi(configuration.GetSection("AzureAd"));
        }

        // Tracked links and the unsubscribe page need Links:SigningKey; without it they answer 404.
        if (configuration["Links:SigningKey"] is { Length: > 0 } linksKey)
        {
            services.AddSingleton(sp => new TrackedLinkSigner(linksKey, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<TrackedLinkOptions>>().Value.Lifetime,
                sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    /// <summary>
    /// Settings that are optional at start-up but without which a feature is off — the operator API, tracked links and
    /// unsubscribe, outbound WeCom calls, the welcome message — for each configured tenant, each with what it turns off.
    /// Program.cs logs them at start; the deployment tests require the Bicep to set them all.
    /// </summary>
    public static IReadOnlyList<string> MissingFeatureSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var missing = new List<string>();
        void Need(string key, string feature)
        {
            if (string.IsNullOrWhiteSpace(configuration[key]))
            {
                missing.Add($"{key} ({feature})");
            }
        }

        Need("AzureAd:ClientId", "without it the operator API is off");
        Need("Links:SigningKey", "without it tracked links and the unsubscribe page answer 404");
        Need("Console:Entra:ClientId", "without it nobody can sign in to the operators' console");
        Need("CampaignPages:BaseUrl", "without it no template with a campaign page link can be sent");
        Need("Managers:SidebarKey", "without it the account managers' chat sidebar is not served");
        foreach (var tenant in configuration.GetSection("WeCom:Tenants").GetChildren().Select(t => t.Key))
        {
            Need($"Operators:Tenants:{tenant}:EntraTenantId", "without it every operator call for the tenant is refused");
            Need($"WeCom:Tenants:{tenant}:AppSecret", "without it no WeCom API call can be made");
            Need($"CampaignPages:AgentIds:{tenant}", "without it campaign pages cannot tell who is visiting");
            Need($"Managers:AgentIds:{tenant}", "without it no task card or digest reaches the account managers");
            foreach (var bank in new[] { "BankName", "BankHotline", "BankSite" })
            {
                Need($"WeCom:Tenants:{tenant}:{bank}", "without it every welcome message is skipped");
            }
        }

        return missing;
    }
}
