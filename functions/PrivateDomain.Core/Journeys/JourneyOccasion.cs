using System.Collections.Immutable;

namespace PrivateDomain.Journeys;

/// <summary>
/// A dated occasion a journey runs for — a payroll campaign: the local dates its days fall on (D-5, D-4, D-3, which in
/// working days need not be consecutive), the campaign id its touches carry, and the payday its copy names. The engine
/// stays pure: the driver passes the occasion at start and it is pinned in the state like the definition.
/// </summary>
/// <param name="Campaign">The campaign id (also the journey's occurrence key).</param>
/// <param name="Days">Day 1, 2, … of the journey as local dates, strictly increasing.</param>
/// <param name="Payday">The payday, for <c>{payroll.payday}</c>.</param>
public sealed record JourneyOccasion(string Campaign, ImmutableArray<DateOnly> Days, DateOnly? Payday);
