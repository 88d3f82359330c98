using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Customers.Segments;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Delivery.Storage;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Operators;
using PrivateDomain.Storage;
using PrivateDomain.Tags;
using PrivateDomain.WeCom;
using PrivateDomain.WeComApi;
using PrivateDomain.Welcome;

namespace PrivateDomain;

/// <summary>The application's DI wiring, shared by the local host and the Functions app.</summary>
public static class PrivateDomainServices
{
    /// <summary>Registers options (validated at start-up), storage clients, ports and use cases.</summary>
    public static IServiceCollection AddPrivateDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<WeComOptions>().Bind(configuration.GetSection(WeComOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeComOptions>, WeComOptionsValidator>();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<QueuePoison>();
        services.AddOptions<TrackedLinkOptions>().Bind(configuration.GetSection(TrackedLinkOptions.Section))
            .Validate(o => o.Lifetime > TimeSpan.Zero, "Links:Lifetime must be a positive TimeSpan (default 90.00:00:00).").ValidateOnStart();
        services.AddSingleton<TrackedLinkHttp>();
        services.AddSingleton<ICallbackEventStore, TableCallbackEventStore>();
        services.AddSingleton<ICallbackEventQueue, StorageCallbackEventQueue>();
        services.AddSingleton<CallbackIntake>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.RawEvents >= TimeSpan.FromDays(2), "Retention:RawEvents must be at least 2 days (the outbox sweep looks back that far).")
            .ValidateOnStart();
        services.AddSingleton<RawEventRetention>();

        services.AddSingleton<TableCustomerStore>();
        services.AddSingleton<ICustomerStore>(sp => sp.GetRequiredService<TableCustomerStore>());
        services.AddSingleton<ITagIndex>(sp => sp.GetRequiredService<TableCustomerStore>());
        services.AddSingleton<ICustomerReader>(sp => sp.GetRequiredService<TableCustomerStore>());
        services.AddSingleton(sp => new SegmentEvaluator(sp.GetRequiredService<ITagIndex>(), sp.GetRequiredService<ICustomerReader>()));
        services.AddSingleton<IOpportunityListStore, TableOpportunityListStore>();
        services.AddSingleton<OpportunityLists>();
        services.AddSingleton<ICustomerPool, CustomerPool>();
        services.AddSingleton<IRelationshipStore, TableRelationshipStore>();
        services.AddSingleton<IChannelCodes, TableChannelCodes>();
        services.AddSingleton<ISignalInbox, TableSignalInbox>();
        services.AddSingleton<IGroupChatStore, TableGroupChatStore>();
        services.AddSingleton<IGroupCodes, TableGroupCodes>();
        services.AddSingleton<IGroupChatStatistics, TableGroupChatStatistics>();
        services.AddSingleton<GroupCodeService>();
        services.AddSingleton<GroupChatStatisticsRead>();
        services.AddSingleton<ICorpTagCatalogue, TableCorpTagCatalogue>();
        services.AddSingleton<TableCustomerErasureStore>();
        services.AddSingleton<ICustomerEventRefs>(sp => sp.GetRequiredService<TableCustomerErasureStore>());
        services.AddSingleton<ICustomerErasureStore>(sp => sp.GetRequiredService<TableCustomerErasureStore>());
        services.AddSingleton<IErasureTombstones>(sp => sp.GetRequiredService<TableCustomerErasureStore>());
        services.AddSingleton<CustomerErasure>();
        services.AddSingleton<CustomerEventProcessor>();
        services.AddAcquisition(configuration);
        services.AddOptions<CustomersOptions>().Bind(configuration.GetSection(CustomersOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CustomersOptions>, CustomersOptionsValidator>();
        services.AddSingleton(sp => new PhoneProtector(sp.GetRequiredService<IOptions<CustomersOptions>>().Value.PhoneHashKey));
        services.AddSingleton<ICrmPoisonStore, TableCrmPoisonStore>();
        services.AddSingleton<CrmIntake>();
        services.AddSingleton<CustomerBulkImport>();
        services.AddJourneys(configuration);
        services.AddPayroll(configuration);
        services.AddWeComApi(configuration);
        PrivateDomain.AccountManagers.ManagerServices.AddManagers(services, configuration);
        services.AddContentLibrary(configuration);
        services.AddSingleton<Funnel.FunnelReader>();
        services.AddDelivery(configuration);
        services.AddWelcomeMessages(configuration);
        PrivateDomain.Pages.CampaignPageServices.AddCampaignPages(services, configuration);
        // Campaign touches are counted as delivery writes their outcome (reached, refused-by-policy).
        services.AddSingleton<IDeliveryLedger>(sp => new PayrollDeliveryCounts(sp.GetRequiredService<TableTouchLedger>(), sp.GetRequiredService<PayrollEngagement>()));
        services.AddSingleton<IOperatorAudit, TableOperatorAudit>();
        return services;
    }

    /// <summary>Payroll campaigns: the working-day calendar (content-templates/calendars next to the app, plus the notices
    /// each tenant published into Blob Storage), employers and the daily run.</summary>
    private static void AddPayroll(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PayrollOptions>().Bind(configuration.GetSection(PayrollOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PayrollOptions>, PayrollOptionsValidator>();
        services.AddSingleton<IPublishedCalendars>(sp => new BlobPublishedCalendars(sp.GetRequiredService<StorageClients>(),
            configuration["Payroll:CalendarsContainer"] is { Length: > 0 } container ? container : BlobPublishedCalendars.DefaultContainer));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PayrollCalendars>(sp,
            WorkingDayCalendar.Load(configuration["Payroll:CalendarsPath"] is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "content-templates", "calendars"))));
        services.AddSingleton<PayrollCalendarWatch>();
        services.AddSingleton<TablePayrollStore>();
        services.AddSingleton<IPayrollEmployers>(sp => sp.GetRequiredService<TablePayrollStore>());
        services.AddSingleton<IPayrollCampaigns>(sp => sp.GetRequiredService<TablePayrollStore>());
        services.AddSingleton<IPayrollCampaignRuns>(sp => sp.GetRequiredService<TablePayrollStore>());
        services.AddSingleton<PayrollCampaignScheduler>();
        services.AddOptions<PayrollFanOutOptions>().Bind(configuration.GetSection(PayrollFanOutOptions.Section))
            .Validate(o => { try { o.Validated(); return true; } catch (ArgumentException) { return false; } }, "Payroll:FanOut:BatchSize and CohortPageSize must be 1–10,000, Parallelism 1–256.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PayrollFanOutOptions>>().Value);
        services.AddSingleton<IPayrollCohort, TablePayrollCohort>();
        services.AddSingleton<IPayrollCounts, TablePayrollCounts>();
        services.AddSingleton<IPayrollEnrolmentStaging, TablePayrollEnrolmentStaging>();
        services.AddSingleton<IFollowUpTasks, TableFollowUpTasks>();
        services.AddSingleton<IPayrollFanOutQueue, StoragePayrollFanOutQueue>();
        services.AddSingleton<PayrollFanOut>();
        services.AddSingleton<PayrollEngagement>();
    }

    /// <summary>Journeys: the catalog of published definitions, the engine, the touch ledger and the local runner's stores.</summary>
    private static void AddJourneys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JourneyOptions>().Bind(configuration.GetSection(JourneyOptions.Section))
            .Validate(o => o.ClockSpeed >= 1, "Journeys:ClockSpeed must be at least 1 (1 = real time).")
            .Validate<TimeProvider>((o, time) => o.ClockEpoch is not { } e || e <= time.GetUtcNow(),
                "Journeys:ClockEpoch must be a past instant (e.g. 2026-11-30T08:00:00Z); leave it unset to count from the host's start.")
            .Validate(o => Directory.Exists(o.ResolvedDefinitionsPath), "Journeys:DefinitionsPath must name the folder of journey definitions (content-templates/journeys).")
            .ValidateOnStart();
        services.AddSingleton(sp => JourneyCatalog.Load(sp.GetRequiredService<IOptions<JourneyOptions>>().Value.ResolvedDefinitionsPath));
        services.AddSingleton(_ => new JourneyEngine(TouchPolicy.Default));
        // Journey time runs on the host's clock (TimeProvider), so a host whose clock is pinned or moved runs its journeys there too.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<JourneyOptions>>().Value is var o && o.ClockEpoch is { } epoch
            ? JourneyClock.FromEpoch(o.ClockSpeed, epoch, sp.GetRequiredService<TimeProvider>())
            : new JourneyClock(o.ClockSpeed, real: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITouchLedger>(sp => sp.GetRequiredService<TableTouchLedger>());
        services.AddSingleton<IJourneyStore, TableJourneyStore>();
        services.AddSingleton<IJourneyStarts, TableJourneyStarts>();
        services.AddSingleton<StorageJourneyWakeups>();
        services.AddSingleton<IJourneyWakeups>(sp => sp.GetRequiredService<StorageJourneyWakeups>());
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<JourneyRunner>(sp, (TimeProvider)sp.GetRequiredService<JourneyClock>()));
        services.AddSingleton<ICohortStates, TableCohortStates>();
        services.AddSingleton<ISignalJournal, TableSignalJournal>();
        services.AddSingleton<CohortRunner>();
    }
}
