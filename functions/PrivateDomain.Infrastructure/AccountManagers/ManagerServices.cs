using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.WeComApi;

namespace PrivateDomain.AccountManagers;

/// <summary>DI wiring of the account managers' side: staff messages, task cards, 流失提醒, the digest.</summary>
public static class ManagerServices
{
    /// <summary>Registers the managers' capability with its options (<c>Managers</c>), validated at start-up.</summary>
    public static IServiceCollection AddManagers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ManagerMessagesOptions>().Bind(configuration.GetSection(ManagerMessagesOptions.Section))
            .Validate(o => o.Problem() is null, "Managers: TimeZoneId must be known, DailyCap 1…500, TaskExpiresAfter positive and DigestAt outside quiet hours.")
            .ValidateOnStart();
        services.AddSingleton<IStaffMessageLedger, TableStaffMessageLedger>();
        services.AddSingleton<IWeComAppMessages>(sp => sp.GetRequiredService<WeComApiClient>());
        services.AddSingleton<ManagerMessenger>();
        services.AddSingleton<ManagerTaskCards>();
        services.AddSingleton<IFollowUpNotices>(sp => sp.GetRequiredService<ManagerTaskCards>());
        services.AddSingleton<ManagerAlerts>();
        services.AddSingleton<IManagerAlerts>(sp => sp.GetRequiredService<ManagerAlerts>());
        services.AddSingleton<ManagerDigest>();
        services.AddSingleton<IJsApiTickets, WeComJsApiTickets>();
        services.AddSingleton<ChatSidebar>();
        return services;
    }
}
