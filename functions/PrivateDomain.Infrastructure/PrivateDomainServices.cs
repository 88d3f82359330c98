using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

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
        services.AddSingleton<ICallbackEventStore, TableCallbackEventStore>();
        services.AddSingleton<ICallbackEventQueue, StorageCallbackEventQueue>();
        services.AddSingleton<CallbackIntake>();
        return services;
    }
}
