using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.Journeys;

/// <summary>
/// Deterministic instance ids: the same tenant, journey, customer (and occurrence, for recurring journeys) always give
/// the same id, so starting a journey twice finds the running one. Durable caps instance ids at 100 characters and
/// forbids <c>/ \ # ?</c>; an id that would be longer keeps a readable prefix and ends in a hash of the whole.
/// </summary>
public static class JourneyInstanceId
{
    /// <summary>The longest id produced.</summary>
    public const int MaxLength = 100;

    /// <summary><c>{tenant}:{journey}:{customer}[:{occurrence}]</c>, made safe for Durable.</summary>
    public static string For(string tenant, string journeyId, string customerId, string? occurrence = null)
    {
        var raw = occurrence is null ? $"{tenant}:{journeyId}:{customerId}" : $"{tenant}:{journeyId}:{customerId}:{occurrence}";
        return Safe(raw);
    }

    /// <summary><c>{tenant}:cohort:{journey}:{yyyyMMdd}:{sender}[:{occurrence}]</c>, made safe for Durable: the cohort
    /// orchestration's id. Its second part is <c>cohort</c>, where a customer's instance id has its journey.</summary>
    public static string ForCohort(string tenant, string journeyId, DateOnly startDay, string senderId, string? occurrence = null) =>
        Safe(occurrence is null
            ? string.Create(CultureInfo.InvariantCulture, $"{tenant}:cohort:{journeyId}:{startDay:yyyyMMdd}:{senderId}")
            : string.Create(CultureInfo.InvariantCulture, $"{tenant}:cohort:{journeyId}:{startDay:yyyyMMdd}:{senderId}:{occurrence}"));

    /// <summary><c>{tenant}:campaign:{campaignId}</c>, made safe for Durable: the orchestration that enrols a payroll
    /// campaign's cohorts (one per account manager) and runs them.</summary>
    public static string ForCampaign(string tenant, string campaignId) => Safe($"{tenant}:campaign:{campaignId}");

    private static string Safe(string raw)
    {
        var safe = raw.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');
        if (safe.Length <= MaxLength && safe == raw)
        {
            return safe;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..16];
        return safe.Length + 1 + hash.Length <= MaxLength ? $"{safe}~{hash}" : $"{safe[..(MaxLength - 17)]}~{hash}";
    }
}
