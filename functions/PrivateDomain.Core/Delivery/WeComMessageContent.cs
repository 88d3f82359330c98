using System.Text.Json.Serialization;

namespace PrivateDomain.Delivery;

/// <summary>Text content: <c>{"content": "…"}</c>.</summary>
public sealed record WeComText(string Content);

/// <summary>
/// One attachment of a welcome message, mass message or Moments post: <c>msgtype</c> names which of the other fields is
/// set (image, link, miniprogram, video, file). Up to 9 per message.
/// </summary>
public sealed record WeComAttachment
{
    /// <summary>image, link, miniprogram, video or file.</summary>
    [JsonPropertyName("msgtype")]
    public required string MsgType { get; init; }

    /// <summary>An image (media_id or pic_url).</summary>
    public WeComImage? Image { get; init; }

    /// <summary>A link card.</summary>
    public WeComLink? Link { get; init; }

    /// <summary>A mini program card.</summary>
    public WeComMiniProgram? Miniprogram { get; init; }

    /// <summary>A video (media_id).</summary>
    public WeComMedia? Video { get; init; }

    /// <summary>A file (media_id).</summary>
    public WeComMedia? File { get; init; }

    /// <summary>A link attachment, the usual carrier of our tracked content links.</summary>
    public static WeComAttachment ForLink(string title, Uri url, string? description = null, Uri? pictureUrl = null) =>
        new() { MsgType = "link", Link = new WeComLink(title, url.ToString(), description, pictureUrl?.ToString()) };
}

/// <summary>An image: a media_id from the media upload API, or a pic_url from the image upload API.</summary>
public sealed record WeComImage(string? MediaId = null, string? PicUrl = null);

/// <summary>A link card. In Moments posts the cover is a <c>media_id</c> instead of <c>picurl</c>.</summary>
public sealed record WeComLink(
    string Title,
    string Url,
    string? Desc = null,
    [property: JsonPropertyName("picurl")] string? PicUrl = null,
    string? MediaId = null);

/// <summary>A mini program card.</summary>
public sealed record WeComMiniProgram(
    string Title,
    string PicMediaId,
    [property: JsonPropertyName("appid")] string AppId,
    string Page);

/// <summary>A media reference.</summary>
public sealed record WeComMedia(string MediaId);
