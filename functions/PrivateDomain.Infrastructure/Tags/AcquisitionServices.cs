using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;

namespace PrivateDomain.Tags;

/// <summary>DI wiring of channel codes, dynamic tags and the WeCom tag sync (section <c>Tags</c>).</summary>
public static class AcquisitionServices
{
    /// <summary>Registers the services; the hosts wrap their signal inbox in <see cref="DynamicTagSignals"/> themselves.</summary>
    public static IServiceCollection AddAcquisition(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TagOptions>().Bind(configuration.GetSection(TagOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.WeComGroupName) && o.WeComGroupName.Length <= 30, "Tags:WeComGroupName must be 1–30 characters (a WeCom tag group name).")
            .ValidateOnStart();
        services.AddSingleton<ChannelCodeService>();
        services.AddSingleton<ITagSyncQueue, StorageTagSyncQueue>();
        services.AddSingleton<WeComTagSync>();
        // Invalid rules stop the host at start-up with every error (line, field, reason), like journeys.
        services.AddSingleton(sp => DynamicTagCatalog.Load(sp.GetRequiredService<IOptions<TagOptions>>().Value.RulesPath is { Length: > 0 } path
            ? path : Path.Combine(AppContext.BaseDirectory, "content-templates", "tag-rules")));
        services.AddSingleton<DynamicTagger>();
        return services;
    }
}
