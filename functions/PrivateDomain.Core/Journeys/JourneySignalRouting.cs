using PrivateDomain.Customers;
using PrivateDomain.Journeys.Running;

namespace PrivateDomain.Journeys;

/// <summary>
/// Where a customer signal goes once it is in the inbox, for every host: the per-customer journeys it wakes (so a
/// "deleted us" ends them at once rather than at the next send), and the check-in journey an abandoned loan application
/// starts. Cohort journeys are not woken: they read the inbox at their next wake-up, before any further touch.
/// </summary>
public static class JourneySignalRouting
{
    /// <summary>The journey an abandoned loan application starts.</summary>
    public const string LoanJourney = "loan-abandoned-checkin";

    /// <summary>
    /// The per-customer instances the signal should wake: the one an operator's signal names, else every instance of the
    /// customer's that has not ended, from the start rows (<see cref="IJourneyStarts"/>). The rows, not a computed id,
    /// because a recurring journey's instance id carries an occurrence key the signal does not know (the loan check-in
    /// journey's is the application id). None for kinds journeys ignore.
    /// </summary>
    public static async Task<IReadOnlyList<string>> InstancesToWakeAsync(IJourneyStarts starts, CustomerSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(signal);
        if (JourneyInbox.ToEvent(signal.Kind, signal.At, null) is null)
        {
            return [];
        }

        if (signal.Data.TryGetValue(JourneyInbox.InstanceIdKey, out var target) && target.Length > 0)
        {
            return [target];
        }

        var instances = new List<string>();
        await foreach (var row in starts.ListAsync(signal.Tenant, signal.CustomerId, cancellationToken).ConfigureAwait(false))
        {
            if (row.Status != JourneyStartStatus.Ended)
            {
                instances.Add(row.InstanceId);
            }
        }

        return instances;
    }

    /// <summary>
    /// The journeys a dynamic tag's appearance (<c>tag-added</c>) or disappearance (<c>tag-removed</c>) starts: published
    /// definitions (latest version of each id) whose trigger is the signal <c>tagAdded</c> / <c>tagRemoved</c> with that
    /// tag. With each, the occurrence key: the signal id for a recurring journey (each appearance runs it again), else null.
    /// </summary>
    public static IReadOnlyList<(string JourneyId, string? Occurrence)> TagJourneys(JourneyCatalog catalog, CustomerSignal signal)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(signal);
        var trigger = signal.Kind switch { "tag-added" => "tagAdded", "tag-removed" => "tagRemoved", _ => null };
        if (trigger is null || !signal.Data.TryGetValue("tag", out var tag))
        {
            return [];
        }

        return catalog.All.Where(d => d.Published).GroupBy(d => d.Id, StringComparer.Ordinal).Select(g => g.MaxBy(d => d.Version)!)
            .Where(d => d.Trigger is { Kind: "signal" } t && t.Signal == trigger && t.Tag == tag)
            .Select(d => (d.Id, d.Trigger.Recurs ? InputSafe(signal.Id) : null))
            .ToList();
    }

    // An occurrence key allows letters, digits and - _ . : only.
    private static string InputSafe(string id) => new([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' ? c : '-').Take(64)]);

    /// <summary>For an abandoned loan application, the occurrence key of the check-in journey it starts (the
    /// application id, so each application gets its own journey once); otherwise null.</summary>
    public static string? LoanCheckInOccurrence(CustomerSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return signal.Kind != SignalKinds.LoanApplicationAbandoned ? null
            : signal.Data.TryGetValue("applicationId", out var application) && application.Length > 0 ? application : signal.Id;
    }
}
