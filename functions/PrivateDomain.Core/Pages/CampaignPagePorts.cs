using PrivateDomain.Delivery;

namespace PrivateDomain.Pages;

/// <summary>A welfare code as the operator loads it.</summary>
/// <param name="Code">The coupon or voucher code (1–64 printable characters).</param>
/// <param name="ValidUntil">The last day it can be redeemed, if it has one.</param>
public sealed record WelfareCode(string Code, DateOnly? ValidUntil);

/// <summary>A pool's stock.</summary>
/// <param name="Pool">The pool id.</param>
/// <param name="Loaded">Codes loaded so far.</param>
/// <param name="Claimed">Codes handed out.</param>
/// <param name="Expired">Codes set aside unclaimed because their validity ended before anyone claimed them.</param>
public sealed record WelfareStock(string Pool, int Loaded, int Claimed, int Expired = 0)
{
    /// <summary>Codes left.</summary>
    public int Available => Loaded - Claimed - Expired;
}

/// <summary>The outcome of a claim.</summary>
/// <param name="Code">The customer's code (new or from their earlier claim); null when the pool is out of stock.</param>
/// <param name="AlreadyClaimed">True when the customer had claimed in this campaign before.</param>
public sealed record WelfareClaim(WelfareCode? Code, bool AlreadyClaimed)
{
    /// <summary>True when nothing was left to hand out.</summary>
    public bool OutOfStock => Code is null;
}

/// <summary>Welfare pools: codes an operator loads, handed out one per customer per campaign, each code once.</summary>
public interface IWelfarePools
{
    /// <summary>Adds codes to a pool (a code already in it is left as it is); returns the stock.</summary>
    Task<WelfareStock> LoadAsync(string tenant, string pool, IReadOnlyList<WelfareCode> codes, CancellationToken cancellationToken);

    /// <summary>The pool's stock (zero for a pool never loaded).</summary>
    Task<WelfareStock> StockAsync(string tenant, string pool, CancellationToken cancellationToken);

    /// <summary>Hands <paramref name="customerId"/> one code for <paramref name="campaign"/>, atomically: under any number of
    /// concurrent claims each code goes out once and each customer gets one per campaign. A code whose validity ended
    /// before <paramref name="at"/> (China's date) is set aside, never handed out.</summary>
    Task<WelfareClaim> ClaimAsync(string tenant, string pool, string campaign, string customerId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Something a visitor did on a campaign page.</summary>
public static class CampaignPageActions
{
    /// <summary>Opened the page.</summary>
    public const string View = "view";

    /// <summary>Claimed a welfare code.</summary>
    public const string Claim = "claim";

    /// <summary>Completed the quiz.</summary>
    public const string Completion = "completion";

    /// <summary>Pressed 我感兴趣 / 预约.</summary>
    public const string Intent = "intent";
}

/// <summary>A customer's first action of a kind on a campaign's page.</summary>
/// <param name="At">When it first happened.</param>
/// <param name="Data">What it recorded (quiz answers and score).</param>
/// <param name="Signalled">True once its signal is in the inbox.</param>
/// <param name="IsNew">True for the call that recorded it.</param>
public sealed record CampaignPageAction(DateTimeOffset At, IReadOnlyDictionary<string, string> Data, bool Signalled, bool IsNew);

/// <summary>Page statistics of one campaign, sender and content.</summary>
public sealed record CampaignPageStats(string Campaign, string SenderId, string Content, int Views, int IdentifiedVisitors, int Claims, int Completions, int Intents);

/// <summary>What visitors do on campaign pages: every view counted, and each customer's first action of a kind recorded once.</summary>
public interface ICampaignPageEvents
{
    /// <summary>Counts a view (identified or not).</summary>
    Task CountViewAsync(CampaignPageLink link, bool identified, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="action"/> for the customer unless it is recorded already; returns the record.</summary>
    Task<CampaignPageAction> RecordOnceAsync(CampaignPageLink link, string action, string customerId, DateTimeOffset at,
        IReadOnlyDictionary<string, string> data, CancellationToken cancellationToken);

    /// <summary>The customer's record of <paramref name="action"/>, if any.</summary>
    Task<CampaignPageAction?> FindAsync(CampaignPageLink link, string action, string customerId, CancellationToken cancellationToken);

    /// <summary>Marks the record's signal as raised.</summary>
    Task MarkSignalledAsync(CampaignPageLink link, string action, string customerId, CancellationToken cancellationToken);

    /// <summary>The statistics of a campaign, per sender and content.</summary>
    Task<IReadOnlyList<CampaignPageStats>> StatsAsync(string tenant, string campaign, CancellationToken cancellationToken);
}

/// <summary>The visitor WeCom's web authorisation named (<c>auth/getuserinfo</c>).</summary>
/// <param name="UserId">A member of the corp.</param>
/// <param name="OpenId">A visitor outside the corp.</param>
/// <param name="ExternalUserId">Set when the visitor is a customer of a member in the app's visible range.</param>
public sealed record WeComVisitor(
    [property: System.Text.Json.Serialization.JsonPropertyName("userid")] string? UserId,
    [property: System.Text.Json.Serialization.JsonPropertyName("openid")] string? OpenId,
    [property: System.Text.Json.Serialization.JsonPropertyName("external_userid")] string? ExternalUserId);

/// <summary>WeCom's web authorisation for a self-built app: resolves the single-use <c>code</c> (5 minutes) of a redirect.</summary>
public interface IWeComWebAuthorisation
{
    /// <summary><c>GET /cgi-bin/auth/getuserinfo?access_token=…&amp;code=…</c> [96442]; 40029 for an invalid, used or expired code.</summary>
    Task<WeComApiResult<WeComVisitor>> GetUserInfoAsync(string tenant, string code, CancellationToken cancellationToken);
}
