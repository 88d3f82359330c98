using System.Text;
using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// WeCom's size limits for what we send, checked on a template when it is loaded and again on each rendered message
/// (placeholder values make text longer). add_msg_template and send_welcome_msg: text ≤ 4,000 bytes of UTF-8, ≤ 9
/// attachments, link title ≤ 128 bytes, description ≤ 512, url ≤ 2,048. add_moment_task: text ≤ 2,000 characters,
/// and either up to 9 images or one link (no mini programs).
/// </summary>
public static class WeComContentLimits
{
    /// <summary>1:1, group and welcome text, in UTF-8 bytes (a Chinese character is 3).</summary>
    public const int MessageTextBytes = 4000;

    /// <summary>Moments text, in characters (Unicode scalar values).</summary>
    public const int MomentsTextCharacters = 2000;

    /// <summary>Attachments per message or post.</summary>
    public const int MaxAttachments = 9;

    /// <summary>A link card's title, in UTF-8 bytes.</summary>
    public const int LinkTitleBytes = 128;

    /// <summary>A link card's description, in UTF-8 bytes.</summary>
    public const int LinkDescriptionBytes = 512;

    /// <summary>A URL, in bytes.</summary>
    public const int UrlBytes = 2048;

    /// <summary>Every limit <paramref name="text"/> and <paramref name="attachments"/> break on <paramref name="channel"/>,
    /// each naming its field (<c>body</c>, <c>attachments[0].title</c>).</summary>
    public static IEnumerable<string> Check(Channel channel, string text, IReadOnlyList<TemplateAttachment> attachments)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(attachments);
        if (channel == Channel.Moments)
        {
            var characters = text.EnumerateRunes().Count();
            if (characters > MomentsTextCharacters)
            {
                yield return $"body: {characters} characters; a Moments post holds at most {MomentsTextCharacters}";
            }

            var links = attachments.Count(a => a.Type == AttachmentType.Link);
            var images = attachments.Count(a => a.Type == AttachmentType.Image);
            if (attachments.Any(a => a.Type == AttachmentType.MiniProgram))
            {
                yield return "attachments: a Moments post cannot carry a mini program; use a link or images";
            }

            if (links > 1 || (links == 1 && images > 0))
            {
                yield return "attachments: a Moments post carries either one link or up to 9 images, not both";
            }
        }
        else
        {
            var bytes = Encoding.UTF8.GetByteCount(text);
            if (bytes > MessageTextBytes)
            {
                yield return $"body: {bytes} bytes of UTF-8; a WeCom message holds at most {MessageTextBytes} (about 1,300 Chinese characters)";
            }
        }

        if (attachments.Count > MaxAttachments)
        {
            yield return $"attachments: {attachments.Count}; at most {MaxAttachments}";
        }

        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            if (Bytes(a.Title) > LinkTitleBytes)
            {
                yield return $"attachments[{i}].title: {Bytes(a.Title)} bytes; at most {LinkTitleBytes} (about 42 Chinese characters)";
            }

            if (Bytes(a.Description) > LinkDescriptionBytes)
            {
                yield return $"attachments[{i}].description: {Bytes(a.Description)} bytes; at most {LinkDescriptionBytes}";
            }

            if (Bytes(a.Url) > UrlBytes)
            {
                yield return $"attachments[{i}].url: {Bytes(a.Url)} bytes; at most {UrlBytes}";
            }
        }
    }

    private static int Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
