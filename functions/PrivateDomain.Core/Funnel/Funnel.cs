using PrivateDomain.Customers;

namespace PrivateDomain.Funnel;

/// <summary>What a funnel row is broken down by.</summary>
public enum FunnelDimension
{
    /// <summary>The channel code (渠道活码 <c>State</c>) the customer added through.</summary>
    Channel,

    /// <summary>The content item whose tracked link the customer first opened (customers who opened none: <see cref="Funnel.None"/>).</summary>
    Content,

    /// <summary>The account manager the customer added.</summary>
    Manager,

    /// <summary>That manager's branch (from the employee directory).</summary>
    Branch,
}

/// <summary>One customer added in the period, with what they did afterwards (up to the period's end).</summary>
/// <param name="CustomerId">The customer.</param>
/// <param name="ChannelCode">The channel code they added through, if any.</param>
/// <param name="ManagerId">The account manager they added.</param>
/// <param name="Branch">The manager's branch, if the directory knows it.</param>
/// <param name="Content">The template of the touch whose link they first opened, if any.</param>
/// <param name="Engaged">Opened a tracked link (or replied, or joined an activity).</param>
/// <param name="Intent">Showed intent (an intent signal, or an <c>intent</c>/<c>意向</c> tag).</param>
/// <param name="Converted">CRM reported a purchase.</param>
/// <param name="Referred">Brought another customer: someone added through a referral code naming them.</param>
public sealed record FunnelCustomer(
    string CustomerId, string? ChannelCode, string ManagerId, string? Branch, string? Content, bool Engaged, bool Intent, bool Converted, bool Referred);

/// <summary>A row: added → engaged → intent → converted → referred (customers).</summary>
public sealed record FunnelRow(string Key, long Added, long Engaged, long Intent, long Converted, long Referred);

/// <summary>The funnel for a period and dimension: one row per key (most added first, customers without a value last) and the total.</summary>
public sealed record FunnelTable(DateOnly From, DateOnly To, string By, IReadOnlyList<FunnelRow> Rows, FunnelRow Total);

/// <summary>
/// The funnel, pure: which signals and tags put a customer at which stage, and the tally per dimension. A customer
/// counts once per stage (the stages are not forced to nest: a purchase without a click still counts as converted).
/// </summary>
public static class Funnel
{
    /// <summary>The key of customers without a value for the dimension.</summary>
    public const string None = "(无)";

    /// <summary>The channel (<see cref="Relationship.Channel"/>) of referral codes: their <see cref="Relationship.Partner"/>
    /// is the customer id of the referrer.</summary>
    public const string ReferralChannel = "referral";

    private static readonly HashSet<string> EngagedKinds = new(StringComparer.Ordinal) { SignalKinds.Clicked, "replied", "joined-activity" };
    private static readonly HashSet<string> IntentTags = new(StringComparer.Ordinal) { "intent", "意向" };

    /// <summary>True if a signal of <paramref name="kind"/> counts as engagement.</summary>
    public static bool IsEngagement(string kind) => EngagedKinds.Contains(kind);

    /// <summary>True if a signal of <paramref name="kind"/> shows intent.</summary>
    public static bool IsIntent(string kind) => kind == "intent";

    /// <summary>True if a tag shows intent (an account manager's <c>意向</c> tag in WeCom, or <c>intent</c>).</summary>
    public static bool IsIntentTag(string tag) => IntentTags.Contains(tag);

    /// <summary>Tallies <paramref name="customers"/> by <paramref name="by"/>.</summary>
    public static FunnelTable Tally(DateOnly from, DateOnly to, FunnelDimension by, IEnumerable<FunnelCustomer> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var list = customers.ToList();
        var rows = list.GroupBy(c => KeyOf(c, by) ?? None, StringComparer.Ordinal)
            .Select(g => Row(g.Key, g))
            .OrderBy(r => r.Key == None).ThenByDescending(r => r.Added).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        return new FunnelTable(from, to, by.ToString().ToLowerInvariant(), rows, Row("合计", list));
    }

    private static string? KeyOf(FunnelCustomer c, FunnelDimension by) => by switch
    {
        FunnelDimension.Channel => c.ChannelCode,
        FunnelDimension.Content => c.Content,
        FunnelDimension.Manager => c.ManagerId,
        FunnelDimension.Branch => c.Branch,
        _ => null,
    };

    private static FunnelRow Row(string key, IEnumerable<FunnelCustomer> group)
    {
        long added = 0, engaged = 0, intent = 0, converted = 0, referred = 0;
        foreach (var c in group)
        {
            added++;
            engaged += c.Engaged ? 1 : 0;
            intent += c.Intent ? 1 : 0;
            converted += c.Converted ? 1 : 0;
            referred += c.Referred ? 1 : 0;
        }

        return new FunnelRow(key, added, engaged, intent, converted, referred);
    }
}
