using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace PrivateDomain.Journeys;

/// <summary>
/// A response to a customer's browser (the tracked link, the unsubscribe page), on both hosts: small zh-CN HTML — never
/// a JSON error — sent with the headers every such page carries: <c>X-Content-Type-Options: nosniff</c>,
/// <c>Referrer-Policy: no-referrer</c> (a token in the URL must not travel to the next site), <c>X-Frame-Options: DENY</c>
/// and a Content-Security-Policy that allows nothing but the page's own inline style and a form posting back to itself
/// (<c>frame-ancestors 'none'</c>). Redirects carry the same headers.
/// </summary>
public sealed class CustomerPage : IResult
{
    /// <summary>The Content-Security-Policy of every customer page.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private readonly int _status;
    private readonly string? _html;
    private readonly Uri? _location;

    private CustomerPage(int status, string? html, Uri? location) => (_status, _html, _location) = (status, html, location);

    /// <summary>The HTTP status.</summary>
    public int StatusCode => _status;

    /// <summary>A page with <paramref name="title"/> and paragraphs of text (HTML-encoded here); optionally a form
    /// with one button that posts back to the page's own address.</summary>
    public static CustomerPage Html(int status, string title, IEnumerable<string> paragraphs, string? postButton = null)
    {
        ArgumentNullException.ThrowIfNull(paragraphs);
        var body = new StringBuilder();
        foreach (var p in paragraphs)
        {
            body.Append("<p>").Append(WebUtility.HtmlEncode(p)).Append("</p>\n");
        }

        if (postButton is not null)
        {
            body.Append("<form method=\"post\"><button type=\"submit\">").Append(WebUtility.HtmlEncode(postButton)).Append("</button></form>\n");
        }

        return new CustomerPage(status, $$"""
            <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}}</title><style>body{font:16px/1.6 sans-serif;margin:2em 1.2em;color:#222}button{font-size:16px;padding:.5em 1.5em}</style></head><body>
            {{body}}</body></html>
            """, null);
    }

    /// <summary>A 302 to <paramref name="target"/>.</summary>
    public static CustomerPage Redirect(Uri target) => new(StatusCodes.Status302Found, null, target);

    /// <summary>The security headers, for any response a customer's browser renders.</summary>
    public static void AddSecurityHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = "no-store";
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = _status;
        AddSecurityHeaders(response);
        if (_location is not null)
        {
            response.Headers.Location = _location.AbsoluteUri;
            return;
        }

        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(_html ?? "", Encoding.UTF8, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
