using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PrivateDomain.Pages;

/// <summary>DI wiring of the campaign pages (both hosts).</summary>
public static class CampaignPageServices
{
    /// <summary>Registers the pages' options (<c>CampaignPages:*</c>), content, stores and, when <c>Links:SigningKey</c>
    /// is set, the link signer, the visitor session and <see cref="CampaignPageHttp"/>.</summary>
    public static IServiceCollection AddCampaignPages(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CampaignPagesOptions>().Bind(configuration.GetSection(CampaignPagesOptions.Section))
            .Validate(o => o.BaseUrl is null || (o.BaseUrl.IsAbsoluteUri && o.BaseUrl.Scheme == Uri.UriSchemeHttps),
                "CampaignPages:BaseUrl must be an absolute https URL (the app's trusted domain in WeCom), e.g. https://pages.bank.cn/api.")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero && o.LinkLifetime > TimeSpan.Zero, "CampaignPages:SessionLifetime and LinkLifetime must be positive.")
            // A quiz or product file that does not read stops the start with its name, not the first customer's visit.
            .Validate(o => CampaignPageContent.Load(o.ResolvedContentPath) is not null, "CampaignPages:ContentPath: the page content does not load.")
            .ValidateOnStart();
        services.AddSingleton(sp => CampaignPageContent.Load(sp.GetRequiredService<IOptions<CampaignPagesOptions>>().Value.ResolvedContentPath));
        services.AddSingleton<IWelfarePools, TableWelfarePools>();
        services.AddSingleton<ICampaignPageEvents, TableCampaignPageEvents>();
        var key = configuration["Links:SigningKey"];
        if (!string.IsNullOrWhiteSpace(key))
        {
            services.AddSingleton(new CampaignPageLinkSigner(key));
            services.AddSingleton(new VisitorSessionCookie(key));
            services.AddSingleton<SignedPageLinks>();
            services.AddSingleton<CampaignPageHttp>();
        }

        return services;
    }
}
