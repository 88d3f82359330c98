using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using PrivateDomain.Journeys;

namespace PrivateDomain.Pages;

/// <summary>
/// A campaign page as the customer's phone receives it: one small zh-CN HTML document, its style inline, no script, no
/// font or image from anywhere (no CDN), with the security headers of every customer page (<see cref="CustomerPage"/>).
/// Forms post to <c>{token}/{action}</c>, relative to the page, so the page works under either host's route prefix.
/// </summary>
public sealed class CampaignPageHtml : IResult
{
    private const string Style =
        "body{font:16px/1.6 -apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;color:#222;background:#f6f6f6}" +
        "header{background:#c8102e;color:#fff;padding:1.2em 1em}header h1{margin:0;font-size:1.3em}main{padding:1em}" +
        ".card{background:#fff;border-radius:10px;padding:1em;margin-bottom:1em}.code{font:700 1.6em/1.4 monospace;letter-spacing:.1em;color:#c8102e;word-break:break-all}" +
        "button{display:block;width:100%;font-size:1.1em;padding:.8em;border:0;border-radius:8px;background:#c8102e;color:#fff}" +
        "fieldset{border:0;margin:0 0 1em;padding:0}legend{font-weight:600;margin-bottom:.4em}label{display:block;padding:.5em;margin:.3em 0;background:#f2f2f2;border-radius:6px}" +
        ".risk{font-size:.9em;color:#555;border-left:3px solid #c8102e;padding-left:.8em}small{color:#777}";

    private readonly int _status;
    private readonly string _html;

    private CampaignPageHtml(int status, string html) => (_status, _html) = (status, html);

    /// <summary>The HTTP status.</summary>
    public int StatusCode => _status;

    /// <summary>The HTML.</summary>
    public string Html => _html;

    /// <summary>A page: a title bar and a body of already-encoded HTML (use <see cref="Text"/> for any text).</summary>
    public static CampaignPageHtml Page(int status, string title, string bodyHtml) => new(status, $$"""
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>{{Text(title)}}</title><style>{{Style}}</style></head><body><header><h1>{{Text(title)}}</h1></header><main>
        {{bodyHtml}}</main></body></html>
        """);

    /// <summary>HTML-encodes text.</summary>
    public static string Text(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A card with paragraphs of text.</summary>
    public static string Card(params string[] paragraphs)
    {
        var sb = new StringBuilder("<div class=\"card\">");
        foreach (var p in paragraphs)
        {
            sb.Append("<p>").Append(Text(p)).Append("</p>");
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>A form with one button posting to <paramref name="href"/> (relative: <c>{token}/{action}</c> from the page,
    /// <c>{action}</c> from a page that answered a post), with optional inner HTML (questions).</summary>
    public static string Form(string href, string button, string inner = "") =>
        $"<form method=\"post\" action=\"{Text(href)}\">{inner}<button type=\"submit\">{Text(button)}</button></form>";

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = _status;
        CustomerPage.AddSecurityHeaders(response);
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(_html, Encoding.UTF8, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
