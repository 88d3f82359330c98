using System.Text.Json.Serialization;
using PrivateDomain.Delivery;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// WeCom's app messages to members [90236 message/send, 94888 update_template_card]: what the bank's self-built app
/// sends to its account managers. <c>message/send</c> is not idempotent: a repeat is a second message, so callers record
/// each message in <see cref="IStaffMessageLedger"/> before the call and never call twice for one key.
/// </summary>
public interface IWeComAppMessages
{
    /// <summary>message/send: a text or template_card message to members.</summary>
    Task<WeComApiResult<AppMessageSent>> SendAppMessageAsync(string tenant, AppMessage message, CancellationToken cancellationToken);

    /// <summary>message/update_template_card: replaces the pressed button's text. A response_code works once, within 72 hours.</summary>
    Task<WeComApiResult<WeComAck>> UpdateTemplateCardAsync(string tenant, TemplateCardUpdate update, CancellationToken cancellationToken);
}

/// <summary>The body of message/send (only the fields we use). <c>touser</c> is <c>userid1|userid2</c>.</summary>
public sealed record AppMessage(
    [property: JsonPropertyName("touser")] string ToUser,
    [property: JsonPropertyName("msgtype")] string MsgType,
    [property: JsonPropertyName("agentid")] int AgentId,
    AppText? Text = null,
    TemplateCard? TemplateCard = null,
    int EnableDuplicateCheck = 0,
    int? DuplicateCheckInterval = null);

/// <summary>A text message; content up to 2,048 bytes (longer is cut by WeCom).</summary>
public sealed record AppText(string Content);

/// <summary>A <c>button_interaction</c> template card. <c>task_id</c> is unique per app, up to 128 bytes of
/// <c>[A-Za-z0-9_-@]</c>; a button press comes back as <c>template_card_event</c> with it and the button's key.</summary>
public sealed record TemplateCard(
    string CardType,
    TemplateCardSource? Source,
    TemplateCardTitle MainTitle,
    string? SubTitleText,
    IReadOnlyList<TemplateCardField>? HorizontalContentList,
    string TaskId,
    IReadOnlyList<TemplateCardButton> ButtonList);

/// <summary>The card's source line.</summary>
public sealed record TemplateCardSource(string Desc);

/// <summary>The card's title (up to 26 characters shown) and description.</summary>
public sealed record TemplateCardTitle(string Title, string? Desc);

/// <summary>A key/value line (up to 6 per card).</summary>
public sealed record TemplateCardField(string Keyname, string Value);

/// <summary>A button (up to 6): style 1–4, key up to 1,024 bytes.</summary>
public sealed record TemplateCardButton(string Text, int Style, string Key);

/// <summary>message/send's answer. <c>response_code</c> (template cards) updates the card once, within 72 hours.</summary>
public sealed record AppMessageSent(string? Msgid, string? ResponseCode, string? Invaliduser);

/// <summary>The body of update_template_card for "replace the button text".</summary>
public sealed record TemplateCardUpdate(
    IReadOnlyList<string> Userids,
    int Agentid,
    string ResponseCode,
    TemplateCardButtonReplacement Button);

/// <summary>The pressed button's new text.</summary>
public sealed record TemplateCardButtonReplacement(string ReplaceName);
