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
    public Task<LedgerTouch?> GetAsync(string tenant, TouchRef touch, CancellationToken cancellationToken) => inner.GetAsync(tenant, touch, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<TouchId, LedgerTouch>> GetManyAsync(string tenant, IReadOnlyCollection<Touch> touches, CancellationToken cancellationToken) =>
        inner.GetManyAsync(tenant, touches, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryClaimAsync(string tenant, LedgerTouch row, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.TryClaimAsync(tenant, row, dispatchId, at, cancellationToken);

    /// <inheritdoc />
    public Task<bool[]> TryClaimManyAsync(string tenant, IReadOnlyList<LedgerTouch> rows, string dispatchId, DateTimeOffset at, CancellationToken cancellationToken) =>
        inner.TryClaimManyAsync(tenant, rows, dispatchId, at, cancellationToken);

    /// <inheritdoc />
    public async Task SetOutcomeAsync(string tenant, TouchRef touch, TouchOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await CountRefusalAsync(tenant, touch, outcome, cancellationToken).ConfigureAwait(false);
        await inner.SetOutcomeAsync(tenant, touch, outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetOutcomesAsync(string tenant, IReadOnlyList<(TouchRef Touch, TouchOutcome Outcome)> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var (touch, outcome) in outcomes)
        {
            await CountRefusalAsync(tenant, touch, outcome, cancellationToken).ConfigureAwait(false);
        }

        await inner.SetOutcomesAsync(tenant, outcomes, cancellationToken).ConfigureAwait(false);
    }

    private async Task CountRefusalAsync(string tenant, TouchRef touch, TouchOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Status == TouchStatus.Refused && touch.Campaign is not null
            && await inner.GetAsync(tenant, touch, cancellationToken).ConfigureAwait(false) is { } row)
        {
            await engagement.TouchRefusedAsync(tenant, row.Touch, cancellationToken).ConfigureAwait(false);
        }
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
    public Task NoteDeferralAsync(string tenant, TouchRef touch, string reason, string message, DateTimeOffset retryAt, CancellationToken cancellationToken) =>
        inner.NoteDeferralAsync(tenant, touch, reason, message, retryAt, cancellationToken);
}
