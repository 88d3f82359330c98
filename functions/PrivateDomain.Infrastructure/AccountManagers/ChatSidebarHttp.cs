using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PrivateDomain.Input;
using PrivateDomain.Pages;
using PrivateDomain.WeCom;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// The chat sidebar (聊天工具栏) edge, shared by both hosts under their route prefix (<c>/sidebar/{tenant}</c> locally,
/// <c>/api/sidebar/{tenant}</c> on Azure). The page identifies the manager by WeCom's web authorisation (a code →
/// <c>auth/getuserinfo</c> → userid, kept in a signed HttpOnly cookie) and the customer by the JS-SDK in WeCom's
/// webview: it asks <c>…/jsconfig</c> for wx.config (corp jsapi_ticket) and wx.agentConfig (app ticket) signatures of
/// its own URL, then <c>getCurExternalContact</c>, then <c>…/customer?externalUserId=</c>, which answers only when this
/// manager has this customer (403 otherwise). Scripts go into the chat with <c>sendChatMessage</c>; tasks are marked
/// done with <c>POST …/tasks/done</c>. The JS-SDK comes from WeCom's own URL (no other third-party script).
/// </summary>
public static class ChatSidebarHttp
{
    /// <summary>The session cookie.</summary>
    public const string CookieName = "pd_sidebar";

    /// <summary>WeCom's JS-SDK (jweixin 1.2.0, which wx.agentConfig needs in WeCom 3.0.24 and later).</summary>
    public const string JsSdkUrl = "https://res.wx.qq.com/open/js/jweixin-1.2.0.js";

    /// <summary>A tag change: one of the bank's tags set (<c>on</c>) or removed.</summary>
    public sealed record TagChange(string ExternalUserId, string Tag, bool On);

    /// <summary>A mark-done request.</summary>
    public sealed record TaskDone(string ExternalUserId, string CampaignId);

    /// <summary><c>GET …/sidebar/{tenant}</c>: the page, after web authorisation.</summary>
    public static async Task<IResult> PageAsync(
        string tenant, HttpContext http, IWeComWebAuthorisation auth, IOptions<ManagerMessagesOptions> options, IOptions<CampaignPagesOptions> pages,
        IOptions<WeComOptions> tenants, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var o = options.Value;
        if (!tenants.Value.Tenants.TryGetValue(tenant, out var t) || !o.AgentIds.TryGetValue(tenant, out var agentId) || Key(o) is not { } key)
        {
            return Page("聊天工具栏未开通", "<p class=\"note\">该机构未配置企业微信应用，请联系管理员。</p>", null, 404);
        }

        if (Manager(http, tenant, key, time) is not null)
        {
            return Page("客户信息", Body, Script(tenant, http), 200);
        }

        var self = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}";
        if (http.Request.Query["code"].ToString() is { Length: > 0 } code)
        {
            var visitor = await auth.GetUserInfoAsync(tenant, code, ct).ConfigureAwait(false);
            if (visitor.Value?.UserId is not { Length: > 0 } userId || Identifiers.UserId.Check(userId, "userid") is not null)
            {
                return Page("无法识别身份", "<p class=\"note\">请在企业微信中由客户经理打开聊天工具栏。</p>", null, 403);
            }

            var expires = time.GetUtcNow() + o.SidebarSessionLifetime;
            http.Response.Cookies.Append(CookieName, Sign(key, $"{tenant}|{userId}|{expires.ToUnixTimeSeconds()}"), new CookieOptions
            {
                HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = o.SidebarSessionLifetime, IsEssential = true,
            });
            return Results.Redirect(self); // without the single-use code, and with the URL the page signs
        }

        return Results.Redirect($"{pages.Value.AuthorizeUrl.AbsoluteUri}?appid={Uri.EscapeDataString(t.CorpId)}&redirect_uri={Uri.EscapeDataString(self)}"
            + $"&response_type=code&scope=snsapi_base&state=sidebar&agentid={agentId.ToString(CultureInfo.InvariantCulture)}#wechat_redirect");
    }

    /// <summary><c>GET …/jsconfig?url=</c>: the wx.config and wx.agentConfig signatures of the page's URL (same host only).</summary>
    public static async Task<IResult> JsConfigAsync(
        string tenant, HttpContext http, IJsApiTickets tickets, IOptions<ManagerMessagesOptions> options, IOptions<WeComOptions> tenants, TimeProvider time,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Guard(tenant, http, options, time) is { } refused)
        {
            return refused;
        }

        var url = http.Request.Query["url"].ToString();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var page) || !string.Equals(page.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem("url must be this page's own address.", statusCode: 400);
        }

        var corp = await tickets.GetAsync(tenant, JsApiTicketKind.Corp, ct).ConfigureAwait(false);
        var agent = await tickets.GetAsync(tenant, JsApiTicketKind.Agent, ct).ConfigureAwait(false);
        if (corp is null || agent is null)
        {
            return Results.Problem("WeCom gave no JS-SDK ticket; try again shortly.", statusCode: 503);
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var nonce = RandomNumberGenerator.GetHexString(16);
        return Results.Json(new
        {
            corpId = tenants.Value.Tenants[tenant].CorpId,
            agentId = options.Value.AgentIds[tenant],
            timestamp,
            nonceStr = nonce,
            signature = JsSdkSignature.Sign(corp, nonce, timestamp, url),
            agentSignature = JsSdkSignature.Sign(agent, nonce, timestamp, url),
        });
    }

    /// <summary><c>GET …/customer?externalUserId=</c>: the sidebar's view, or 403 when the manager does not have this customer.</summary>
    public static async Task<IResult> CustomerAsync(
        string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Guard(tenant, http, options, time) is { } refused)
        {
            return refused;
        }

        var externalUserId = http.Request.Query["externalUserId"].ToString();
        if (Identifiers.ExternalUserId.Check(externalUserId, "externalUserId") is { } invalid)
        {
            return Results.Problem(invalid, statusCode: 400);
        }

        var view = await sidebar.ViewAsync(tenant, Manager(http, tenant, Key(options.Value)!, time)!, externalUserId, ct).ConfigureAwait(false);
        return view is null ? Results.Problem("您不是该客户的客户经理，无法查看其信息。", statusCode: 403) : Results.Json(view);
    }

    /// <summary><c>POST …/tasks/done</c> <c>{externalUserId, campaignId}</c>: marks the manager's task done.</summary>
    public static async Task<IResult> TaskDoneAsync(
        string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Guard(tenant, http, options, time) is { } refused)
        {
            return refused;
        }

        TaskDone? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<TaskDone>(ct).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body is not { ExternalUserId: { } externalUserId, CampaignId: { } campaignId }
            || Identifiers.ExternalUserId.Check(externalUserId, "externalUserId") is not null || Identifiers.CampaignId.Check(campaignId, "campaignId") is not null)
        {
            return Results.Problem("externalUserId and campaignId are required.", statusCode: 400);
        }

        var done = await sidebar.MarkDoneAsync(tenant, Manager(http, tenant, Key(options.Value)!, time)!, externalUserId, campaignId, ct).ConfigureAwait(false);
        return done ? Results.NoContent() : Results.Problem("没有可完成的任务（已完成，或不是您的客户）。", statusCode: 409);
    }

    /// <summary><c>POST …/tags</c> <c>{externalUserId, tag, on}</c>: sets or removes one of the bank's tags (WeCom mark_tag, then locally).</summary>
    public static async Task<IResult> TagAsync(
        string tenant, HttpContext http, ChatSidebar sidebar, IOptions<ManagerMessagesOptions> options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Guard(tenant, http, options, time) is { } refused)
        {
            return refused;
        }

        TagChange? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<TagChange>(ct).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body is not { ExternalUserId: { } externalUserId, Tag: { Length: > 0 and <= 64 } tag } || Identifiers.ExternalUserId.Check(externalUserId, "externalUserId") is not null)
        {
            return Results.Problem("externalUserId, tag and on are required.", statusCode: 400);
        }

        var problem = await sidebar.SetTagAsync(tenant, Manager(http, tenant, Key(options.Value)!, time)!, externalUserId, tag, body.On, ct).ConfigureAwait(false);
        return problem is null ? Results.NoContent() : Results.Problem(problem, statusCode: 409);
    }

    // A request from the page needs the session; a cross-site request cannot carry it (SameSite=Lax, and POSTs are JSON).
    private static IResult? Guard(string tenant, HttpContext http, IOptions<ManagerMessagesOptions> options, TimeProvider time) =>
        Key(options.Value) is not { } key ? Results.Problem("The chat sidebar is not configured.", statusCode: 404)
        : Manager(http, tenant, key, time) is null ? Results.Problem("请重新打开聊天工具栏（会话已过期）。", statusCode: 401)
        : null;

    private static byte[]? Key(ManagerMessagesOptions o)
    {
        if (o.SidebarKey is not { Length: > 0 } raw)
        {
            return null;
        }

        var bytes = new byte[raw.Length];
        return Convert.TryFromBase64String(raw, bytes, out var n) && n >= 32 ? bytes[..n] : null;
    }

    private static string Sign(byte[] key, string payload) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)) + "." + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));

    /// <summary>The manager of a valid session cookie for this tenant, or null.</summary>
    private static string? Manager(HttpContext http, string tenant, byte[] key, TimeProvider time)
    {
        if (http.Request.Cookies[CookieName] is not { Length: > 0 and < 1024 } cookie || cookie.Split('.') is not [var payload64, var mac])
        {
            return null;
        }

        try
        {
            var payload = Encoding.UTF8.GetString(Convert.FromBase64String(payload64));
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(mac))
                || payload.Split('|') is not [var t, var userId, var expires] || t != tenant
                || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var until) || until <= time.GetUtcNow().ToUnixTimeSeconds())
            {
                return null;
            }

            return userId;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static IResult Page(string title, string body, string? script, int status)
    {
        var nonce = RandomNumberGenerator.GetHexString(16);
        var html = $$"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{{WebUtility.HtmlEncode(title)}}</title>
            <style nonce="{{nonce}}">
            body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#1f2329;background:#f5f6f7}
            header{background:#1d4ed8;color:#fff;padding:12px 16px}header h1{margin:0;font-size:18px}header .sub{opacity:.85;font-size:13px}
            section{background:#fff;margin:8px;padding:12px 14px;border-radius:8px}section h2{margin:0 0 6px;font-size:14px;color:#646a73}
            .tag{display:inline-block;background:#e8f0fe;color:#1d4ed8;border-radius:4px;padding:1px 6px;margin:2px 4px 2px 0;font-size:13px}
            ul{margin:0;padding-left:18px}li{margin:4px 0}.note{color:#646a73;padding:16px}.error{color:#b42318;padding:16px}
            button{font:inherit;border:0;border-radius:6px;padding:4px 12px;background:#1d4ed8;color:#fff}button.secondary{background:#e5e7eb;color:#1f2329}
            .script{border-top:1px solid #eee;padding:8px 0}.script p{margin:0 0 6px;white-space:pre-wrap}
            </style></head><body>{{body}}
            {{(script is null ? "" : $"<script src=\"{JsSdkUrl}\"></script><script nonce=\"{nonce}\">{script}</script>")}}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status) is var content
            ? new WithHeaders(content, nonce)
            : content;
    }

    private const string Body = """
        <header><h1 id="name">正在识别客户…</h1><div class="sub" id="sub"></div></header>
        <main id="main"></main>
        """;

    private static string Script(string tenant, HttpContext http)
    {
        var baseUrl = System.Text.Json.JsonSerializer.Serialize($"{http.Request.PathBase}{http.Request.Path}".TrimEnd('/'));
        return $$$"""
            (function(){
            var base={{{baseUrl}}};var main=document.getElementById('main');
            function esc(s){return String(s==null?'':s).replace(/[&<>"']/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c];});}
            function fail(msg){document.getElementById('name').textContent='无法显示';main.innerHTML='<p class="error" id="error">'+esc(msg)+'</p>';}
            function day(s){return String(s).slice(0,10);}
            var externalUserId=null;
            function render(v){
              document.getElementById('name').textContent=v.name;
              document.getElementById('sub').textContent=v.tier+' · 阶段：'+v.stage+(v.payrollEmployer?' · 代发单位 '+v.payrollEmployer:'');
              var h='<section><h2>标签</h2>'+(v.tags.length?v.tags.map(function(t){return '<span class="tag">'+esc(t)+'</span>';}).join(''):'无')+'</section>';
              if(v.bankTags.length){h+='<section id="bank-tags"><h2>本行标签（点按设置/取消）</h2>'+v.bankTags.map(function(t,i){return '<button class="'+(t.on?'':'secondary')+'" data-tag="'+i+'">'+esc(t.name)+(t.on?' ✓':'')+'</button> ';}).join('')+'</section>';}
              h+='<section><h2>旅程</h2>'+(v.journeys.length?'<ul>'+v.journeys.map(function(j){return '<li>'+esc(j.journeyId)+'：'+esc(j.stage)+(j.lastStep?'（最近一步 '+esc(j.lastStep)+'）':'')+'</li>';}).join('')+'</ul>':'无')+'</section>';
              h+='<section><h2>最近触达与互动</h2>'+((v.recentTouches.length+v.recentReactions.length)?'<ul>'+v.recentTouches.map(function(e){return '<li>'+day(e.at)+' 触达：'+esc(e.what)+'</li>';}).join('')+v.recentReactions.map(function(e){return '<li>'+day(e.at)+' 互动：'+esc(e.what)+'</li>';}).join('')+'</ul>':'无')+'</section>';
              h+='<section id="tasks"><h2>待跟进任务</h2>'+(v.openTasks.length?'<ul>'+v.openTasks.map(function(t,i){return '<li>'+esc(t.why)+'（'+esc(t.campaign)+'） <button data-task="'+i+'">标记完成</button></li>';}).join('')+'</ul>':'<p id="no-tasks">无</p>')+'</section>';
              h+='<section id="scripts"><h2>推荐话术</h2>'+(v.scripts.length?v.scripts.map(function(s,i){return '<div class="script"><p>'+esc(s.text)+'</p><button data-script="'+i+'">发送</button></div>';}).join(''):'无')+'</section>';
              main.innerHTML=h;
              main.querySelectorAll('button[data-task]').forEach(function(b){b.onclick=function(){var t=v.openTasks[+b.dataset.task];
                fetch(base+'/tasks/done',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({externalUserId:externalUserId,campaignId:t.campaignId})})
                .then(function(r){if(r.ok||r.status===409){b.replaceWith(document.createTextNode('已完成'));}else{b.textContent='重试';}});};});
              main.querySelectorAll('button[data-tag]').forEach(function(b){b.onclick=function(){var t=v.bankTags[+b.dataset.tag];
                fetch(base+'/tags',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({externalUserId:externalUserId,tag:t.name,on:!t.on})})
                .then(function(r){if(r.ok){load(externalUserId);}else{b.textContent=t.name+'（失败）';}});};});
              main.querySelectorAll('button[data-script]').forEach(function(b){b.onclick=function(){var s=v.scripts[+b.dataset.script];
                wx.invoke('sendChatMessage',{msgtype:'text',enterChat:true,text:{content:s.text}},function(res){b.textContent=res&&res.err_msg==='sendChatMessage:ok'?'已发送':'发送失败';});};});
            }
            function load(id){externalUserId=id;fetch(base+'/customer?externalUserId='+encodeURIComponent(id)).then(function(r){
              if(r.status===403){return r.json().then(function(p){fail(p.detail||'无权查看');});}
              if(!r.ok){fail('暂时无法加载，请稍后重试');return;}return r.json().then(render);});}
            if(typeof wx==='undefined'){fail('请在企业微信中打开');return;}
            fetch(base+'/jsconfig?url='+encodeURIComponent(location.href.split('#')[0])).then(function(r){return r.json();}).then(function(c){
              wx.config({beta:true,debug:false,appId:c.corpId,timestamp:c.timestamp,nonceStr:c.nonceStr,signature:c.signature,jsApiList:['agentConfig','sendChatMessage','getCurExternalContact']});
              wx.error(function(e){fail('企业微信签名校验失败');});
              wx.ready(function(){wx.agentConfig({corpid:c.corpId,agentid:String(c.agentId),timestamp:c.timestamp,nonceStr:c.nonceStr,signature:c.agentSignature,
                jsApiList:['getCurExternalContact','sendChatMessage'],
                success:function(){wx.invoke('getCurExternalContact',{},function(res){if(res.err_msg==='getCurExternalContact:ok'){load(res.userId);}else{fail('请在与客户的聊天中打开');}});},
                fail:function(){fail('应用签名校验失败');}});});
            });
            })();
            """;
    }

    /// <summary>The page with its security headers: only its own nonce'd inline code and WeCom's JS-SDK run.</summary>
    private sealed class WithHeaders(IResult inner, string nonce) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var h = httpContext.Response.Headers;
            h.ContentSecurityPolicy = $"default-src 'self'; script-src 'nonce-{nonce}' https://res.wx.qq.com; style-src 'nonce-{nonce}'; img-src 'self' data:; frame-ancestors 'none'";
            h.XContentTypeOptions = "nosniff";
            h.CacheControl = "no-store";
            h["Referrer-Policy"] = "no-referrer";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
