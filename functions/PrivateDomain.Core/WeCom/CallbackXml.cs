using System.Globalization;
using PrivateDomain.Input;
using System.Xml;

namespace PrivateDomain.WeCom;

/// <summary>
/// Reads WeCom's callback XML: the encrypted envelope and the decrypted event. DTDs and external entities are
/// prohibited and documents are bounded, so an XXE or "billion laughs" payload is refused as malformed.
/// </summary>
public static class CallbackXml
{
    /// <summary>The largest document, in characters, the reader accepts.</summary>
    public const int MaxCharacters = 256 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxCharacters,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    };

    /// <summary>Returns the <c>Encrypt</c> element of a POSTed envelope.</summary>
    /// <exception cref="CallbackRejectedException">The body is not a well-formed envelope with a non-empty Encrypt.</exception>
    public static string ReadEncrypt(string envelopeXml)
    {
        var fields = ReadFlat(envelopeXml, "envelope");
        return fields.TryGetValue("Encrypt", out var encrypt) && encrypt.Text.Length > 0
            ? encrypt.Text
            : throw new CallbackRejectedException(CallbackRejection.Malformed, "The envelope has no Encrypt element.");
    }

    /// <summary>Parses a decrypted event into its typed form; unknown kinds become <see cref="UnrecognisedEvent"/>.</summary>
    /// <exception cref="CallbackRejectedException">Malformed XML, or a known event without its identifying fields.</exception>
    public static WeComEvent ParseEvent(string plaintextXml)
    {
        var f = ReadFlat(plaintextXml, "event");
        var corpId = Required(f, "ToUserName");
        var createdAt = ParseCreateTime(Required(f, "CreateTime"));
        var msgType = Required(f, "MsgType");
        var evt = Optional(f, "Event");
        var change = Optional(f, "ChangeType");

        if (msgType != "event")
        {
            return new UnrecognisedEvent(corpId, createdAt, msgType, evt, change);
        }

        return (evt, change) switch
        {
            ("change_external_contact", "add_external_contact") => new ExternalContactAdded(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID"), Optional(f, "State"), Optional(f, "WelcomeCode")),
            ("change_external_contact", "add_half_external_contact") => new HalfExternalContactAdded(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID"), Optional(f, "State"), Optional(f, "WelcomeCode")),
            ("change_external_contact", "edit_external_contact") => new ExternalContactEdited(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID")),
            ("change_external_contact", "del_external_contact") => new ExternalContactDeleted(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID"), Optional(f, "Source")),
            ("change_external_contact", "del_follow_user") => new FollowUserDeleted(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID")),
            ("change_external_contact", "transfer_fail") => new CustomerTransferFailed(corpId, createdAt,
                Required(f, "UserID"), Required(f, "ExternalUserID"), Optional(f, "FailReason")),
            ("change_external_chat", "create") => new GroupChatCreated(corpId, createdAt, Required(f, "ChatId")),
            ("change_external_chat", "dismiss") => new GroupChatDismissed(corpId, createdAt, Required(f, "ChatId")),
            ("change_external_chat", "update") => new GroupChatUpdated(corpId, createdAt,
                Required(f, "ChatId"), Required(f, "UpdateDetail"), OptionalInt(f, "JoinScene"),
                OptionalInt(f, "QuitScene"), OptionalInt(f, "MemChangeCnt"),
                f.TryGetValue("MemChangeList", out var list) ? CheckedMembers(list.Items) : []),
            ("template_card_event", _) => new TemplateCardButtonPressed(corpId, createdAt, Required(f, "FromUserName"), Required(f, "TaskId"),
                Required(f, "EventKey"), Optional(f, "CardType"), Optional(f, "ResponseCode"), Optional(f, "AgentID")),
            ("change_external_tag", "create" or "update" or "delete" or "shuffle") => new CorpTagChanged(corpId,
                createdAt, change, Optional(f, "Id"), Optional(f, "TagType"), Optional(f, "StrategyId")),
            _ => new UnrecognisedEvent(corpId, createdAt, msgType, evt, change),
        };
    }

    /// <summary>The text of each child of the root, and the texts of its children for list elements.</summary>
    private sealed record Field(string Text, IReadOnlyList<string> Items);

    private static Dictionary<string, Field> ReadFlat(string xml, string what)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var fields = new Dictionary<string, Field>(StringComparer.Ordinal);
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "xml")
            {
                throw new CallbackRejectedException(CallbackRejection.Malformed, $"The {what} has no <xml> root element.");
            }

            if (reader.IsEmptyElement)
            {
                return fields;
            }

            reader.Read();
            while (reader.NodeType != XmlNodeType.EndElement && !reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }

                var name = reader.Name;
                var items = new List<string>();
                var text = ReadElement(reader, items);
                fields.TryAdd(name, new Field(text, items));
            }
        }
        catch (XmlException e)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, $"The {what} is not well-formed XML: {e.Message}", e);
        }

        return fields;
    }

    /// <summary>Reads one element: its own text, and the texts of its child elements into <paramref name="items"/>.</summary>
    private static string ReadElement(XmlReader reader, List<string> items)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }

        var depth = reader.Depth;
        var text = new System.Text.StringBuilder();
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && reader.Depth == depth + 1)
            {
                text.Append(reader.Value);
                reader.Read();
            }
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
            {
                items.Add(reader.ReadElementContentAsString());
            }
            else
            {
                reader.Read();
            }
        }

        reader.Read();
        return text.ToString().Trim();
    }

    // template_card_event's fields [90240, 90236]: task_id up to 128 bytes of [A-Za-z0-9_-@]; a button key up to 1,024 bytes.
    private static readonly InputRule CardTaskId = new("a template card task_id", 128, "letters, digits and _ - @",
        (c, _) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '@');
    private static readonly InputRule CardEventKey = new("a template card button key", 1024, "printable ASCII", (c, _) => c is > ' ' and <= '~');
    private static readonly InputRule CardResponseCode = new("a template card response_code", 512, "printable ASCII", (c, _) => c is > ' ' and <= '~');

    /// <summary>The identifier fields of WeCom events and their rules: checked here, so an event that could not be
    /// stored under its keys is refused at the callback (400) rather than failing later in the event processor.</summary>
    private static readonly Dictionary<string, InputRule> Rules = new(StringComparer.Ordinal)
    {
        ["UserID"] = Identifiers.UserId,
        ["ExternalUserID"] = Identifiers.ExternalUserId,
        ["State"] = Identifiers.ChannelCode,
        ["WelcomeCode"] = Identifiers.WelcomeCode,
        ["ChatId"] = Identifiers.ChatId,
        ["Id"] = Identifiers.CorpTagId,
        ["FromUserName"] = Identifiers.UserId,
        ["TaskId"] = CardTaskId,
        ["EventKey"] = CardEventKey,
        ["ResponseCode"] = CardResponseCode,
    };

    private static string Required(Dictionary<string, Field> f, string name) =>
        f.TryGetValue(name, out var v) && v.Text.Length > 0
            ? Checked(name, v.Text)
            : throw new CallbackRejectedException(CallbackRejection.Malformed, $"The event has no {name}.");

    private static string? Optional(Dictionary<string, Field> f, string name) =>
        f.TryGetValue(name, out var v) && v.Text.Length > 0 ? Checked(name, v.Text) : null;

    private static string Checked(string name, string value) =>
        Rules.TryGetValue(name, out var rule) && rule.Check(value, name) is { } problem
            ? throw new CallbackRejectedException(CallbackRejection.Malformed, "The event's " + problem)
            : value;

    private static IReadOnlyList<string> CheckedMembers(IReadOnlyList<string> members)
    {
        if (members.Count > InputLimits.MaxChatMembers)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, $"The event's MemChangeList has {members.Count} members; WeCom lists at most {InputLimits.MaxChatMembers}.");
        }

        foreach (var m in members)
        {
            if (!Identifiers.ExternalUserId.IsValid(m) && Identifiers.UserId.Check(m, "MemChangeList/Item") is { } problem)
            {
                throw new CallbackRejectedException(CallbackRejection.Malformed, "The event's " + problem);
            }
        }

        return members;
    }

    private static int? OptionalInt(Dictionary<string, Field> f, string name) =>
        Optional(f, name) is { } s
            ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                ? i
                : throw new CallbackRejectedException(CallbackRejection.Malformed, $"The event's {name} is not a number.")
            : null;

    private static DateTimeOffset ParseCreateTime(string s) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 32503680000
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new CallbackRejectedException(CallbackRejection.Malformed, "The event's CreateTime is not a unix time.");
}
