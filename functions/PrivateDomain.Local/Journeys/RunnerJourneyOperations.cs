using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Local.Journeys;

/// <summary>The operator API's journey operations on the local host: the local runner and its instance rows.</summary>
public sealed class RunnerJourneyOperations(JourneyRunner runner, IJourneyStore store, ITouchLedger ledger, TimeProvider time) : IJourneyOperations
{
    /// <inheritdoc />
    public Task<(string InstanceId, bool Started)> StartAsync(string tenant, StartJourney request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return runner.StartAsync(tenant, request.JourneyId, request.CustomerId, request.SenderId, request.Occurrence, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JourneyView?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (r, _))
        {
            return null;
        }

        var s = r.State;
        return new JourneyView(s.InstanceId, s.JourneyId, s.Version, s.CustomerId, s.SenderId, r.Status.ToString(), r.EndReason?.ToString(),
            s.Round, r.NextWakeAt, s.Intent, s.Reactions)
        {
            Touches = await ledger.ListAsync(tenant, instanceId, s.SenderId, s.Campaign, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public Task<bool> SignalAsync(string tenant, string instanceId, string kind, CancellationToken cancellationToken) =>
        JourneySignals.ToEvent(kind, time.GetUtcNow()) is { } journeyEvent
            ? runner.SignalAsync(tenant, instanceId, journeyEvent, cancellationToken)
            : throw new ArgumentException($"'{kind}' is not a journey signal kind.", nameof(kind));

    /// <inheritdoc />
    public Task<bool> CancelAsync(string tenant, string instanceId, CancellationToken cancellationToken) =>
        runner.CancelAsync(tenant, instanceId, cancellationToken);
}
