using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// Campaign page placeholders: <c>{page.welfare}</c> (or <c>{page.welfare:&lt;pool&gt;}</c>), <c>{page.quiz}</c> (or
/// <c>{page.quiz:&lt;quiz&gt;}</c>) and <c>{page.product:&lt;id&gt;}</c>. Each becomes a signed, expiring link to the page
/// that names the sender, the campaign or journey step and the content version — never the customer, so every recipient
/// of a task gets the same text; WeCom's web authorisation tells us who opened it.
/// </summary>
public static class PagePlaceholders
{
    /// <summary>The pool or quiz a bare <c>{page.welfare}</c> or <c>{page.quiz}</c> means.</summary>
    public const string DefaultItem = "default";

    /// <summary>The page and item a placeholder name stands for, or null when it is not a page placeholder.</summary>
    public static (string Page, string Item)? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.StartsWith("page.", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name["page.".Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var page = colon < 0 ? rest : rest[..colon];
        var item = colon < 0 ? null : rest[(colon + 1)..];
        if (item is not null && !IsItemId(item))
        {
            return null;
        }

        return page switch
        {
            "welfare" or "quiz" => (page, item ?? DefaultItem),
            "product" when item is not null => (page, item),
            _ => null,
        };
    }

    /// <summary>The placeholder for a page placeholder name (see <see cref="Parse"/>).</summary>
    public static Placeholder For(string name) =>
        new(name, "a campaign page link (https, set CampaignPages:BaseUrl)", false, v => v.PageLinks?.Link(name, v.PageOrigin ?? PageOrigin.None, v.PageContent ?? ""));

    /// <summary>1–64 lowercase letters, digits and <c>- _ .</c>.</summary>
    public static bool IsItemId(string value) =>
        value.Length is >= 1 and <= 64 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.');
}

/// <summary>What a message was sent for: the payroll campaign, or the journey and step.</summary>
/// <param name="Campaign">The payroll campaign id.</param>
/// <param name="Journey">The journey id.</param>
/// <param name="Step">The journey step.</param>
public sealed record PageOrigin(string? Campaign, string? Journey, string? Step)
{
    /// <summary>A message sent outside journeys and campaigns (e.g. a welcome message).</summary>
    public static PageOrigin None { get; } = new(null, null, null);

    /// <summary>The origin of a journey's touch (the journey id is the second part of its instance id).</summary>
    public static PageOrigin Of(Touch touch)
    {
        ArgumentNullException.ThrowIfNull(touch);
        var parts = touch.Id.InstanceId.Split(':');
        return new PageOrigin(touch.Campaign, parts.Length > 2 ? parts[1] : null, touch.Id.StepId);
    }
}

/// <summary>Makes the link for a page placeholder, for one tenant and sender (set by the sender's context).</summary>
public interface IPageLinks
{
    /// <summary>The https link for <paramref name="placeholder"/>, or null when pages are not configured.</summary>
    string? Link(string placeholder, PageOrigin origin, string content);
}
