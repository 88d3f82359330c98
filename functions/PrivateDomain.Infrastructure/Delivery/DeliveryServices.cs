using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery.Policy;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.Delivery.Storage;

/// <summary>DI wiring of delivery: the policy, the outboxes, dispatches, history, nudges and the dispatcher.</summary>
public static class DeliveryServices
{
    /// <summary>
    /// Registers delivery with its options (<c>Delivery</c> for batching, <c>Delivery:Policy</c> for caps, quiet hours and
    /// throttles), validated at start-up. Needs the employee directory (registered with the welcome messages).
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DispatchOptions>().Bind(configuration.GetSection(DispatchOptions.Section))
            .Validate(o => Valid(o.Validated), "Delivery options are out of range (see the message at start-up).").ValidateOnStart();
        services.AddOptions<DeliveryPolicyOptions>().Bind(configuration.GetSection(DispatchOptions.Section + ":Policy"))
            .Validate(o => Valid(o.Validated), "Delivery:Policy is out of range.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DispatchOptions>>().Value.Validated());
        services.AddSingleton(sp => new DeliveryPolicy(sp.GetRequiredService<IOptions<DeliveryPolicyOptions>>().Value));
        services.AddSingleton<IDeliveryQueue, TableDeliveryQueue>();
        services.AddSingleton<IDispatchStore, TableDispatchStore>();
        services.AddSingleton<IDeliveryHistoryStore, TableDeliveryHistory>();
        services.AddSingleton<StorageDeliveryNudges>();
        services.AddSingleton<IDeliveryNudges>(sp => sp.GetRequiredService<StorageDeliveryNudges>());
        services.AddSingleton<ISenderContexts, DirectorySenderContexts>();
        services.AddSingleton<TableTouchLedger>();
        services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<TableTouchLedger>());
        services.AddSingleton<TouchDispatcher>(sp => ActivatorUtilities.CreateInstance<TouchDispatcher>(sp, (TimeProvider)sp.GetRequiredService<JourneyClock>()));
        return services;
    }

    private static bool Valid(Func<object> validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
