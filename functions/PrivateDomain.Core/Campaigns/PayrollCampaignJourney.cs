using System.Collections.Immutable;
using PrivateDomain.Journeys;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The payroll campaign as a journey: <c>content-templates/journeys/payroll-campaign.v*.json</c> (welfare D-5, quiz
/// D-4, finance content with a product D-3), started per customer with the campaign id as occurrence and the window's
/// dates and payday as the occasion, so the engine schedules the steps on the campaign's real days.
/// </summary>
public static class PayrollCampaignJourney
{
    /// <summary>The journey definition's id.</summary>
    public const string JourneyId = "payroll-campaign";

    /// <summary>The occasion a campaign's journeys run for: its id, D-5/D-4/D-3 and the payday.</summary>
    public static JourneyOccasion Occasion(PayrollCampaign campaign)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return new JourneyOccasion(campaign.CampaignId, [.. campaign.CampaignDays], campaign.Payday);
    }

    /// <summary>The instance id of <paramref name="customerId"/>'s journey in <paramref name="campaignId"/>.</summary>
    public static string InstanceId(string tenant, string customerId, string campaignId) =>
        JourneyInstanceId.For(tenant, JourneyId, customerId, campaignId);

    /// <summary>True if a touch id belongs to a payroll campaign journey (the readable prefix survives hashing).</summary>
    public static bool IsCampaignInstance(string tenant, string instanceId) =>
        instanceId.StartsWith($"{tenant}:{JourneyId}:", StringComparison.Ordinal);

    /// <summary>What a customer did, from the step whose tracked link they opened: the welfare page, the quiz, the
    /// product page.</summary>
    public static string Activity(string? stepId) => stepId switch
    {
        "welfare" => "openedWelfarePage",
        "quiz" => "answeredQuiz",
        "sales" => "openedProductPage",
        _ => "openedLink",
    };

    /// <summary>The step id of a touch id (<c>{instance}/r{round}/{step}</c>), or null.</summary>
    public static string? StepOf(string? touchId) =>
        touchId is { Length: > 0 } && touchId.LastIndexOf('/') is var i and >= 0 ? touchId[(i + 1)..] : null;

    /// <summary>The steps in order, as the counts name them.</summary>
    public static ImmutableArray<string> Steps { get; } = ["welfare", "quiz", "sales"];
}
