using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The delivery ledger with campaign counting: when delivery writes a final Sent or Refused outcome for a payroll
/// campaign's touch, the campaign counts it (reached, refused-by-policy) before the outcome is written — so a crash in
/// between is followed by a retry that counts nothing twice (counts are idempotent per customer) and loses nothing.
/// Other touches pass straight through; a campaign touch costs one extra point read of its row.
/// </summary>
public sealed class PayrollDeliveryCounts(IDeliveryLedger inner, PayrollEngagement engagement) : IDeliveryLedger
{
    /// <inheritdoc />
    public Task<LedgerTouch?> GetAsync(string tenant, TouchId id, CancellationToken cancellationToken) => inner.GetAsync(tenant, id, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryClaimAsync(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.TryClaimAsync(tenant, row, dispatchId, at, cancellationToken);

    /// <inheritdoc />
    public async Task SetOutcomeAsync(string tenant, TouchId id, TouchOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is TouchStatus.Sent or TouchStatus.Refused && PayrollCampaignJourney.IsCampaignInstance(tenant, id.InstanceId)
            && await inner.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } row)
        {
            await engagement.TouchOutcomeAsync(tenant, row.Touch, outcome.Status, cancellationToken).ConfigureAwait(false);
        }

        await inner.SetOutcomeAsync(tenant, id, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task NoteDeferralAsync(string tenant, TouchId id, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        inner.NoteDeferralAsync(tenant, id, reason, message, retryAt, cancellationToken);
}
