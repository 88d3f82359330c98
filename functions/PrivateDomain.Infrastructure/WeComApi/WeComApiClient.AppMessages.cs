using PrivateDomain.Delivery;
using PrivateDomain.AccountManagers;

namespace PrivateDomain.WeComApi;

/// <summary>App messages to members (message/send, message/update_template_card) over the same token, limiter and retries.</summary>
public sealed partial class WeComApiClient
{
    // message/send [90236] is not idempotent (a repeat is a second message): an unknown outcome is not retried. Its limits
    // [90454]: per app (licensed accounts × 200) recipients a day — over it 45009, a quota, not a reason to retry — and
    // per app and member 30 a minute and 1,000 an hour, beyond which WeCom drops the message without an error.
    private static readonly WeComCall MessageSend = new("message/send", HttpMethod.Post, Idempotent: false, QuotaCode: WeComErrors.FrequencyLimit);

    // update_template_card [94888]: a response_code works once, within 72 hours; a repeat fails, so it is not retried either.
    private static readonly WeComCall UpdateTemplateCard = new("message/update_template_card", HttpMethod.Post, Idempotent: false);

    /// <inheritdoc />
    public Task<WeComApiResult<AppMessageSent>> SendAppMessageAsync(string tenant, AppMessage message, CancellationToken cancellationToken) =>
        CallAsync<AppMessageSent>(tenant, MessageSend, message, null, cancellationToken);

    /// <inheritdoc />
    public Task<WeComApiResult<WeComAck>> UpdateTemplateCardAsync(string tenant, TemplateCardUpdate update, CancellationToken cancellationToken) =>
        CallAsync<WeComAck>(tenant, UpdateTemplateCard, update, null, cancellationToken);
}
