using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.AccountManagers;

/// <summary>What the chat sidebar shows about the customer in the chat.</summary>
public sealed record SidebarView(
    string CustomerId, string Name, string Tier, IReadOnlyList<string> Tags, string? PayrollEmployer, IReadOnlyList<SidebarJourney> Journeys,
    IReadOnlyList<SidebarEvent> RecentTouches, IReadOnlyList<SidebarEvent> RecentReactions, IReadOnlyList<SidebarTask> OpenTasks, IReadOnlyList<SidebarScript> Scripts,
    string Stage, IReadOnlyList<SidebarBankTag> BankTags);

/// <summary>One of the bank's tags the manager may set or remove, and whether the customer carries it.</summary>
public sealed record SidebarBankTag(string Name, bool On);

/// <summary>A journey the customer is on, with where it stands.</summary>
public sealed record SidebarJourney(string JourneyId, string Status, string Stage, string? LastStep);

/// <summary>A touch or a reaction.</summary>
public sealed record SidebarEvent(DateTimeOffset At, string What);

/// <summary>An open follow-up task.</summary>
public sealed record SidebarTask(string CampaignId, string Campaign, string Why, DateTimeOffset At);

/// <summary>An approved script (话术) ready to put into the chat.</summary>
public sealed record SidebarScript(string TemplateId, int Version, string Text);

/// <summary>
/// The chat sidebar's use cases (聊天工具栏): what the bank knows about the customer the manager is chatting with — only
/// when this manager really has this customer (an active relationship; otherwise nothing at all) — and marking a task
/// done. Scripts are the newest approved versions (maker-checker, sensitive-word screen) of the templates for the
/// customer's stage, rendered for this customer and manager; one that cannot be rendered is left out.
/// </summary>
public sealed class ChatSidebar(
    IRelationshipStore relationships,
    ICustomerStore customers,
    IJourneyStarts starts,
    IJourneyStore journeys,
    IDeliveryHistoryStore history,
    ISignalInbox signals,
    IFollowUpTasks tasks,
    IEmployeeDirectory employees,
    ICustomerPool pool,
    PrivateDomain.Delivery.IWeComApi wecom,
    ContentLibrary content,
    ManagerTaskCards cards,
    IOptions<ManagerMessagesOptions> options,
    IOptions<PrivateDomain.WeCom.WeComOptions> tenants,
    TimeProvider time)
{
    // The customer's stage → the 1:1 templates a manager may use (AIDA/3W: ice-breaker before interest, 3W once intent shows).
    private static readonly Dictionary<string, string[]> ScriptsByStage = new(StringComparer.Ordinal)
    {
        ["关注"] = ["aida.interest.ice-breaker", "3w.what"],
        ["兴趣"] = ["3w.what", "3w.why"],
        ["意向"] = ["3w.why", "3w.why-now"],
        ["已转化"] = ["aida.action.rights"],
    };

    /// <summary>The view, or null when <paramref name="managerId"/> has no active relationship with <paramref name="externalUserId"/>.</summary>
    public async Task<SidebarView?> ViewAsync(string tenant, string managerId, string externalUserId, CancellationToken cancellationToken)
    {
        if (await relationships.GetAsync(tenant, managerId, externalUserId, cancellationToken).ConfigureAwait(false) is not { Value: { Status: RelationshipStatus.Active } relationship }
            || await customers.GetAsync(tenant, relationship.CustomerId, cancellationToken).ConfigureAwait(false) is not { Value: var customer })
        {
            return null;
        }

        var now = time.GetUtcNow();
        var journeyViews = new List<SidebarJourney>();
        var states = new List<JourneyState>();
        await foreach (var row in starts.ListAsync(tenant, customer.Id, cancellationToken).ConfigureAwait(false))
        {
            var record = (await journeys.GetAsync(tenant, row.InstanceId, cancellationToken).ConfigureAwait(false))?.Record;
            if (record is not null)
            {
                states.Add(record.State);
            }

            journeyViews.Add(new SidebarJourney(row.JourneyId, record?.Status.ToString() ?? row.Status.ToString(),
                record is null ? "未知" : StageOf(record.State), record?.State.LastSentStepId));
        }

        var stage = customer.Products.Count > 0 && states.Any(s => s.Converted) ? "已转化"
            : states.Any(s => s.Intent) ? "意向"
            : states.Any(s => s.Reactions > 0) ? "兴趣"
            : "关注";
        var touches = (await history.CustomerSendsAsync(tenant, managerId, customer.Id, now.AddDays(-90), cancellationToken).ConfigureAwait(false))
            .OrderByDescending(s => s.At).Take(5).Select(s => new SidebarEvent(s.At, s.Channel switch
            {
                Channel.OneToOne => "一对一消息",
                Channel.Moments => "朋友圈",
                _ => "社群",
            })).ToList();
        var reactions = new List<SidebarEvent>();
        await foreach (var s in signals.ListAsync(tenant, customer.Id, cancellationToken).ConfigureAwait(false))
        {
            if (ReactionName(s.Kind) is { } what)
            {
                reactions.Add(new SidebarEvent(s.At, what));
            }
        }

        var open = (await tasks.ListAsync(tenant, managerId, 500, cancellationToken).ConfigureAwait(false))
            .Where(t => t.CustomerId == customer.Id && ManagerTaskStatus.Of(t, now, options.Value.TaskExpiresAfter) == ManagerTaskStatus.Open)
            .Select(t => new SidebarTask(t.CampaignId, ManagerTaskCards.CampaignLabel(t.CampaignId), ManagerTaskCards.Why(t.Activity), t.At)).ToList();
        var employee = await employees.GetAsync(tenant, managerId, cancellationToken).ConfigureAwait(false);
        var scripts = new List<SidebarScript>();
        foreach (var id in ScriptsByStage[stage])
        {
            var sendable = await content.GetSendableAsync(id, tenant, employee?.BranchId, cancellationToken).ConfigureAwait(false);
            if (sendable.Template is not { } template)
            {
                continue;
            }

            try
            {
                var bank = tenants.Value.Tenants.GetValueOrDefault(tenant);
                var rendered = template.Render(new PlaceholderValues
                {
                    CustomerName = customer.Name, EmployeeName = employee?.Name, EmployeeTitle = employee?.Title, BranchName = employee?.BranchName,
                    BankName = bank?.BankName, BankHotline = bank?.BankHotline, BankSite = bank?.BankSite,
                });
                scripts.Add(new SidebarScript(id, template.Template.Version, rendered.Text));
            }
            catch (TemplateRenderException)
            {
                // A placeholder the sidebar cannot fill (a tracked link, a page): that script is for journeys, not for chat.
            }
        }

        return new SidebarView(customer.Id, customer.Name ?? "客户", TierName(customer.Tier),
            [.. customer.Tags.Where(t => !t.Name.Contains(':', StringComparison.Ordinal)).Select(t => t.Name).Distinct(StringComparer.Ordinal)],
            customer.Payroll?.EmployerId, journeyViews, touches, [.. reactions.OrderByDescending(r => r.At).Take(5)], open, scripts, stage,
            [.. BankTagsOf(tenant).Keys.Order(StringComparer.Ordinal).Select(t => new SidebarBankTag(t, customer.HasTag(t)))]);
    }

    /// <summary>Sets or removes one of the bank's tags on the manager's customer: in WeCom first (<c>mark_tag</c> as this
    /// manager), then on the profile (source <c>sidebar</c>), since WeCom raises no callback for an API change.</summary>
    /// <returns>Null when done; otherwise why not (not their customer, not a bank tag, WeCom refused).</returns>
    public async Task<string?> SetTagAsync(string tenant, string managerId, string externalUserId, string tag, bool on, CancellationToken cancellationToken)
    {
        if (await relationships.GetAsync(tenant, managerId, externalUserId, cancellationToken).ConfigureAwait(false) is not { Value: { Status: RelationshipStatus.Active } relationship })
        {
            return "您不是该客户的客户经理。";
        }

        if (!BankTagsOf(tenant).TryGetValue(tag, out var tagId))
        {
            return "不是本行可设置的标签。";
        }

        var marked = await wecom.MarkTagAsync(tenant, new PrivateDomain.Delivery.TagMarking(managerId, externalUserId, on ? [tagId] : null, on ? null : [tagId]),
            cancellationToken).ConfigureAwait(false);
        if (marked.Error is { } error)
        {
            return $"企业微信未能更新标签（{error.Code}）。";
        }

        var now = time.GetUtcNow();
        await pool.UpdateAsync(tenant, relationship.CustomerId, c => on
            ? CustomerChanges.WithTag(c, tag, TagKind.Static, "sidebar", now)
            : c.HasTag(tag) ? c with { Tags = [.. c.Tags.Where(t => t.Name != tag)], UpdatedAt = now > c.UpdatedAt ? now : c.UpdatedAt } : null,
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private Dictionary<string, string> BankTagsOf(string tenant) =>
        options.Value.BankTags.TryGetValue(tenant, out var tags) ? tags : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Marks one of the manager's tasks done from the sidebar (the card, if any, shows it too). False when this
    /// manager has no active relationship with the customer or the task is not theirs or already done.</summary>
    public async Task<bool> MarkDoneAsync(string tenant, string managerId, string externalUserId, string campaignId, CancellationToken cancellationToken)
    {
        if (await relationships.GetAsync(tenant, managerId, externalUserId, cancellationToken).ConfigureAwait(false) is not { Value: { Status: RelationshipStatus.Active } relationship })
        {
            return false;
        }

        return await cards.MarkDoneAsync(tenant, managerId, campaignId, relationship.CustomerId, "sidebar", cancellationToken).ConfigureAwait(false);
    }

    private static string StageOf(JourneyState s) =>
        s.Converted ? "已转化" : s.Intent ? "意向" : s.Reactions > 0 ? "兴趣" : "关注";

    private static string TierName(CustomerTier tier) => tier switch
    {
        CustomerTier.Customer => "客户",
        CustomerTier.Prospect => "潜客",
        _ => "游客",
    };

    private static string? ReactionName(string kind) => kind switch
    {
        SignalKinds.Clicked => "打开了链接",
        "joined-activity" => "参加了活动",
        "intent" => "表达了意向",
        SignalKinds.Converted => "购买了产品",
        _ => null,
    };
}
