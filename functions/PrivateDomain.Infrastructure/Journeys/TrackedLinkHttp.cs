using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Input;
using PrivateDomain.WeCom;

namespace PrivateDomain.Journeys;

/// <summary>
/// The pages customers reach from our messages, shared by the local host (<c>/l/{token}</c>, <c>/u/{token}</c>) and the
/// Functions app (the same under <c>/api</c>), anonymous by nature: a link click records a click signal, tags the
/// customer and redirects to the link's target; the unsubscribe page is shown on GET and opts the customer out on POST
/// (a GET must not change anything: link previewers fetch URLs).
/// </summary>
/// <remarks>
/// Every answer is a <see cref="CustomerPage"/> (zh-CN HTML with security headers), never a JSON error: a bad or forged
/// token gets a 404 page, an expired one (<see cref="TrackedLinkOptions.Lifetime"/>) a page that says so with the bank's
/// hotline. The target is checked again at every click — https, on the tenant's <c>BankSite</c> host or
/// <see cref="TrackedLinkOptions.AllowedHosts"/> — so a signing key that leaked, or a host dropped since, cannot make us an open
/// redirect. When storage fails the customer is not shown an error: a click still goes to its target (the bank's page;
/// only the click is lost, and logged), an unsubscribe says it could not be done now and gives the hotline.
/// </remarks>
public sealed class TrackedLinkHttp(
    ISignalInbox signals, ICustomerPool pool, TimeProvider time, IOptions<WeComOptions> tenants, IOptions<TrackedLinkOptions> options, ILogger<TrackedLinkHttp> log)
{
    /// <summary>The dynamic tag a customer who opted out carries; delivery checks it before every send.</summary>
    public const string OptedOutTag = "opted-out";

    /// <summary>The dynamic tag a customer who clicked carries.</summary>
    public const string ClickedTag = "clicked";

    /// <summary>GET a content link: tag, signal, redirect.</summary>
    public async Task<IResult> ClickAsync(string token, TrackedLinkSigner? links, CancellationToken ct)
    {
        if (links?.Read(token) is not { Target: { } target } link)
        {
            return NotFound();
        }

        var now = time.GetUtcNow();
        if (link.IsExpired(now))
        {
            return Expired(link.Tenant);
        }

        if (!IsAllowedTarget(link.Tenant, target))
        {
            log.LogWarning("A tracked link of {Tenant} leads to {Host}, not an allowed https host of the bank; refused", LogValue.Of(link.Tenant), LogValue.Of(target.Host));
            return NotFound();
        }

        try
        {
            await pool.UpdateAsync(link.Tenant, link.CustomerId, c => CustomerChanges.WithTag(c, ClickedTag, TagKind.Dynamic, "link", now), ct).ConfigureAwait(false);
            await signals.RaiseAsync(new CustomerSignal(link.Tenant, link.CustomerId,
                $"click:{link.TouchId ?? target.AbsoluteUri}:{now:yyyyMMddHHmm}", SignalKinds.Clicked, now,
                new Dictionary<string, string> { ["url"] = target.AbsoluteUri, ["touchId"] = link.TouchId ?? "", ["campaign"] = link.Campaign ?? "" }), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogError(e, "Click of customer {CustomerId} of {Tenant} not recorded (storage failed); the customer is sent on to the bank's page",
                LogValue.Of(link.CustomerId), LogValue.Of(link.Tenant));
        }

        return CustomerPage.Redirect(target);
    }

    /// <summary>GET the unsubscribe page. Its form posts back to the page's own address (no action attribute), so the
    /// page works under either host's route prefix.</summary>
    public IResult UnsubscribePage(string token, TrackedLinkSigner? links)
    {
        if (links?.Read(token) is not { Target: null } link)
        {
            return NotFound();
        }

        return link.IsExpired(time.GetUtcNow())
            ? Expired(link.Tenant)
            : CustomerPage.Html(StatusCodes.Status200OK, "退订", ["确认后，您将不再收到我们的营销消息（您的客户经理仍可为您办理业务）。"], "确认退订");
    }

    /// <summary>POST the unsubscribe page: tag the customer opted out and raise the signal that ends their journeys.</summary>
    public async Task<IResult> UnsubscribeAsync(string token, TrackedLinkSigner? links, CancellationToken ct)
    {
        if (links?.Read(token) is not { Target: null } link)
        {
            return NotFound();
        }

        var now = time.GetUtcNow();
        if (link.IsExpired(now))
        {
            return Expired(link.Tenant);
        }

        try
        {
            await pool.UpdateAsync(link.Tenant, link.CustomerId, c => CustomerChanges.WithTag(c, OptedOutTag, TagKind.Dynamic, "unsubscribe-page", now), ct).ConfigureAwait(false);
            await signals.RaiseAsync(new CustomerSignal(link.Tenant, link.CustomerId, "unsubscribe:" + link.CustomerId, SignalKinds.OptedOut, now,
                new Dictionary<string, string>()), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            log.LogError(e, "Unsubscribe of customer {CustomerId} of {Tenant} failed (storage); the customer was asked to try again", LogValue.Of(link.CustomerId), LogValue.Of(link.Tenant));
            return CustomerPage.Html(StatusCodes.Status503ServiceUnavailable, "请稍后再试",
                ["抱歉，暂时无法为您办理退订，请稍后再试。", .. Contact(link.Tenant)], "重试");
        }

        return CustomerPage.Html(StatusCodes.Status200OK, "已退订", ["已为您退订营销消息。"]);
    }

    /// <summary>True if <paramref name="target"/> is https on the tenant's BankSite host or an allowed host (or a subdomain).</summary>
    public bool IsAllowedTarget(string tenant, Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsAbsoluteUri || target.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(target.UserInfo))
        {
            return false;
        }

        var allowed = options.Value.AllowedHosts.AsEnumerable();
        if (tenants.Value.Tenants.TryGetValue(tenant, out var t) && t.BankSite is { } site)
        {
            allowed = allowed.Append(site.Host);
        }

        var host = target.IdnHost;
        return allowed.Select(h => h.Trim().TrimEnd('.')).Where(h => h.Length > 0)
            .Any(h => host.Equals(h, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The page for a link that does not exist (bad, forged, or for another page).</summary>
    public static CustomerPage NotFound() =>
        CustomerPage.Html(StatusCodes.Status404NotFound, "链接无效", ["抱歉，此链接无效。请通过您的客户经理获取最新链接。"]);

    private CustomerPage Expired(string tenant) =>
        CustomerPage.Html(StatusCodes.Status410Gone, "链接已过期",
            ["抱歉，此链接已过期。请联系您的客户经理获取最新内容；如需退订营销消息，可直接回复“退订”。", .. Contact(tenant)]);

    private IEnumerable<string> Contact(string tenant)
    {
        if (tenants.Value.Tenants.TryGetValue(tenant, out var t))
        {
            if (t.BankHotline is { } hotline)
            {
                yield return $"{t.BankName ?? "客服"}热线：{hotline}";
            }

            if (t.BankSite is { } site)
            {
                yield return $"官方网站：{site.AbsoluteUri}";
            }
        }
    }
}
