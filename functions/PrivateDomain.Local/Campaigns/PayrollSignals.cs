using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Local.Journeys;

namespace PrivateDomain.Local.Campaigns;

/// <summary>
/// Routes pool signals to payroll campaigns after the journey router has stored and routed them: a click on a tracked
/// link that carries a campaign (its welfare page, quiz or product page) marks the customer engaged and gives their
/// account manager a follow-up task; a purchase (converted) counts for the campaigns the customer was enrolled in.
/// </summary>
public sealed class PayrollSignals(JourneySignalRouter journeys, PayrollEngagement engagement) : ISignalInbox
{
    /// <inheritdoc />
    public async Task RaiseAsync(CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        await journeys.RaiseAsync(signal, cancellationToken).ConfigureAwait(false);
        switch (signal.Kind)
        {
            // A campaign page's view (clicked), claim or quiz (joined-activity) and 预约 (intent) name the step in "step".
            case SignalKinds.Clicked or "joined-activity" or "intent" when signal.Data.TryGetValue("campaign", out var campaign) && campaign.Length > 0:
                await engagement.EngagedAsync(signal.Tenant, campaign, signal.CustomerId,
                    PayrollCampaignJourney.StepOf(signal.Data.GetValueOrDefault("touchId")) ?? signal.Data.GetValueOrDefault("step"), signal.At, cancellationToken).ConfigureAwait(false);
                break;
            case SignalKinds.Converted:
                await engagement.ConvertedAsync(signal.Tenant, signal.CustomerId, signal.At, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<CustomerSignal> ListAsync(string tenant, string customerId, CancellationToken cancellationToken) =>
        journeys.ListAsync(tenant, customerId, cancellationToken);
}
