using PrivateDomain.Delivery.Sending;
using PrivateDomain.Journeys;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The delivery ledger with campaign counting. Outcomes are counted before they are written, so a crash in between is
/// followed by a retry that counts nothing twice (counts are idempotent) and loses nothing:
/// <list type="bullet">
/// <item>a dispatch's Sent touches once per dispatch (sent per step, reached per customer) — a few storage calls per
/// WeCom task rather than several per touch;</item>
/// <item>a Refused campaign touch per customer (refused-by-policy), at the cost of one point read of its row (refusals
/// come one at a time, before any dispatch).</item>
/// </list>
/// Other touches pass straight through.
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
        if (outcome.Status == TouchStatus.Refused && PayrollCampaignJourney.IsCampaignInstance(tenant, id.InstanceId)
            && await inner.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false) is { } row)
        {
            await engagement.TouchRefusedAsync(tenant, row.Touch, cancellationToken).ConfigureAwait(false);
        }

        await inner.SetOutcomeAsync(tenant, id, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetDispatchOutcomesAsync(string tenant, string dispatchId, IReadOnlyList<TouchResult> results, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        await engagement.DispatchSentAsync(tenant, dispatchId, [.. results.Where(r => r.Outcome.Status == TouchStatus.Sent).Select(r => r.Touch)], cancellationToken)
            .ConfigureAwait(false);
        await inner.SetDispatchOutcomesAsync(tenant, dispatchId, results, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task NoteDeferralAsync(string tenant, TouchId id, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        inner.NoteDeferralAsync(tenant, id, reason, message, retryAt, cancellationToken);
}
