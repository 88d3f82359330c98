using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;

namespace PrivateDomain.WeComApi;

/// <summary>
/// <see cref="IWeComApi"/> over HTTP: per call it takes a permit from <see cref="WeComRateLimiter"/>, a token from
/// <see cref="WeComAccessTokens"/>, sends, and maps the errcode. A rejected token (40014/42001/40001) is replaced and the
/// call retried once; -1, 45009, 45033 and (for idempotent calls) timeouts and 5xx are retried with exponential backoff
/// and jitter per <see cref="WeComRetryPolicy"/>. The access token is a query parameter: every URL logged is redacted.
/// </summary>
public sealed partial class WeComApiClient(
    IHttpClientFactory httpClients,
    WeComAccessTokens tokens,
    WeComRateLimiter limiter,
    IOptions<WeComApiOptions> options,
    IOptions<WeComAppOptions> apps,
    TimeProvider time,
    WeComRetryJitter jitter,
    ILogger<WeComApiClient> logger) : IWeComApi, PrivateDomain.Pages.IWeComWebAuthorisation, PrivateDomain.AccountManagers.IWeComAppMessages
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    // Per call: the API path under /cgi-bin/, the method, and whether repeating it after an unknown outcome is harmless.
    private static readonly WeComCall SendWelcomeMsg = new("externalcontact/send_welcome_msg", HttpMethod.Post, Idempotent: true); // a repeat gets 41051
    private static readonly WeComCall AddMsgTemplate = new("externalcontact/add_msg_template", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall GetGroupMsgListV2 = new("externalcontact/get_groupmsg_list_v2", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetGroupMsgTask = new("externalcontact/get_groupmsg_task", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetGroupMsgSendResult = new("externalcontact/get_groupmsg_send_result", HttpMethod.Post, Idempotent: true);

    // 3 per task in 24 h [97610]. WeCom does not document the errcode of the fourth; 45009 (over the limit) is the code
    // its limits answer, and here it means the task's reminders are used up, not "slow down": retrying cannot help.
    private static readonly WeComCall RemindGroupMsgSend = new("externalcontact/remind_groupmsg_send", HttpMethod.Post, Idempotent: false, QuotaCode: WeComErrors.FrequencyLimit);
    private static readonly WeComCall AddMomentTask = new("externalcontact/add_moment_task", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall GetMomentTaskResult = new("externalcontact/get_moment_task_result", HttpMethod.Get, Idempotent: true);
    private static readonly WeComCall GetMomentList = new("externalcontact/get_moment_list", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetMomentTask = new("externalcontact/get_moment_task", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall MarkTag = new("externalcontact/mark_tag", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall GetCorpTagList = new("externalcontact/get_corp_tag_list", HttpMethod.Post, Idempotent: true);
    private static readonly WeComCall AddCorpTag = new("externalcontact/add_corp_tag", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall GetExternalContact = new("externalcontact/get", HttpMethod.Get, Idempotent: true);
    private static readonly WeComCall TransferCustomer = new("externalcontact/transfer_customer", HttpMethod.Post, Idempotent: false);
    private static readonly WeComCall ResignedTransferCustomer = new("externalcontact/resigned/transfer_customer", HttpMethod.Post, Idempotent: false);

    // A code is single use [96442]: a call whose outcome is unknown is not repeated (the repeat would get 40029).
    private static readonly WeComCall GetUserInfo = new("auth/getuserinfo", HttpMethod.Get, Idempotent: false);

    private readonly WeComApiOptions _options = options.Value;
    private readonly WeComRetryPolicy _policy = options.Value.RetryPolicy;

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> SendWelcomeMessageAsync(string tenant, WelcomeMessage message, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, SendWelcomeMsg, message, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MassMessageCreated>> AddMessageTemplateAsync(string tenant, MassMessage message, CancellationToken cancellationToken) =>
        CallAsync<MassMessageCreated>(tenant, AddMsgTemplate, message, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MassMessageList>> GetGroupMessageListAsync(string tenant, MassMessageListQuery query, CancellationToken cancellationToken) =>
        CallAsync<MassMessageList>(tenant, GetGroupMsgListV2, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MassMessageTaskList>> GetGroupMessageTaskAsync(string tenant, MassMessageTaskQuery query, CancellationToken cancellationToken) =>
        CallAsync<MassMessageTaskList>(tenant, GetGroupMsgTask, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MassMessageSendResult>> GetGroupMessageSendResultAsync(string tenant, MassMessageSendResultQuery query, CancellationToken cancellationToken) =>
        CallAsync<MassMessageSendResult>(tenant, GetGroupMsgSendResult, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> RemindGroupMessageSendAsync(string tenant, MassMessageReminder reminder, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, RemindGroupMsgSend, reminder, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MomentTaskCreated>> AddMomentTaskAsync(string tenant, MomentTask task, CancellationToken cancellationToken) =>
        CallAsync<MomentTaskCreated>(tenant, AddMomentTask, task, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MomentTaskResult>> GetMomentTaskResultAsync(string tenant, string jobId, CancellationToken cancellationToken) =>
        CallAsync<MomentTaskResult>(tenant, GetMomentTaskResult, null, "&jobid=" + Uri.EscapeDataString(jobId), cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MomentList>> GetMomentListAsync(string tenant, MomentListQuery query, CancellationToken cancellationToken) =>
        CallAsync<MomentList>(tenant, GetMomentList, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<MomentTaskList>> GetMomentTaskAsync(string tenant, MomentTaskQuery query, CancellationToken cancellationToken) =>
        CallAsync<MomentTaskList>(tenant, GetMomentTask, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> MarkTagAsync(string tenant, TagMarking marking, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, MarkTag, marking, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<CorpTagList>> GetCorpTagListAsync(string tenant, CorpTagQuery query, CancellationToken cancellationToken) =>
        CallAsync<CorpTagList>(tenant, GetCorpTagList, query, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<CorpTagCreated>> AddCorpTagAsync(string tenant, NewCorpTags tags, CancellationToken cancellationToken) =>
        CallAsync<CorpTagCreated>(tenant, AddCorpTag, tags, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<ExternalContactDetail>> GetExternalContactAsync(string tenant, string externalUserId, string? cursor, CancellationToken cancellationToken) =>
        CallAsync<ExternalContactDetail>(tenant, GetExternalContact, null,
            "&external_userid=" + Uri.EscapeDataString(externalUserId) + (string.IsNullOrEmpty(cursor) ? "" : "&cursor=" + Uri.EscapeDataString(cursor)),
            cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<CustomerTransferResult>> TransferCustomerAsync(string tenant, CustomerTransfer transfer, CancellationToken cancellationToken) =>
        CallAsync<CustomerTransferResult>(tenant, TransferCustomer, transfer, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<CustomerTransferResult>> TransferResignedCustomerAsync(string tenant, CustomerTransfer transfer, CancellationToken cancellationToken) =>
        CallAsync<CustomerTransferResult>(tenant, ResignedTransferCustomer, transfer, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<PrivateDomain.Pages.WeComVisitor>> GetUserInfoAsync(string tenant, string code, CancellationToken cancellationToken) =>
        CallAsync<PrivateDomain.Pages.WeComVisitor>(tenant, GetUserInfo, null, "&code=" + Uri.EscapeDataString(code), cancellationToken);

    private async Task<WeComApiResult<T>> CallAsync<T>(string tenant, WeComCall call, object? body, string? query, CancellationToken ct)
        where T : class
    {
        if (!apps.Value.Tenants.TryGetValue(tenant, out var credentials) || string.IsNullOrEmpty(credentials.AppSecret) || string.IsNullOrEmpty(credentials.CorpId))
        {
            return WeComApiResult.Fail<T>(WeComErrors.Describe(WeComErrors.NotConfigured, api: call.Api, attempts: 0));
        }

        var app = new WeComApp(tenant, credentials.CorpId, credentials.AppSecret);
        var payload = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), WeComJson.Options);
        var retries = new int[3];
        var attempts = 0;
        string? rejected = null;
        var tokenRetried = false;
        while (true)
        {
            WeComError error;
            var notSent = false;
            var lease = await limiter.AcquireAsync(app.CorpId, call.Api, ct).ConfigureAwait(false);
            if (lease is null)
            {
                return WeComApiResult.Fail<T>(WeComErrors.Describe(WeComErrors.LocalRateLimit, api: call.Api, attempts: attempts));
            }

            using (lease)
            {
                var token = await tokens.GetAsync(app, rejected, ct).ConfigureAwait(false);
                if (token.Error is { } tokenError)
                {
                    error = tokenError;
                    notSent = true;
                }
                else
                {
                    attempts++;
                    var outcome = await SendAsync<T>(app, call, token.Token!, payload, query, ct).ConfigureAwait(false);
                    if (outcome.Value is { } value)
                    {
                        return WeComApiResult.Ok(value);
                    }

                    error = outcome.Error!;
                    notSent = outcome.NotSent;
                    if (WeComErrors.IsTokenRejection(error.Code) && !tokenRetried)
                    {
                        // WeCom may invalidate a token early [91039]; replace it and try once more, without backoff.
                        logger.LogInformation("WeCom {Api} for {Tenant} rejected the access token ({ErrCode}); refreshing and retrying once.", call.Api, tenant, error.Code);
                        tokenRetried = true;
                        rejected = token.Token;
                        continue;
                    }
                }
            }

            if (!notSent && error.Code == call.QuotaCode)
            {
                error = error with
                {
                    Kind = WeComErrorKind.LimitExceeded,
                    Meaning = error.Meaning + "; on " + call.Api + " this is the API's business quota — wait for it to renew instead of retrying",
                    Api = call.Api,
                    Attempts = attempts,
                };
                logger.LogWarning("WeCom {Api} for {Tenant} refused: {ErrCode} ({Kind}) after {Attempts} attempt(s).", call.Api, tenant, error.Code, error.Kind, attempts);
                return WeComApiResult.Fail<T>(error);
            }

            var retryClass = error.Code switch
            {
                WeComErrors.FrequencyLimit or WeComErrors.ConcurrencyLimit => 1,
                WeComErrors.Transport or WeComErrors.BadResponse => 2,
                _ => 0,
            };
            if (_policy.ShouldRetry(error, retries[retryClass], call.Idempotent || notSent))
            {
                var delay = _policy.Delay(error, ++retries[retryClass], jitter.Next());
                logger.LogWarning("WeCom {Api} for {Tenant} failed with {ErrCode} ({Kind}); retry {Retry} in {DelayMs} ms.",
                    call.Api, tenant, error.Code, error.Kind, retries[retryClass], (long)delay.TotalMilliseconds);
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
                continue;
            }

            if (!call.Idempotent && !notSent && retryClass == 2)
            {
                error = error with { Kind = WeComErrorKind.Indeterminate, Meaning = error.Meaning + "; the call may have reached WeCom — reconcile before calling again" };
            }

            error = error with { Api = call.Api, Attempts = attempts };
            logger.LogWarning("WeCom {Api} for {Tenant} failed: {ErrCode} ({Kind}) {Meaning} after {Attempts} attempt(s).",
                call.Api, tenant, error.Code, error.Kind, error.Meaning, attempts);
            return WeComApiResult.Fail<T>(error);
        }
    }

    private async Task<(T? Value, WeComError? Error, bool NotSent)> SendAsync<T>(WeComApp app, WeComCall call, string token, byte[]? payload, string? query, CancellationToken ct)
        where T : class
    {
        var url = new Uri(_options.BaseUrl, "/cgi-bin/" + call.Api + "?access_token=" + Uri.EscapeDataString(token) + query);
        var target = WeComLogRedaction.Redact(url);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(call.Method, url);
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload) { Headers = { ContentType = Json } };
            }

            using var response = await httpClients.CreateClient(WeComAccessTokens.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("WeCom {Method} {Target} answered HTTP {Status} in {ElapsedMs} ms.",
                    call.Method, target, (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return (null, WeComErrors.Describe(WeComErrors.Transport, $"HTTP {(int)response.StatusCode}", call.Api), false);
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(attempt.Token).ConfigureAwait(false));
            var root = doc.RootElement;
            var code = root.TryGetProperty("errcode", out var c) ? c.GetInt32() : 0;
            logger.LogDebug("WeCom {Method} {Target} → {ErrCode} in {ElapsedMs} ms.",
                call.Method, target, code, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (code != 0)
            {
                var errmsg = root.TryGetProperty("errmsg", out var m) && m.ValueKind == JsonValueKind.String ? WeComLogRedaction.Redact(m.GetString()) : null;
                return (null, WeComErrors.Describe(code, errmsg, call.Api), false);
            }

            return typeof(T) == typeof(WeComAck)
                ? ((T)(object)WeComAck.Instance, null, false)
                : (root.Deserialize<T>(WeComJson.Options) ?? throw new JsonException("null body"), null, false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("WeCom {Method} {Target} timed out after {Timeout}.", call.Method, target, _options.Timeout);
            return (null, WeComErrors.Describe(WeComErrors.Transport, api: call.Api), false);
        }
        catch (HttpRequestException e)
        {
            // A connection that was never made carried nothing: safe to retry even a mass send.
            var notSent = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;
            logger.LogWarning("WeCom {Method} {Target} failed ({Error}): {Message}", call.Method, target, e.HttpRequestError, WeComLogRedaction.Redact(e.Message));
            return (null, WeComErrors.Describe(WeComErrors.Transport, api: call.Api), notSent);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            logger.LogWarning("WeCom {Method} {Target} answered something that is not its JSON contract: {Message}", call.Method, target, e.Message);
            return (null, WeComErrors.Describe(WeComErrors.BadResponse, api: call.Api), false);
        }
    }

    // QuotaCode: an errcode that on this API means a business quota is used up (LimitExceeded, never retried).
    private sealed record WeComCall(string Api, HttpMethod Method, bool Idempotent, int? QuotaCode = null);
}
