using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// Follow-up task cards: when a customer engages, their account manager gets one <c>button_interaction</c> card (the
/// customer, why, the campaign, and the button 已跟进). Pressing it — WeCom's <c>template_card_event</c> on the app's
/// callback URL — closes the task once and turns the button into 已完成 with <c>update_template_card</c>; a repeated
/// callback, or a press after the task was closed in the sidebar, changes nothing more.
/// </summary>
public sealed class ManagerTaskCards(
    ManagerMessenger messenger,
    IStaffMessageLedger ledger,
    IFollowUpTasks tasks,
    ICustomerStore customers,
    IWeComAppMessages wecom,
    IOptions<ManagerMessagesOptions> options,
    TimeProvider time,
    ILogger<ManagerTaskCards> log) : IFollowUpNotices
{
    /// <summary>The button's key.</summary>
    public const string DoneKey = "followup_done";

    /// <summary>The button text before and after.</summary>
    public const string DoneText = "已跟进";

    /// <summary>The pressed button's new text.</summary>
    public const string ClosedText = "已完成";

    /// <inheritdoc />
    public async Task TaskRecordedAsync(FollowUpTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var name = (await customers.GetAsync(task.Tenant, task.CustomerId, cancellationToken).ConfigureAwait(false))?.Value.Name ?? "客户";
        var why = Why(task.Activity);
        var key = StaffMessageKeys.FollowUp(task.CampaignId, task.CustomerId);
        var card = new TemplateCard("button_interaction", new TemplateCardSource("私域助手 · 跟进任务"),
            new TemplateCardTitle($"请跟进：{name}", why),
            "客户刚刚与活动互动，建议今天内一对一联系。",
            [new TemplateCardField("客户", name), new TemplateCardField("原因", why), new TemplateCardField("活动", CampaignLabel(task.CampaignId))],
            key, [new TemplateCardButton(DoneText, 1, DoneKey)]);
        var text = $"跟进任务：{name}{why}（{CampaignLabel(task.CampaignId)}）。跟进后请在聊天工具栏中标记完成。";
        var outcome = await messenger.SendAsync(new StaffMessage(task.Tenant, task.ManagerId, key, StaffMessageKind.FollowUpTask, text, card,
            task.CustomerId, task.CampaignId), cancellationToken).ConfigureAwait(false);
        log.LogInformation("Task card {Key} for {ManagerId}: {Outcome}", key, task.ManagerId, outcome);
    }

    /// <summary>A button of one of our cards was pressed (<c>template_card_event</c>). Returns true when it closed a task now.</summary>
    public async Task<bool> ButtonPressedAsync(string tenant, string managerId, string taskId, string eventKey, string? responseCode, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        if (await ledger.GetAsync(tenant, managerId, taskId, cancellationToken).ConfigureAwait(false) is not var (row, etag))
        {
            log.LogWarning("template_card_event for unknown card {TaskId} of {ManagerId}", taskId, managerId);
            return false;
        }

        if (row.Kind != StaffMessageKind.FollowUpTask || eventKey != DoneKey || row.CampaignId is null || row.CustomerId is null)
        {
            log.LogInformation("template_card_event {EventKey} on {Kind} card {TaskId}: nothing to do", eventKey, row.Kind, taskId);
            return false;
        }

        var closed = await tasks.MarkDoneAsync(tenant, managerId, row.CampaignId, row.CustomerId, at, "card", cancellationToken).ConfigureAwait(false);
        // The callback's response_code updates the card (once, within 72 h); a press arriving again carries the same one.
        await UpdateCardOnceAsync(row, etag, responseCode ?? row.ResponseCode, at, cancellationToken).ConfigureAwait(false);
        return closed;
    }

    /// <summary>The manager marked a task done elsewhere (sidebar, API): closes it and updates its card with the
    /// response_code message/send returned. True when it closed the task now.</summary>
    public async Task<bool> MarkDoneAsync(string tenant, string managerId, string campaignId, string customerId, string via, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var closed = await tasks.MarkDoneAsync(tenant, managerId, campaignId, customerId, now, via, cancellationToken).ConfigureAwait(false);
        if (closed && await ledger.GetAsync(tenant, managerId, StaffMessageKeys.FollowUp(campaignId, customerId), cancellationToken).ConfigureAwait(false) is var (row, etag)
            && row.Status == StaffMessageStatus.Sent)
        {
            await UpdateCardOnceAsync(row, etag, row.ResponseCode, now, cancellationToken).ConfigureAwait(false);
        }

        return closed;
    }

    private async Task UpdateCardOnceAsync(StaffMessageRow row, string etag, string? responseCode, DateTimeOffset at, CancellationToken ct)
    {
        if (row.CardUpdated || responseCode is null || !options.Value.AgentIds.TryGetValue(row.Tenant, out var agentId))
        {
            return;
        }

        // Claim the update on the row first: of two concurrent deliveries of the same press only one calls WeCom.
        if (!await ledger.TryWriteAsync(row with { CardUpdated = true, ButtonPressedAt = row.ButtonPressedAt ?? at }, etag, ct).ConfigureAwait(false))
        {
            return;
        }

        var result = await wecom.UpdateTemplateCardAsync(row.Tenant,
            new TemplateCardUpdate([row.ManagerId], agentId, responseCode, new TemplateCardButtonReplacement(ClosedText)), ct).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            log.LogWarning("update_template_card for {Key} of {ManagerId} failed: {ErrCode} {Kind}", row.Key, row.ManagerId, error.Code, error.Kind);
        }
    }

    /// <summary>Why the manager should follow up, in the manager's words.</summary>
    public static string Why(string activity) => activity switch
    {
        "openedWelfarePage" => "打开了福利页",
        "answeredQuiz" => "参加了知识问答",
        "openedProductPage" => "查看了产品页",
        "intent" => "表达了意向（预约）",
        _ => "打开了活动链接",
    };

    /// <summary>A campaign id as managers read it: <c>payroll:E-7:2026-12</c> → 代发活动 E-7 2026-12.</summary>
    public static string CampaignLabel(string campaignId) =>
        campaignId.StartsWith("payroll:", StringComparison.Ordinal) && campaignId.Split(':') is [_, var employer, var month]
            ? $"代发活动 {employer} {month}"
            : campaignId;
}
