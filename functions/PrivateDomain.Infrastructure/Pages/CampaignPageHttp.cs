using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Input;
using PrivateDomain.Journeys;
using PrivateDomain.WeCom;

namespace PrivateDomain.Pages;

/// <summary>
/// The campaign pages customers open from our messages (<c>/p/{token}</c> on the local host, <c>/api/p/{token}</c> on
/// Azure), shared by both hosts. The first visit from WeCom's webview goes through WeCom's web authorisation (snsapi_base);
/// the callback's <c>code</c> is resolved with <c>auth/getuserinfo</c>, the <c>external_userid</c> mapped to the customer,
/// and a short signed visitor session (cookie) keeps them identified. A visitor we cannot identify — outside WeCom, a
/// stranger, staff, a code refused, expired or reused — still sees the page; their view counts against the sender and
/// content, and actions (claim, quiz, 预约) ask them to open the page in WeCom. A GET records views only; claims,
/// answers and intents are POSTs. Each customer's first action of a kind is recorded once and raised once as a signal.
/// </summary>
public sealed class CampaignPageHttp(
    CampaignPageLinkSigner links,
    VisitorSessionCookie sessions,
    IWeComWebAuthorisation webAuth,
    ICustomerStore customers,
    IWelfarePools pools,
    ICampaignPageEvents events,
    ISignalInbox signals,
    CampaignPageContent content,
    TimeProvider time,
    IOptions<CampaignPagesOptions> options,
    IOptions<WeComOptions> tenants,
    ILogger<CampaignPageHttp> log)
{
    /// <summary>The signal kind of a claim or a quiz completion (a reaction for journeys, engagement for payroll campaigns).</summary>
    public const string JoinedActivity = "joined-activity";

    /// <summary>The signal kind of 我感兴趣 / 预约.</summary>
    public const string Intent = "intent";

    /// <summary>GET the page.</summary>
    public async Task<IResult> PageAsync(HttpContext http, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow();
        if (ReadLink(token, now, out var refusal) is not { } link)
        {
            return refusal!;
        }

        var session = sessions.Read(http.Request.Cookies[VisitorSessionCookie.Name], link.Tenant, now);
        if (session is null)
        {
            var code = http.Request.Query["code"].ToString();
            if (code.Length > 0)
            {
                try
                {
                    session = await IdentifyAsync(link.Tenant, code, now, ct).ConfigureAwait(false);
                    SetSession(http, session);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // Storage trouble while mapping the visitor: the page, unidentified, without a session (the next visit tries again).
                    log.LogError(e, "Visitor of a {Tenant} page not identified (storage failed)", LogValue.Of(link.Tenant));
                }
            }
            else if (IsWeComWebview(http) && AuthoriseUrl(http, link) is { } authorise)
            {
                CustomerPage.AddSecurityHeaders(http.Response);
                return Results.Redirect(authorise.AbsoluteUri);
            }
        }

        var customerId = session?.CustomerId;
        try
        {
            await events.CountViewAsync(link, customerId is not null, now, ct).ConfigureAwait(false);
            if (customerId is not null)
            {
                await RecordAsync(link, CampaignPageActions.View, customerId, now, new Dictionary<string, string>(), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The customer still gets the page; only the count is lost, and logged.
            log.LogError(e, "View of {Page} page of {Tenant} not recorded (storage failed)", LogValue.Of(link.Page), LogValue.Of(link.Tenant));
        }

        return await GuardAsync(http, token, () => RenderAsync(link, token + "/", customerId, ct), ct).ConfigureAwait(false);
    }

    /// <summary>Storage trouble gets the customer a zh-CN "try again" page with the hotline (503), never a JSON error;
    /// what was recorded before the failure is completed by the retry (a claim shows the same code, a signal not raised
    /// is raised).</summary>
    private async Task<IResult> GuardAsync(HttpContext http, string token, Func<Task<IResult>> action, CancellationToken ct)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            var tenant = links.Read(token)?.Tenant ?? "";
            log.LogError(e, "A campaign page of {Tenant} failed ({Method}); the customer was asked to try again", LogValue.Of(tenant), LogValue.Of(http.Request.Method));
            return CampaignPageHtml.Page(StatusCodes.Status503ServiceUnavailable, "请稍后再试",
                CampaignPageHtml.Card(["抱歉，系统繁忙，请稍后再试。", .. Contact(tenant)]));
        }
    }

    /// <summary>POST a welfare claim.</summary>
    public Task<IResult> ClaimAsync(HttpContext http, string token, CancellationToken ct) => GuardAsync(http, token, () => ClaimCoreAsync(http, token, ct), ct);

    private async Task<IResult> ClaimCoreAsync(HttpContext http, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow();
        if (ActionContext(http, token, CampaignPageKinds.Welfare, now, out var link, out var customerId) is { } refused)
        {
            return refused;
        }

        var claim = await pools.ClaimAsync(link!.Tenant, link.Item, link.CampaignKey, customerId!, now, ct).ConfigureAwait(false);
        var page = content.Welfare.GetValueOrDefault(link.Item) ?? content.Welfare.GetValueOrDefault("default");
        if (claim.Code is not { } code)
        {
            return CampaignPageHtml.Page(StatusCodes.Status409Conflict, "福利已领完",
                CampaignPageHtml.Card("抱歉，本期福利已全部领完。", "感谢您的关注，请留意客户经理的下一期活动。"));
        }

        await RecordAsync(link, CampaignPageActions.Claim, customerId!, now, new Dictionary<string, string> { ["code"] = code.Code }, ct).ConfigureAwait(false);
        var validity = code.ValidUntil is { } until ? $"有效期至 {until.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}" : "";
        return CampaignPageHtml.Page(StatusCodes.Status200OK, claim.AlreadyClaimed ? "您已领取过" : "领取成功",
            "<div class=\"card\"><p>" + CampaignPageHtml.Text(claim.AlreadyClaimed ? "您已领取过本期福利，您的券码：" : "恭喜！您的券码：") + "</p>"
            + $"<p class=\"code\" id=\"welfare-code\">{CampaignPageHtml.Text(code.Code)}</p><p><small>{CampaignPageHtml.Text(validity)}</small></p>"
            + $"<p>{CampaignPageHtml.Text(page?.HowToUse ?? "请在有效期内使用。")}</p></div>");
    }

    /// <summary>POST the quiz answers.</summary>
    public Task<IResult> QuizAsync(HttpContext http, string token, CancellationToken ct) => GuardAsync(http, token, () => QuizCoreAsync(http, token, ct), ct);

    private async Task<IResult> QuizCoreAsync(HttpContext http, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow();
        if (ActionContext(http, token, CampaignPageKinds.Quiz, now, out var link, out var customerId) is { } refused)
        {
            return refused;
        }

        if (!content.Quizzes.TryGetValue(link!.Item, out var quiz))
        {
            return NotFound();
        }

        if (await events.FindAsync(link, CampaignPageActions.Completion, customerId!, ct).ConfigureAwait(false) is { } done)
        {
            return QuizResultPage(quiz, done.Data, again: true);
        }

        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct).ConfigureAwait(false) : null;
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var score = 0;
        foreach (var q in quiz.Questions)
        {
            var value = form?[q.Id].ToString();
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var chosen) || chosen < 0 || chosen >= q.Options.Count)
            {
                return CampaignPageHtml.Page(StatusCodes.Status400BadRequest, quiz.Title,
                    CampaignPageHtml.Card($"请回答第 {quiz.Questions.ToList().IndexOf(q) + 1} 题后再提交。") + QuizForm(quiz, "quiz"));
            }

            answers[q.Id] = value!;
            score += chosen == q.Answer ? 1 : 0;
        }

        answers["score"] = score.ToString(CultureInfo.InvariantCulture);
        var record = await RecordAsync(link, CampaignPageActions.Completion, customerId!, now, answers, ct).ConfigureAwait(false);
        return QuizResultPage(quiz, record.Data, again: !record.IsNew);
    }

    /// <summary>POST 我感兴趣 / 预约 on a product page.</summary>
    public Task<IResult> IntentAsync(HttpContext http, string token, CancellationToken ct) => GuardAsync(http, token, () => IntentCoreAsync(http, token, ct), ct);

    private async Task<IResult> IntentCoreAsync(HttpContext http, string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = time.GetUtcNow();
        if (ActionContext(http, token, CampaignPageKinds.Product, now, out var link, out var customerId) is { } refused)
        {
            return refused;
        }

        if (!content.Products.TryGetValue(link!.Item, out var product))
        {
            return NotFound();
        }

        var record = await RecordAsync(link, CampaignPageActions.Intent, customerId!, now, new Dictionary<string, string> { ["product"] = product.Id }, ct).ConfigureAwait(false);
        return CampaignPageHtml.Page(StatusCodes.Status200OK, record.IsNew ? "预约成功" : "您已预约",
            CampaignPageHtml.Card($"已收到您对「{product.Name}」的预约，您的客户经理将尽快与您联系。", "投资有风险，购买前请仔细阅读产品说明书。"));
    }

    /// <summary>The page for a link that is not one of ours (bad, forged, another kind).</summary>
    public static IResult NotFound() => TrackedLinkHttp.NotFound();

    private CampaignPageLink? ReadLink(string token, DateTimeOffset now, out IResult? refusal)
    {
        refusal = null;
        var link = links.Read(token);
        if (link is null)
        {
            refusal = NotFound();
            return null;
        }

        if (link.IsExpired(now))
        {
            refusal = CampaignPageHtml.Page(StatusCodes.Status410Gone, "链接已过期",
                CampaignPageHtml.Card(["抱歉，此活动链接已过期。请联系您的客户经理获取最新活动。", .. Contact(link.Tenant)]));
            return null;
        }

        return link;
    }

    /// <summary>A POST needs a genuine, unexpired link of the right page and a session naming a customer of the link's tenant.</summary>
    private IResult? ActionContext(HttpContext http, string token, string page, DateTimeOffset now, out CampaignPageLink? link, out string? customerId)
    {
        customerId = null;
        link = ReadLink(token, now, out var refusal);
        if (link is null)
        {
            return refusal;
        }

        if (link.Page != page)
        {
            return NotFound();
        }

        customerId = sessions.Read(http.Request.Cookies[VisitorSessionCookie.Name], link.Tenant, now)?.CustomerId;
        return customerId is null
            ? CampaignPageHtml.Page(StatusCodes.Status403Forbidden, "请在企业微信中打开",
                CampaignPageHtml.Card("此活动仅限本行客户参与：请在企业微信中，从您的客户经理发送的消息打开此页面。", "未识别到您的身份，本次操作未被记录。"))
            : null;
    }

    private async Task<IResult> RenderAsync(CampaignPageLink link, string hrefBase, string? customerId, CancellationToken ct)
    {
        var stranger = customerId is null
            ? CampaignPageHtml.Card("温馨提示：请在企业微信中，从您的客户经理发送的消息打开此页面参与活动。")
            : "";
        switch (link.Page)
        {
            case CampaignPageKinds.Welfare:
            {
                var page = content.Welfare.GetValueOrDefault(link.Item) ?? content.Welfare.GetValueOrDefault("default");
                var stock = await pools.StockAsync(link.Tenant, link.Item, ct).ConfigureAwait(false);
                var body = CampaignPageHtml.Card(page?.Description ?? "本期专属福利，每位客户限领一份。") +
                           (stock.Available > 0 ? "" : CampaignPageHtml.Card("本期福利已全部领完。"));
                return CampaignPageHtml.Page(StatusCodes.Status200OK, page?.Title ?? "专属福利",
                    stranger + body + (customerId is not null && stock.Available > 0 ? CampaignPageHtml.Form(hrefBase + "claim", "立即领取") : ""));
            }

            case CampaignPageKinds.Quiz when content.Quizzes.TryGetValue(link.Item, out var quiz):
                if (customerId is not null && await events.FindAsync(link, CampaignPageActions.Completion, customerId, ct).ConfigureAwait(false) is { } done)
                {
                    return QuizResultPage(quiz, done.Data, again: true);
                }

                return CampaignPageHtml.Page(StatusCodes.Status200OK, quiz.Title,
                    stranger + CampaignPageHtml.Card(quiz.Intro) + (customerId is null ? QuizQuestionsReadOnly(quiz) : QuizForm(quiz, hrefBase + "quiz")));

            case CampaignPageKinds.Product when content.Products.TryGetValue(link.Item, out var product):
            {
                var facts = new StringBuilder("<div class=\"card\"><p>").Append(CampaignPageHtml.Text(product.Summary)).Append("</p><ul>");
                foreach (var f in product.Facts)
                {
                    facts.Append("<li>").Append(CampaignPageHtml.Text(f)).Append("</li>");
                }

                facts.Append("</ul></div><div class=\"card risk\"><p><strong>风险提示</strong>（").Append(CampaignPageHtml.Text(product.RiskLevel)).Append("）</p><p>")
                    .Append(CampaignPageHtml.Text(product.RiskDisclosure)).Append("</p></div>");
                return CampaignPageHtml.Page(StatusCodes.Status200OK, product.Name,
                    stranger + facts + (customerId is not null ? CampaignPageHtml.Form(hrefBase + "intent", "我感兴趣 / 预约") : ""));
            }

            default:
                log.LogWarning("A {Page} link of {Tenant} names {Item}, which is not in content-templates/pages", LogValue.Of(link.Page), LogValue.Of(link.Tenant), LogValue.Of(link.Item));
                return NotFound();
        }
    }

    private static string QuizForm(Quiz quiz, string href)
    {
        var sb = new StringBuilder();
        var n = 0;
        foreach (var q in quiz.Questions)
        {
            sb.Append("<fieldset class=\"card\"><legend>").Append(++n).Append(". ").Append(CampaignPageHtml.Text(q.Text)).Append("</legend>");
            for (var i = 0; i < q.Options.Count; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<label><input type=\"radio\" name=\"{CampaignPageHtml.Text(q.Id)}\" value=\"{i}\" required> ")
                    .Append(CampaignPageHtml.Text(q.Options[i])).Append("</label>");
            }

            sb.Append("</fieldset>");
        }

        return CampaignPageHtml.Form(href, "提交答案", sb.ToString());
    }

    private static string QuizQuestionsReadOnly(Quiz quiz) =>
        string.Concat(quiz.Questions.Select((q, i) => CampaignPageHtml.Card($"{i + 1}. {q.Text}")));

    private static CampaignPageHtml QuizResultPage(Quiz quiz, IReadOnlyDictionary<string, string> data, bool again)
    {
        var score = int.TryParse(data.GetValueOrDefault("score"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        return CampaignPageHtml.Page(StatusCodes.Status200OK, "答题结果",
            "<div class=\"card\"><p>" + CampaignPageHtml.Text(again ? "您已完成本期答题。" : "感谢参与！") + "</p>"
            + $"<p class=\"code\" id=\"quiz-score\">{score} / {quiz.Questions.Count}</p><p>{CampaignPageHtml.Text(quiz.ResultFor(score))}</p></div>");
    }

    /// <summary>Records the customer's first action of a kind and raises its signal once; a record whose signal was not
    /// raised (a crash between the two) raises it on the next try, with the same id and time, so the inbox stores it once.</summary>
    private async Task<CampaignPageAction> RecordAsync(CampaignPageLink link, string action, string customerId, DateTimeOffset now,
        IReadOnlyDictionary<string, string> data, CancellationToken ct)
    {
        var record = await events.RecordOnceAsync(link, action, customerId, now, data, ct).ConfigureAwait(false);
        if (record.Signalled)
        {
            return record;
        }

        var kind = action switch
        {
            CampaignPageActions.View => SignalKinds.Clicked,
            CampaignPageActions.Intent => Intent,
            _ => JoinedActivity,
        };
        await signals.RaiseAsync(new CustomerSignal(link.Tenant, customerId, $"page:{link.CampaignKey}:{action}:{customerId}", kind, record.At,
            new Dictionary<string, string>
            {
                ["campaign"] = link.Campaign ?? "",
                ["step"] = link.Step ?? "",
                ["journey"] = link.Journey ?? "",
                ["page"] = link.Page,
                ["item"] = link.Item,
                ["action"] = action,
                ["senderId"] = link.SenderId,
                ["content"] = link.Content,
            }), ct).ConfigureAwait(false);
        await events.MarkSignalledAsync(link, action, customerId, ct).ConfigureAwait(false);
        return record;
    }

    private async Task<VisitorSession> IdentifyAsync(string tenant, string code, DateTimeOffset now, CancellationToken ct)
    {
        string? customerId = null;
        if (code.Length <= 512 && code.All(c => c is > ' ' and < '\u007f'))
        {
            var result = await webAuth.GetUserInfoAsync(tenant, code, ct).ConfigureAwait(false);
            if (result.Value is { ExternalUserId: { Length: > 0 } external })
            {
                customerId = await customers.FindIdAsync(tenant, IdentityKinds.External, external, ct).ConfigureAwait(false);
            }
            else if (result.Error is { } error)
            {
                log.LogInformation("WeCom web authorisation for {Tenant} refused the code ({ErrCode}); the visitor sees the page unidentified", LogValue.Of(tenant), error.Code);
            }
        }

        return new VisitorSession(tenant, customerId, now + options.Value.SessionLifetime);
    }

    private void SetSession(HttpContext http, VisitorSession session) =>
        http.Response.Cookies.Append(VisitorSessionCookie.Name, sessions.Create(session), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = options.Value.SessionLifetime,
            IsEssential = true,
        });

    /// <summary>WeCom's in-app browser says <c>wxwork/</c> in its user agent; elsewhere the authorisation page cannot identify anyone.</summary>
    private static bool IsWeComWebview(HttpContext http) =>
        http.Request.Headers.UserAgent.ToString().Contains("wxwork/", StringComparison.OrdinalIgnoreCase);

    private Uri? AuthoriseUrl(HttpContext http, CampaignPageLink link)
    {
        var o = options.Value;
        if (!o.AgentIds.TryGetValue(link.Tenant, out var agentId) || !tenants.Value.Tenants.TryGetValue(link.Tenant, out var tenant) || tenant.CorpId.Length == 0)
        {
            return null;
        }

        // Back to the address the visitor reached (the app's trusted domain, on either host's route prefix), without
        // the query: a stale code in it must not be resolved again.
        var self = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}";
        return new Uri($"{o.AuthorizeUrl.AbsoluteUri}?appid={Uri.EscapeDataString(tenant.CorpId)}&redirect_uri={Uri.EscapeDataString(self)}"
            + $"&response_type=code&scope=snsapi_base&state=pd&agentid={Uri.EscapeDataString(agentId)}#wechat_redirect");
    }

    private IEnumerable<string> Contact(string tenant)
    {
        if (tenants.Value.Tenants.TryGetValue(tenant, out var t) && t.BankHotline is { } hotline)
        {
            yield return $"{t.BankName ?? "客服"}热线：{hotline}";
        }
    }
}
