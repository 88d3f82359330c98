namespace PrivateDomain.Customers;

/// <summary>Where a channel code stands.</summary>
public enum ChannelCodeStatus
{
    /// <summary>Being created at WeCom (add_contact_way not answered yet); not used for attribution extras.</summary>
    Creating,
    /// <summary>In use: adds through it get its tags and welcome.</summary>
    Active,
    /// <summary>Paused by an operator: adds are still attributed to it (the customer did scan it), but get no tags and
    /// the default welcome. The QR keeps working at WeCom — WeCom has no pause — so it can be resumed without reprinting.</summary>
    Paused,
    /// <summary>Deleted at WeCom (del_contact_way): the QR no longer works; the row stays so past adds keep their attribution.</summary>
    Deleted,
}

/// <summary>The kinds of channel a code can stand for.</summary>
public static class ChannelKinds
{
    /// <summary>A branch's code (网点活码).</summary>
    public const string Branch = "branch";
    /// <summary>A partner's code: 商会, 村委, 金融服务站, a merchant (合作方二维码).</summary>
    public const string Partner = "partner";
    /// <summary>A campaign's code (a poster, an event).</summary>
    public const string Campaign = "campaign";
    /// <summary>A key person's code (关键人).</summary>
    public const string KeyPerson = "keyPerson";

    /// <summary>A customer's referral code (老带新): <see cref="ChannelCode.Partner"/> is the referrer's customer id
    /// (what the funnel's "referred" stage reads). Made per referrer, not by an operator's request body.</summary>
    public const string Referral = "referral";

    /// <summary>An add through a referral code that was refused (self-referral, a loop, or a customer already referred or
    /// already ours): the relationship keeps the state for the record but names no referrer.</summary>
    public const string ReferralRefused = "referral-refused";

    /// <summary>Every kind an operator may create through the request body.</summary>
    public static readonly IReadOnlyList<string> All = [Branch, Partner, Campaign, KeyPerson];
}

/// <summary>
/// A channel code (渠道活码): a WeCom "contact me" QR (<c>add_contact_way</c>) whose <c>state</c> is <see cref="Code"/>, so
/// the add event that a scan causes names the code. The positional part is what attribution has always read; the rest
/// is what the code does on an add and what WeCom answered when it was created.
/// </summary>
/// <param name="Code">The state, up to 30 characters (WeCom's limit); unique per tenant and never reused.</param>
/// <param name="Channel">One of <see cref="ChannelKinds"/> (older rows may carry other words).</param>
/// <param name="Partner">The partner (a chamber of commerce, a village committee, a merchant), if any.</param>
/// <param name="PartnerKind">e.g. <c>商会</c>, <c>村委</c>, <c>商户</c>.</param>
/// <param name="EmployeeUserId">The first member: the employee a single-member code belongs to.</param>
public sealed record ChannelCode(string Code, string Channel, string? Partner, string? PartnerKind, string? EmployeeUserId)
{
    /// <summary>A name for operators; also the code's remark at WeCom (30 characters at most).</summary>
    public string? Name { get; init; }

    /// <summary>The employees the code adds to: one (WeCom type 1) or a rotation of several (type 2, WeCom picks one per scan).</summary>
    public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Tags a customer gets when they add through the code (kept on the profile and marked at WeCom).</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The approved welcome template (kind welcome) sent to adds through this code instead of the default.</summary>
    public string? WelcomeTemplateId { get; init; }

    /// <summary>WeCom's config_id: without it the code cannot be changed or deleted.</summary>
    public string? ConfigId { get; init; }

    /// <summary>The QR image URL WeCom answered.</summary>
    public string? QrCode { get; init; }

    /// <summary>Where the code stands.</summary>
    public ChannelCodeStatus Status { get; init; } = ChannelCodeStatus.Active;

    /// <summary>When it was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Who created it (an operator's object id).</summary>
    public string? CreatedBy { get; init; }

    /// <summary>True if an add through it should get its tags and welcome.</summary>
    public bool AppliesOnAdd => Status == ChannelCodeStatus.Active;
}

/// <summary>What is counted per channel code.</summary>
public static class ChannelCodeMetrics
{
    /// <summary>A customer added through the code.</summary>
    public const string Adds = "add";
    /// <summary>A customer who added through the code deleted the account manager.</summary>
    public const string Deletions = "deleted";
    /// <summary>A customer first attributed to the code converted (bought a product).</summary>
    public const string Conversions = "converted";
}

/// <summary>Per-code figures: each customer counts once per metric.</summary>
public sealed record ChannelCodeStats(string Code, int Adds, int Deletions, int Conversions);
