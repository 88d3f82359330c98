using PrivateDomain.Customers;

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

    /// <summary>The per-customer instances of the customer's journeys that the signal should wake; none for kinds journeys ignore.</summary>
    public static IReadOnlyList<string> InstancesToWake(JourneyCatalog catalog, CustomerSignal signal)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(signal);
        if (JourneyInbox.ToEvent(signal.Kind, signal.At, null) is null)
        {
            return [];
        }

        if (signal.Data.TryGetValue(JourneyInbox.InstanceIdKey, out var target) && target.Length > 0)
        {
            return [target];
        }

        return [.. catalog.All.Select(d => d.Id).Distinct(StringComparer.Ordinal)
            .Select(journey => JourneyInstanceId.For(signal.Tenant, journey, signal.CustomerId))];
    }

    /// <summary>For an abandoned loan application, the occurrence key of the check-in journey it starts (the
    /// application id, so each application gets its own journey once); otherwise null.</summary>
    public static string? LoanCheckInOccurrence(CustomerSignal signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return signal.Kind != SignalKinds.LoanApplicationAbandoned ? null
            : signal.Data.TryGetValue("applicationId", out var application) && application.Length > 0 ? application : signal.Id;
    }
}
