using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;

namespace PrivateDomain.Welcome;

/// <summary>DI wiring of the welcome fast path.</summary>
public static class WelcomeServices
{
    /// <summary>Registers the employee directory, the welcome queue and ledger, <see cref="WelcomeSender"/> and its options
    /// (<c>Welcome</c> section) validated at start-up. Needs the storage clients, the content library and the WeCom API.</summary>
    public static IServiceCollection AddWelcomeMessages(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WelcomeOptions>().Bind(configuration.GetSection(WelcomeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WelcomeOptions>, WelcomeOptionsValidator>();
        services.AddSingleton<IEmployeeDirectory, TableEmployeeDirectory>();
        services.AddSingleton<IWelcomeQueue, StorageWelcomeQueue>();
        services.AddSingleton<IWelcomeLedger, TableWelcomeLedger>();
        services.AddSingleton<WelcomeSender>();
        return services;
    }
}
