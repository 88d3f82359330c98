using Microsoft.Extensions.Options;
using PrivateDomain.Content;

namespace PrivateDomain.Pages;

/// <summary>
/// Makes the links page placeholders render to, <c>{CampaignPages:BaseUrl}/p/{token}</c>, for one sender at a time
/// (<see cref="For"/>). The expiry is rounded up to the end of a UTC day, so the same step rendered for all of a task's
/// recipients is the same text (and one mass-send task).
/// </summary>
public sealed class SignedPageLinks(CampaignPageLinkSigner signer, IOptions<CampaignPagesOptions> options, TimeProvider time)
{
    /// <summary>The link to a page, expiring at the end of the UTC day <see cref="CampaignPagesOptions.LinkLifetime"/> from now.</summary>
    internal string Create(Uri baseUrl, string tenant, string senderId, PageOrigin origin, string content, string page, string item)
    {
        var expires = time.GetUtcNow().UtcDateTime.Date.AddDays(1) + options.Value.LinkLifetime;
        var token = signer.Create(new CampaignPageLink(tenant, senderId, origin.Campaign, origin.Journey, origin.Step, content, page, item, new DateTimeOffset(expires, TimeSpan.Zero)));
        return baseUrl.AbsoluteUri.TrimEnd('/') + "/p/" + token;
    }

    /// <summary>The links for <paramref name="senderId"/>'s messages of <paramref name="tenant"/>; null without <c>CampaignPages:BaseUrl</c>.</summary>
    public IPageLinks? For(string tenant, string senderId) => options.Value.BaseUrl is { } baseUrl ? new Sender(this, tenant, senderId, baseUrl) : null;

    private sealed class Sender(SignedPageLinks owner, string tenant, string senderId, Uri baseUrl) : IPageLinks
    {
        public string? Link(string placeholder, PageOrigin origin, string content)
        {
            if (PagePlaceholders.Parse(placeholder) is not var (page, item))
            {
                return null;
            }

            return owner.Create(baseUrl, tenant, senderId, origin, content, page, item);
        }
    }
}
