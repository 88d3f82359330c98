using System.Collections.Immutable;
using PrivateDomain.Journeys;

namespace PrivateDomain.Content;

/// <summary>
/// One version of a message template: what a touch says, on which channel, at which AIDA stage, with which
/// attachments. Content only — approval lives in the approval log, so a version's content never changes once published
/// (<see cref="ContentHash"/> pins it) while its approval moves from draft to approved.
/// </summary>
/// <param name="Id">The template id journeys refer to, e.g. <c>aida.attention.welfare</c>.</param>
/// <param name="Version">1, 2, …; a change is a new version.</param>
/// <param name="Kind">What the content is for (welfare, persona, 3W script, …).</param>
/// <param name="Stage">The AIDA stage it serves.</param>
/// <param name="Channel">1:1, Moments or group; decides the WeCom limits and which placeholders are allowed.</param>
/// <param name="Title">An operator-facing name (never sent).</param>
/// <param name="Tags">Customer tags the content suits (代发, 白领, …), for choosing and reporting; empty = anyone.</param>
/// <param name="Body">The text, with placeholders such as <c>{customer.name}</c>; <c>{{</c> and <c>}}</c> are literal braces.</param>
/// <param name="Attachments">Links, images and mini programs sent with the text.</param>
/// <param name="ContentHash"><c>sha256:</c> of the canonical content; what an approval signs.</param>
public sealed record MessageTemplate(
    string Id,
    int Version,
    ContentKind Kind,
    AidaStage Stage,
    Channel Channel,
    string Title,
    ImmutableArray<string> Tags,
    string Body,
    ImmutableArray<TemplateAttachment> Attachments,
    string ContentHash)
{
    /// <summary><c>{id} v{version}</c>.</summary>
    public override string ToString() => $"{Id} v{Version}";

    /// <summary>Value equality, tags and attachments compared item by item (an ImmutableArray alone compares by reference).</summary>
    public bool Equals(MessageTemplate? other) =>
        other is not null && Id == other.Id && Version == other.Version && Kind == other.Kind && Stage == other.Stage && Channel == other.Channel
        && Title == other.Title && Body == other.Body && ContentHash == other.ContentHash
        && Tags.AsSpan().SequenceEqual(other.Tags.AsSpan()) && Attachments.AsSpan().SequenceEqual(other.Attachments.AsSpan());

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Version, ContentHash, Body);
}

/// <summary>An attachment of a template. Text fields may hold placeholders; <see cref="Url"/> may start with
/// <c>{bank.site}</c> so one default template serves every bank's own H5 pages.</summary>
/// <param name="Type">Link, image or mini program.</param>
/// <param name="Title">Link or mini-program title.</param>
/// <param name="Url">Link target, or the image's URL (https).</param>
/// <param name="Description">Link description.</param>
/// <param name="ImageUrl">Link cover or mini-program cover (https).</param>
/// <param name="AppId">Mini program appid.</param>
/// <param name="Page">Mini program page path.</param>
public sealed record TemplateAttachment(
    AttachmentType Type,
    string? Title,
    string? Url,
    string? Description = null,
    string? ImageUrl = null,
    string? AppId = null,
    string? Page = null);

/// <summary>What an attachment is.</summary>
public enum AttachmentType
{
    /// <summary>A link card (our tracked H5 pages).</summary>
    Link,

    /// <summary>An image, by https URL (delivery uploads it to WeCom).</summary>
    Image,

    /// <summary>A mini program card (1:1 and group only; Moments cannot carry one).</summary>
    MiniProgram,
}

/// <summary>The AIDA stage a template serves.</summary>
public enum AidaStage
{
    /// <summary>Attention (注意): first contact, a benefit, who we are.</summary>
    Attention,

    /// <summary>Interest (兴趣): an ice-breaker product, values.</summary>
    Interest,

    /// <summary>Desire (欲望): finance tips, cases.</summary>
    Desire,

    /// <summary>Action (行动): peer stories, rights, activities, the 3W script.</summary>
    Action,
}

/// <summary>
/// The content kinds of the AIDA/3W, loan and payroll flows. The JSON name (camelCase, e.g. <c>iceBreakerProduct</c>) is
/// the same word a journey step's <c>kind</c> uses.
/// </summary>
public enum ContentKind
{
    /// <summary>福利: a benefit that opens the relationship.</summary>
    Welfare,

    /// <summary>人设: the account manager as a person (Moments).</summary>
    Persona,

    /// <summary>价值观: what the bank and the manager stand for (Moments).</summary>
    Values,

    /// <summary>案例: a (de-identified) customer case (Moments).</summary>
    Case,

    /// <summary>破冰产品: a low-threshold product that starts the conversation.</summary>
    IceBreakerProduct,

    /// <summary>理财知识: finance tips.</summary>
    FinanceTip,

    /// <summary>同类客户故事: what people like the customer did.</summary>
    PeerStory,

    /// <summary>权益: rights and benefits of being a customer.</summary>
    Rights,

    /// <summary>活动: an offline or online activity.</summary>
    Activity,

    /// <summary>营销活动 (Moments): the campaign post of the action stage.</summary>
    Campaign,

    /// <summary>3W: what it is.</summary>
    ThreeWWhat,

    /// <summary>3W: why it suits you.</summary>
    ThreeWWhy,

    /// <summary>3W: why now.</summary>
    ThreeWWhyNow,

    /// <summary>欢迎语: sent on the fast path when a customer adds the account manager.</summary>
    Welcome,

    /// <summary>代发福利: payroll-day welfare (D-5).</summary>
    PayrollWelfare,

    /// <summary>代发知识问答: payroll-day quiz (D-4).</summary>
    PayrollQuiz,

    /// <summary>代发理财: finance knowledge with a product (D-3).</summary>
    PayrollSales,

    /// <summary>回访: a 1:1 check-in (e.g. an abandoned application).</summary>
    CheckIn,

    /// <summary>跟进: a 1:1 follow-up after engagement.</summary>
    FollowUp,
}

/// <summary>The JSON names of <see cref="ContentKind"/>, <see cref="AidaStage"/>, <see cref="Channel"/> and
/// <see cref="AttachmentType"/>: camelCase, as journeys write them.</summary>
public static class ContentNames
{
    /// <summary>The camelCase name of an enum value (<c>IceBreakerProduct</c> → <c>iceBreakerProduct</c>).</summary>
    public static string Of<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>Parses a camelCase name; false for anything else (including PascalCase and numbers).</summary>
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(Of(v), text, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Every name of <typeparamref name="T"/>, comma-separated (for error messages).</summary>
    public static string All<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Of(v)));
}
