using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.WeCom;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// 流失提醒 and the recall offer, and the dispatch of card button presses. A customer deleting their account manager
/// (del_follow_user) gives that manager one text message — who, since when they were connected, through which channel,
/// the last touches — and offers the manager's supervisor (<see cref="Employee.SupervisorId"/>) a recall with a card
/// (发起召回 / 暂不). One message each per deletion: the ledger key is the manager, the customer and WeCom's CreateTime,
/// so WeCom's repeated callbacks and reprocessing send nothing more; a later re-add and deletion is a new deletion.
/// </summary>
public sealed class ManagerAlerts(
    ManagerMessenger messenger,
    ManagerTaskCards taskCards,
    IStaffMessageLedger ledger,
    ICustomerStore customers,
    IRelationshipStore relationships,
    IEmployeeDirectory employees,
    IDeliveryHistoryStore history,
    IWeComAppMessages wecom,
    IOptions<ManagerMessagesOptions> options,
    ILogger<ManagerAlerts> log) : IManagerAlerts
{
    /// <summary>The recall card's buttons.</summary>
    public const string RecallKey = "recall_start";

    /// <summary>The supervisor declines.</summary>
    public const string SkipKey = "recall_skip";

    /// <inheritdoc />
    public async Task CustomerDeletedManagerAsync(string tenant, string customerId, FollowUserDeleted deletion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        var zone = options.Value.Zone;
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var name = (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))?.Value.Name ?? "客户";
        var relationship = (await relationships.GetAsync(tenant, deletion.UserId, deletion.ExternalUserId, cancellationToken).ConfigureAwait(false))?.Value;
        var sends = await history.CustomerSendsAsync(tenant, deletion.UserId, customerId, deletion.CreatedAt.AddDays(-90), cancellationToken).ConfigureAwait(false);
        var touches = sends.Where(s => s.At <= deletion.CreatedAt).OrderByDescending(s => s.At).Take(3)
            .Select(s => $"{Local(s.At)} {ChannelName(s.Channel)}").ToList();
        var since = relationship is null ? "未知" : Local(relationship.AddedAt);
        var channel = relationship?.Channel ?? relationship?.State;
        var lines = new List<string>
        {
            $"流失提醒：客户 {name} 于 {Local(deletion.CreatedAt)} 删除了您。",
            $"添加时间：{since}" + (channel is null ? "" : $"（渠道 {channel}）"),
            touches.Count == 0 ? "最近触达：90 天内没有" : "最近触达：" + string.Join("；", touches),
        };
        var manager = await employees.GetAsync(tenant, deletion.UserId, cancellationToken).ConfigureAwait(false);
        if (manager?.SupervisorId is not null)
        {
            lines.Add("已请您的主管评估是否召回。");
        }

        var churnKey = StaffMessageKeys.Churn(deletion.UserId, deletion.ExternalUserId, deletion.CreatedAt);
        var outcome = await messenger.SendAsync(new StaffMessage(tenant, deletion.UserId, churnKey, StaffMessageKind.ChurnAlert, string.Join('\n', lines), null,
            customerId, Detail: deletion.ExternalUserId), cancellationToken).ConfigureAwait(false);
        log.LogInformation("流失提醒 {Key} for {ManagerId}: {Outcome}", churnKey, deletion.UserId, outcome);

        if (manager?.SupervisorId is not { } supervisor)
        {
            return;
        }

        var recallKey = StaffMessageKeys.Recall(deletion.UserId, deletion.ExternalUserId, deletion.CreatedAt);
        var card = new TemplateCard("button_interaction", new TemplateCardSource("私域助手 · 流失提醒"),
            new TemplateCardTitle($"{manager.Name} 的客户 {name} 已流失", $"{Local(deletion.CreatedAt)} 删除了客户经理"),
            "可安排召回：由您或其他客户经理重新联系。",
            [new TemplateCardField("客户经理", manager.Name), new TemplateCardField("添加时间", since), new TemplateCardField("最近触达", touches.FirstOrDefault() ?? "无")],
            recallKey, [new TemplateCardButton("发起召回", 1, RecallKey), new TemplateCardButton("暂不", 2, SkipKey)]);
        await messenger.SendAsync(new StaffMessage(tenant, supervisor, recallKey, StaffMessageKind.RecallOffer,
            $"流失提醒：{manager.Name} 的客户 {name} 于 {Local(deletion.CreatedAt)} 删除了客户经理，请评估是否召回。", card, customerId,
            Detail: $"{deletion.UserId}|{deletion.ExternalUserId}"), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CardButtonPressedAsync(string tenant, TemplateCardButtonPressed press, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(press);
        if (press.TaskId.StartsWith("fu_", StringComparison.Ordinal))
        {
            await taskCards.ButtonPressedAsync(tenant, press.UserId, press.TaskId, press.EventKey, press.ResponseCode, press.CreatedAt, cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        if (await ledger.GetAsync(tenant, press.UserId, press.TaskId, cancellationToken).ConfigureAwait(false) is not var (row, etag)
            || row.Kind != StaffMessageKind.RecallOffer || row.ButtonPressedAt is not null)
        {
            log.LogInformation("template_card_event {EventKey} on card {TaskId}: nothing to do", press.EventKey, press.TaskId);
            return;
        }

        // The supervisor's decision is recorded on the offer (the team view shows it); starting a recall journey is not
        // built yet (no recall journey definition exists). The card's button shows the decision.
        var decision = press.EventKey == RecallKey ? "recall" : "skip";
        if (!await ledger.TryWriteAsync(row with { ButtonPressedAt = press.CreatedAt, CardUpdated = true, Reason = decision }, etag, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (press.ResponseCode is { } code && options.Value.AgentIds.TryGetValue(tenant, out var agentId))
        {
            await wecom.UpdateTemplateCardAsync(tenant, new TemplateCardUpdate([press.UserId], agentId, code,
                new TemplateCardButtonReplacement(decision == "recall" ? "已安排召回" : "已忽略")), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ChannelName(Channel channel) => channel switch
    {
        Channel.OneToOne => "一对一消息",
        Channel.Moments => "朋友圈",
        _ => "社群",
    };
}
