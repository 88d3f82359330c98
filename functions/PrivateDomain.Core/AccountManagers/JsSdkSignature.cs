using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.AccountManagers;

/// <summary>Which ticket signs a JS-SDK call: the corp's (<c>wx.config</c>) or the app's (<c>wx.agentConfig</c>).</summary>
public enum JsApiTicketKind
{
    /// <summary>The corp's jsapi_ticket (<c>/cgi-bin/get_jsapi_ticket</c>), for wx.config.</summary>
    Corp,

    /// <summary>The app's ticket (<c>/cgi-bin/ticket/get?type=agent_config</c>), for wx.agentConfig.</summary>
    Agent,
}

/// <summary>
/// The JS-SDK signature [90506]: lowercase hex SHA-1 of <c>jsapi_ticket=…&amp;noncestr=…&amp;timestamp=…&amp;url=…</c>, the
/// fields in that (ASCII) order, the values unescaped, and the url being the page's full address without its fragment
/// (<c>#…</c>). The same algorithm signs wx.config (the corp's ticket) and wx.agentConfig (the app's ticket).
/// </summary>
public static class JsSdkSignature
{
    /// <summary>Signs a page URL.</summary>
    public static string Sign(string ticket, string nonce, long timestamp, string url)
    {
        ArgumentException.ThrowIfNullOrEmpty(ticket);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        ArgumentNullException.ThrowIfNull(url);
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var page = hash >= 0 ? url[..hash] : url;
        var text = $"jsapi_ticket={ticket}&noncestr={nonce}&timestamp={timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}&url={page}";
#pragma warning disable CA5350 // SHA-1 is WeCom's JS-SDK protocol, not our choice.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
    }
}

/// <summary>The corp's and the app's JS-SDK tickets, cached and shared across instances (WeCom: about 7,200 s each;
/// get_jsapi_ticket at most 400 times an hour per corp and 100 per app [90454]).</summary>
public interface IJsApiTickets
{
    /// <summary>A valid ticket, or null with the reason logged when WeCom would not give one.</summary>
    Task<string?> GetAsync(string tenant, JsApiTicketKind kind, CancellationToken cancellationToken);
}
