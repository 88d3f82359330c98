using Microsoft.DurableTask.Client;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Functions.Journeys;

/// <summary>
/// The operator API's journey operations on Azure, over Durable Functions: start through the start row, read Durable's
/// status with the ledger, signal into the inbox and then nudge, cancel by terminating and ending the start row. An
/// instance belongs to the tenant in its orchestration input; another tenant's id reads as not found.
/// </summary>
public sealed class DurableJourneyOperations(
    DurableTaskClient client, IJourneyStarts starts, ITouchLedger ledger, ISignalInbox inbox, JourneyCatalog catalog, JourneyEngine engine, TimeProvider time)
    : IJourneyOperations
{
    /// <inheritdoc />
    public Task<(string InstanceId, bool Started)> StartAsync(string tenant, StartJourney request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return JourneyOrchestration.StartAsync(client, starts, catalog, engine, time, tenant, request.JourneyId, request.CustomerId, request.SenderId,
            request.Occurrence, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JourneyView?> GetAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (metadata, input))
        {
            return null;
        }

        var s = input.State;
        var progress = metadata.SerializedCustomStatus is null ? null : metadata.ReadCustomStatusAs<JourneyProgress>();
        var ended = metadata.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated;
        var endReason = ended ? metadata.ReadOutputAs<string>() : null;
        if (ended && Enum.TryParse<JourneyEnd>(endReason, out var reason))
        {
            await starts.EndAsync(tenant, s.CustomerId, instanceId, reason, cancellationToken).ConfigureAwait(false);
        }

        return new JourneyView(instanceId, s.JourneyId, s.Version, s.CustomerId, s.SenderId, Status(metadata.RuntimeStatus), endReason,
            progress?.Round ?? s.Round, ended ? null : progress?.NextWakeAt, progress?.Intent ?? s.Intent, progress?.Reactions ?? s.Reactions)
        {
            Touches = await ledger.ListAsync(tenant, instanceId, s.SenderId, s.Campaign, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async Task<bool> SignalAsync(string tenant, string instanceId, string kind, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (metadata, input) || metadata.IsCompleted)
        {
            return false;
        }

        // Inbox first: the orchestration reads the signal from there (a nudge Durable drops loses nothing).
        var now = time.GetUtcNow();
        var signalId = $"operator:{instanceId}:{kind}:{now.UtcTicks}";
        await inbox.RaiseAsync(new CustomerSignal(tenant, input.State.CustomerId, signalId, kind, now,
            new Dictionary<string, string> { [JourneyInbox.InstanceIdKey] = instanceId }), cancellationToken).ConfigureAwait(false);
        await client.RaiseEventAsync(instanceId, JourneyOrchestration.SignalEvent, new SignalNudge(signalId), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(tenant, instanceId, cancellationToken).ConfigureAwait(false) is not var (metadata, input) || metadata.IsCompleted)
        {
            return false;
        }

        await client.TerminateInstanceAsync(instanceId, (object)JourneyEnd.Cancelled.ToString(), cancellationToken).ConfigureAwait(false);
        await starts.EndAsync(tenant, input.State.CustomerId, instanceId, JourneyEnd.Cancelled, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<(OrchestrationMetadata Metadata, JourneyInput Input)?> ReadAsync(string tenant, string instanceId, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return metadata?.ReadInputAs<JourneyInput>() is { } input && input.Tenant == tenant && metadata.Name == nameof(JourneyOrchestration.JourneyOrchestrator)
            ? (metadata, input)
            : null;
    }

    /// <summary>Durable's runtime status in the local host's words where they mean the same.</summary>
    private static string Status(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending => nameof(JourneyStatus.Running),
        OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated => nameof(JourneyStatus.Completed),
        var other => other.ToString(),
    };
}
