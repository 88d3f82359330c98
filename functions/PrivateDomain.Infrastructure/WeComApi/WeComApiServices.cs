using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.WeComApi;

/// <summary>DI wiring of the WeCom API client.</summary>
public static class WeComApiServices
{
    /// <summary>
    /// Registers <see cref="IWeComApi"/> with its options (<c>WeCom:Api</c>, and <c>WeCom:Tenants:{tenant}:CorpId/AppSecret</c>),
    /// validated at start-up. Needs <see cref="StorageClients"/> (registered by AddPrivateDomain) for the shared token table.
    /// </summary>
    public static IServiceCollection AddWeComApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WeComApiOptions>().Bind(configuration.GetSection(WeComApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeComApiOptions>, WeComApiOptionsValidator>();
        services.AddOptions<WeComAppOptions>().Bind(configuration.GetSection(WeComOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeComAppOptions>, WeComAppOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(WeComRetryJitter.Shared);
        services.TryAddSingleton<StorageClients>();

        // The factory's own request logging would print the URL, and with it the access_token: we log redacted URLs ourselves.
        services.AddHttpClient(WeComAccessTokens.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddSingleton<WeComRateLimiter>();
        services.AddSingleton<WeComAccessTokens>();
        services.AddSingleton<WeComApiClient>();
        services.AddSingleton<IWeComApi>(sp => sp.GetRequiredService<WeComApiClient>());
        services.AddSingleton<IWeComContactWays>(sp => sp.GetRequiredService<WeComApiClient>());
        services.AddSingleton<IWeComGroupChats>(sp => sp.GetRequiredService<WeComApiClient>());
        services.AddSingleton<PrivateDomain.Pages.IWeComWebAuthorisation>(sp => sp.GetRequiredService<WeComApiClient>());
        return services;
    }
}
