using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;

namespace PrivateDomain.AccountManagers;

/// <summary>A staff message to send: its ledger row's identity and the WeCom body (card or text).</summary>
public sealed record StaffMessage(
    string Tenant, string ManagerId, string Key, StaffMessageKind Kind, string Text, TemplateCard? Card,
    string? CustomerId = null, string? CampaignId = null, string? Detail = null);

/// <summary>What happened to a staff message.</summary>
public enum StaffSendOutcome
{
    /// <summary>Sent now.</summary>
    Sent,

    /// <summary>This key was sent (or claimed) before: nothing sent.</summary>
    AlreadySent,

    /// <summary>Quiet hours: held.</summary>
    QuietHours,

    /// <summary>The manager's daily cap is reached: held.</summary>
    Capped,

    /// <summary>The tenant has no app agent id: held.</summary>
    NotConfigured,

    /// <summary>WeCom refused it.</summary>
    Failed,
}

/// <summary>
/// Sends staff messages through the self-built app: once per key (ledger row claimed before the call — a crash between
/// the call and the update leaves a Claimed row, which is never retried: a manager may miss a card, never get two),
/// never in quiet hours, at most <see cref="ManagerMessagesOptions.DailyCap"/> a manager and local day. A template card
/// WeCom refuses as invalid falls back to the same content as text. Concurrent sends to one manager may pass the cap
/// by the number running at once (the count is read, not reserved).
/// </summary>
public sealed class ManagerMessenger(
    IStaffMessageLedger ledger, IWeComAppMessages wecom, IOptions<ManagerMessagesOptions> options, TimeProvider time, ILogger<ManagerMessenger> log)
{
    private ManagerMessagesOptions Options => options.Value;

    /// <summary>Sends <paramref name="message"/> unless its key was sent before, quiet hours hold it, or the cap is reached.</summary>
    public async Task<StaffSendOutcome> SendAsync(StaffMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        var day = Options.LocalDay(now);
        var existing = await ledger.GetAsync(message.Tenant, message.ManagerId, message.Key, cancellationToken).ConfigureAwait(false);
        if (existing is { Row.Status: StaffMessageStatus.Sent or StaffMessageStatus.Claimed or StaffMessageStatus.Failed })
        {
            return StaffSendOutcome.AlreadySent;
        }

        var row = new StaffMessageRow(message.Tenant, message.ManagerId, message.Key, message.Kind, StaffMessageStatus.Held, now, day,
            message.CustomerId, message.CampaignId, Detail: message.Detail);
        var etag = existing?.ETag;
        StaffSendOutcome? held = !Options.AgentIds.TryGetValue(message.Tenant, out var agentId) ? StaffSendOutcome.NotConfigured
            : Options.IsQuiet(now) ? StaffSendOutcome.QuietHours
            : await ledger.CountSentAsync(message.Tenant, message.ManagerId, day, cancellationToken).ConfigureAwait(false) >= Options.DailyCap ? StaffSendOutcome.Capped
            : null;
        if (held is { } reason)
        {
            await ledger.TryWriteAsync(row with { Reason = reason.ToString() }, etag, cancellationToken).ConfigureAwait(false);
            log.LogInformation("Staff message {Key} to {ManagerId} held: {Reason}", message.Key, message.ManagerId, reason);
            return reason;
        }

        var claimed = row with { Status = StaffMessageStatus.Claimed };
        if (!await ledger.TryWriteAsync(claimed, etag, cancellationToken).ConfigureAwait(false))
        {
            return StaffSendOutcome.AlreadySent; // another run claimed it first
        }

        var sent = await SendToWeComAsync(message, agentId, cancellationToken).ConfigureAwait(false);
        var after = await ledger.GetAsync(message.Tenant, message.ManagerId, message.Key, cancellationToken).ConfigureAwait(false);
        var final = sent.Value is { } v
            ? claimed with { Status = StaffMessageStatus.Sent, MsgId = v.Msgid, ResponseCode = v.ResponseCode }
            : claimed with { Status = StaffMessageStatus.Failed, Reason = $"{sent.Error!.Code} {sent.Error.Meaning}" };
        if (after is { } a)
        {
            await ledger.TryWriteAsync(final, a.ETag, cancellationToken).ConfigureAwait(false);
        }

        if (sent.Error is { } error)
        {
            log.LogWarning("Staff message {Key} to {ManagerId} refused by WeCom: {ErrCode} {Kind}", message.Key, message.ManagerId, error.Code, error.Kind);
            return StaffSendOutcome.Failed;
        }

        return StaffSendOutcome.Sent;
    }

    private async Task<WeComApiResult<AppMessageSent>> SendToWeComAsync(StaffMessage message, int agentId, CancellationToken ct)
    {
        if (message.Card is { } card)
        {
            var result = await wecom.SendAppMessageAsync(message.Tenant,
                new AppMessage(message.ManagerId, "template_card", agentId, TemplateCard: card), ct).ConfigureAwait(false);
            if (result.Error is not { Kind: WeComErrorKind.InvalidInput })
            {
                return result;
            }

            // A card WeCom will not take (an older client, a field over its limit): the same content as text, without the button.
            log.LogWarning("Template card {Key} refused ({ErrCode}); sending it as text", message.Key, result.Error.Code);
        }

        return await wecom.SendAppMessageAsync(message.Tenant,
            new AppMessage(message.ManagerId, "text", agentId, Text: new AppText(message.Text)), ct).ConfigureAwait(false);
    }
}
