using System.Collections.Frozen;

namespace PrivateDomain.Delivery;

/// <summary>
/// WeCom's error codes that the outbound client meets, with their meaning and kind. Meanings are WeCom's global error
/// code table (全局错误码, document 90313) unless noted; 41096 comes from the send_welcome_msg page (92599).
/// Decide on <c>errcode</c>, never on <c>errmsg</c>: WeCom says errmsg wording may change.
/// </summary>
public static class WeComErrors
{
    /// <summary>Local code: the HTTP request failed or timed out, or WeCom answered a non-2xx status.</summary>
    public const int Transport = -100;

    /// <summary>Local code: our own per-corp rate limiter refused (its queue is full).</summary>
    public const int LocalRateLimit = -101;

    /// <summary>Local code: the tenant has no app secret (WeCom:Tenants:{tenant}:AppSecret) or is unknown.</summary>
    public const int NotConfigured = -102;

    /// <summary>Local code: WeCom's answer was not the JSON the contract describes.</summary>
    public const int BadResponse = -103;

    /// <summary>-1: system busy. WeCom advises at most 3 retries.</summary>
    public const int SystemBusy = -1;

    /// <summary>40001: invalid secret (from gettoken) or, on older paths, an invalid access_token.</summary>
    public const int InvalidSecret = 40001;

    /// <summary>40014: invalid access_token.</summary>
    public const int InvalidAccessToken = 40014;

    /// <summary>42001: access_token expired.</summary>
    public const int AccessTokenExpired = 42001;

    /// <summary>45009: API call frequency over the limit.</summary>
    public const int FrequencyLimit = 45009;

    /// <summary>45033: too many concurrent calls of the API.</summary>
    public const int ConcurrencyLimit = 45033;

    /// <summary>40096: an external_userid WeCom does not take (malformed, or not the app's to use).</summary>
    public const int InvalidExternalUserId = 40096;

    /// <summary>41051: the customer and the employee already started chatting (the welcome message went out).</summary>
    public const int ChatAlreadyStarted = 41051;

    private static readonly FrozenDictionary<int, (string Meaning, WeComErrorKind Kind)> Table =
        new Dictionary<int, (string, WeComErrorKind)>
        {
            [SystemBusy] = ("系统繁忙 (system busy; retry at most 3 times)", WeComErrorKind.Transient),
            [6000] = ("数据版本冲突 (concurrent modification; retry later)", WeComErrorKind.Transient),
            [InvalidSecret] = ("不合法的secret参数 (invalid secret, or access_token invalid)", WeComErrorKind.Auth),
            [40003] = ("无效的UserID (invalid employee userid)", WeComErrorKind.InvalidInput),
            [40013] = ("不合法的CorpID (invalid corp id)", WeComErrorKind.Auth),
            [InvalidAccessToken] = ("不合法的access_token (invalid access_token)", WeComErrorKind.Auth),
            [40035] = ("不合法的参数 (invalid parameter)", WeComErrorKind.InvalidInput),
            [40058] = ("不合法的参数 (parameter does not meet the API's rules)", WeComErrorKind.InvalidInput),
            [40068] = ("不合法的标签ID (invalid tag id)", WeComErrorKind.InvalidInput),
            [40071] = ("不合法的标签名字 (tag name already exists)", WeComErrorKind.InvalidInput),
            [40088] = ("jobid不存在 (unknown jobid)", WeComErrorKind.NotFound),
            [40091] = ("secret不合法 (secret of another corp)", WeComErrorKind.Auth),
            [InvalidExternalUserId] = ("不合法的外部联系人userid (invalid external_userid)", WeComErrorKind.InvalidInput),
            [40097] = ("该成员尚未离职 (employee has not resigned)", WeComErrorKind.InvalidInput),
            [40098] = ("成员尚未实名认证 (employee not verified)", WeComErrorKind.InvalidInput),
            [40099] = ("外部联系人的数量已达上限 (external contact limit reached)", WeComErrorKind.LimitExceeded),
            [40100] = ("此用户的外部联系人已经在转移流程中 (transfer already in progress)", WeComErrorKind.AlreadyDone),
            [40126] = ("企业标签个数达到上限，最多为3000个 (corp tag limit of 3000 reached)", WeComErrorKind.LimitExceeded),
            [40128] = ("客户转接过于频繁 (customer transferred too often)", WeComErrorKind.LimitExceeded),
            [40129] = ("当前客户正在转接中 (customer is being transferred)", WeComErrorKind.AlreadyDone),
            [40130] = ("原跟进人与接手人一样，不可继承 (handover and takeover are the same)", WeComErrorKind.InvalidInput),
            [40131] = ("handover_userid 并不是外部联系人的跟进人 (handover is not the customer's follower)", WeComErrorKind.InvalidInput),
            [41001] = ("缺少access_token参数 (missing access_token)", WeComErrorKind.Auth),
            [41047] = ("无效的企业群发消息id (invalid mass message id)", WeComErrorKind.NotFound),
            [41048] = ("无可发送的客户 (no customer to send to)", WeComErrorKind.InvalidInput),
            [41049] = ("缺少欢迎语code参数 (missing welcome_code)", WeComErrorKind.InvalidInput),
            [41050] = ("无效的欢迎语code (invalid or expired welcome_code; usable within 20 s)", WeComErrorKind.InvalidInput),
            [ChatAlreadyStarted] = ("客户和服务人员已经开始聊天了 (chat already started; welcome message delivered)", WeComErrorKind.AlreadyDone),
            [41063] = ("群发消息正在被派发中，请稍后再试 (mass message still being dispatched)", WeComErrorKind.Transient),
            [41096] = ("welcome msg is being distributed (another app is sending the welcome message)", WeComErrorKind.Transient),
            [AccessTokenExpired] = ("access_token已过期 (access_token expired)", WeComErrorKind.Auth),
            [45002] = ("消息内容大小超过限制 (message content too large)", WeComErrorKind.InvalidInput),
            [FrequencyLimit] = ("接口调用超过限制 (API frequency limit)", WeComErrorKind.Throttled),
            [ConcurrencyLimit] = ("接口并发调用超过限制 (API concurrency limit)", WeComErrorKind.Throttled),
            [48002] = ("API接口无权限调用 (API not permitted for this app's secret)", WeComErrorKind.Permission),
            [48006] = ("接口权限被收回 (API permission withdrawn)", WeComErrorKind.Permission),
            [50002] = ("成员不在权限范围 (employee outside the app's range)", WeComErrorKind.Permission),
            [60011] = ("指定的成员/部门/标签参数无权限 (no permission for the member/department/tag)", WeComErrorKind.Permission),
            [60020] = ("访问ip不在白名单之中 (caller IP is not a trusted IP)", WeComErrorKind.Permission),
            [60021] = ("userid不在应用可见范围内 (userid outside the app's visibility)", WeComErrorKind.Permission),
            [40008] = ("不合法的消息类型 (invalid message type)", WeComErrorKind.InvalidInput),
            [40056] = ("不合法的agentid (invalid agentid)", WeComErrorKind.InvalidInput),
            [40050] = ("chatid不存在 (no such group chat)", WeComErrorKind.NotFound),
            [81017] = ("群主过滤的成员超过1000人 (too many owners without a filter; name at most 100)", WeComErrorKind.InvalidInput),
            [44004] = ("文本消息content参数为空 (empty text content)", WeComErrorKind.InvalidInput),
            [81013] = ("UserID、部门ID、标签ID全部非法或无权限 (all user/department/tag ids invalid or not permitted)", WeComErrorKind.InvalidInput),
            [84061] = ("不存在外部联系人的关系 (no such external contact relationship)", WeComErrorKind.NotFound),
            [90207] = ("不合法的小程序appid (invalid mini program appid)", WeComErrorKind.InvalidInput),
            [Transport] = ("HTTP request to WeCom failed or timed out", WeComErrorKind.Transient),
            [LocalRateLimit] = ("our per-corp rate limiter's queue is full", WeComErrorKind.Throttled),
            [NotConfigured] = ("the tenant has no WeCom app secret configured (WeCom:Tenants:{tenant}:AppSecret)", WeComErrorKind.Auth),
            [BadResponse] = ("WeCom's response was not valid JSON of the documented shape", WeComErrorKind.Transient),
        }.ToFrozenDictionary();

    /// <summary>Every code in the table.</summary>
    public static IEnumerable<int> KnownCodes => Table.Keys;

    /// <summary>Describes <paramref name="code"/>; an unknown code keeps WeCom's errmsg as its meaning.</summary>
    public static WeComError Describe(int code, string? errmsg = null, string api = "", int attempts = 1) =>
        Table.TryGetValue(code, out var entry)
            ? new WeComError(code, entry.Meaning, entry.Kind, api, attempts)
            : new WeComError(code, string.IsNullOrWhiteSpace(errmsg) ? "unknown WeCom error code" : Truncate(errmsg), WeComErrorKind.Unknown, api, attempts);

    /// <summary>True for the codes that mean "get a new access_token and try once more" (40014, 42001, and 40001 outside gettoken).</summary>
    public static bool IsTokenRejection(int code) => code is InvalidAccessToken or AccessTokenExpired or InvalidSecret;

    // errmsg carries a hint and the caller's IP; keep it short in logs and results.
    private static string Truncate(string errmsg) => errmsg.Length <= 200 ? errmsg : errmsg[..200];
}
