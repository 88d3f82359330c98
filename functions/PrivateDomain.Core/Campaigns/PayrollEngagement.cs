using Microsoft.Extensions.Logging;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Campaigns;

/// <summary>
/// What customers do with a campaign, turned into counts and follow-up work: a touch sent or refused (reached,
/// refused-by-policy), a tracked link of the campaign opened — the welfare page, the quiz, the product page — (engaged,
/// and a 1:1 follow-up task for the customer's account manager), a purchase after the campaign started (converted).
/// Every entry point is idempotent per customer and campaign, so retried dispatches, second clicks and replayed signals
/// change nothing. A customer is in a campaign when its journey exists under the campaign's instance id, run by either
/// driver: a row of its own (the local host's runner) or a member of a cohort (the Durable cohort mode on Azure).
/// </summary>
public sealed class PayrollEngagement(
    IPayrollCampaigns campaigns,
    IJourneyStore journeys,
    ICohortStates cohorts,
    ICustomerStore customers,
    IPayrollCounts counts,
    IFollowUpTasks tasks,
    PayrollCalendars calendars,
    IFollowUpNotices notices,
    ILogger<PayrollEngagement> log)
{
    /// <summary>A campaign touch was refused by the delivery policy or for its content: counts refused-by-policy (per
    /// step and per customer).</summary>
    public async Task TouchRefusedAsync(string tenant, Touch touch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(touch);
        if (touch.Campaign is not { } campaignId)
        {
            return;
        }

        await counts.CountAsync(tenant, campaignId, PayrollMetrics.RefusedStep(touch.Id.StepId), touch.CustomerId, cancellationToken).ConfigureAwait(false);
        await counts.CountAsync(tenant, campaignId, PayrollMetrics.Refused, touch.CustomerId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>WeCom accepted a dispatch carrying these touches: counts them as sent (per step) and their customers as
    /// reached, once per dispatch. Touches of other campaigns or none are ignored.</summary>
    public async Task DispatchSentAsync(string tenant, string dispatchId, IReadOnlyCollection<Touch> sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sent);
        foreach (var campaign in sent.Where(t => t.Campaign is not null).GroupBy(t => (Campaign: t.Campaign!, t.SenderId)))
        {
            await counts.CountDispatchAsync(tenant, campaign.Key.Campaign, campaign.Key.SenderId, dispatchId, [.. campaign.Select(t => (t.CustomerId, t.Id.StepId))],
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The customer opened a tracked link of the campaign (<paramref name="stepId"/> says which page).</summary>
    /// <returns>The follow-up task, or null if the customer is not in the campaign.</returns>
    public async Task<FollowUpTask?> EngagedAsync(string tenant, string campaignId, string customerId, string? stepId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (await JourneyOfAsync(tenant, customerId, campaignId, cancellationToken).ConfigureAwait(false) is not { } journey)
        {
            log.LogInformation("Customer {CustomerId} opened a link of campaign {CampaignId} but is not in it", customerId, campaignId);
            return null;
        }

        // The task first: a crash before the count leaves a task (what the account manager needs) and the retry counts.
        var task = new FollowUpTask(tenant, journey.SenderId, customerId, campaignId, PayrollCampaignJourney.Activity(stepId), at);
        await tasks.AddIfAbsentAsync(task, cancellationToken).ConfigureAwait(false);
        await notices.TaskRecordedAsync(task, cancellationToken).ConfigureAwait(false);
        await counts.CountAsync(tenant, campaignId, PayrollMetrics.Engaged, customerId, cancellationToken).ConfigureAwait(false);
        return task;
    }

    /// <summary>The customer bought a product at <paramref name="at"/>: counts a conversion for each campaign of their
    /// employer they were enrolled in that started before it (this pay month's, last month's or next month's).</summary>
    public async Task<int> ConvertedAsync(string tenant, string customerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var employer = (await customers.GetAsync(tenant, customerId, cancellationToken).ConfigureAwait(false))?.Value.Payroll?.EmployerId;
        if (employer is null)
        {
            return 0;
        }

        var month = PayMonth.Of(calendars.DateAt(at));
        var converted = 0;
        foreach (var m in new[] { month.AddMonths(-1), month, month.AddMonths(1) })
        {
            var campaignId = PayrollCampaignId.For(employer, m);
            if (await campaigns.GetAsync(tenant, campaignId, cancellationToken).ConfigureAwait(false) is { } campaign && campaign.StartedAt <= at
                && await JourneyOfAsync(tenant, customerId, campaignId, cancellationToken).ConfigureAwait(false) is not null
                && await counts.CountAsync(tenant, campaignId, PayrollMetrics.Converted, customerId, cancellationToken).ConfigureAwait(false))
            {
                converted++;
            }
        }

        return converted;
    }

    /// <summary>The customer's journey in the campaign, whichever driver runs it; null if they are not in it.</summary>
    private async Task<JourneyState?> JourneyOfAsync(string tenant, string customerId, string campaignId, CancellationToken cancellationToken)
    {
        var instanceId = PayrollCampaignJourney.InstanceId(tenant, customerId, campaignId);
        if (await journeys.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is var (record, _))
        {
            return record.State;
        }

        return (await cohorts.FindAsync(tenant, customerId, instanceId, cancellationToken).ConfigureAwait(false))?.State;
    }
}
