using PrivateDomain.Campaigns;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;

namespace PrivateDomain.Tests.Campaigns;

/// <summary>A payroll campaign's cohorts (one per account manager) keep the per-customer driver's instance ids, so touch
/// ids and ledger rows are the same whichever driver runs a customer; their own ids are valid Durable instance ids.</summary>
public sealed class PayrollCohortKeyTests
{
    private static PayrollCampaign Campaign(string employer) =>
        new("demo", PayrollCampaignId.For(employer, new PayMonth(2026, 11)), employer, new PayMonth(2026, 11), new DateOnly(2026, 11, 19),
            [new DateOnly(2026, 11, 12), new DateOnly(2026, 11, 13), new DateOnly(2026, 11, 16)], DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_members_instance_id_is_the_per_customer_journeys_and_the_cohort_is_the_campaigns_and_the_managers()
    {
        var campaign = Campaign("E-ACME");
        var cohort = PayrollCohortEnrolment.CohortOf(campaign, "am01");

        Assert.Equal(PayrollCampaignJourney.InstanceId("demo", "c1", campaign.CampaignId), cohort.MemberInstanceId("c1"));
        Assert.Equal((PayrollCampaignJourney.JourneyId, new DateOnly(2026, 11, 12), "am01"), (cohort.JourneyId, cohort.StartDay, cohort.SenderId));
        Assert.Equal("payroll-campaign|20261112|am01|payroll:E-ACME:2026-11", cohort.Id);
        Assert.Equal("demo:cohort:payroll-campaign:20261112:am01:payroll:E-ACME:2026-11", cohort.InstanceId);
        Assert.NotEqual(cohort.InstanceId, PayrollCohortEnrolment.CohortOf(Campaign("E-OTHER"), "am01").InstanceId);
        Assert.NotEqual(cohort.InstanceId, new CohortKey("demo", PayrollCampaignJourney.JourneyId, cohort.StartDay, "am01").InstanceId);
        Assert.Equal("demo:campaign:payroll:E-ACME:2026-11", JourneyInstanceId.ForCampaign("demo", campaign.CampaignId));
    }

    [Fact]
    public void Long_or_unsafe_employer_and_manager_ids_still_give_distinct_durable_instance_ids()
    {
        var employer = new string('E', 90) + "/#?";
        var a = PayrollCohortEnrolment.CohortOf(Campaign(employer), new string('m', 64));
        var b = PayrollCohortEnrolment.CohortOf(Campaign(employer + "x"), new string('m', 64));

        foreach (var id in new[] { a.InstanceId, b.InstanceId, JourneyInstanceId.ForCampaign("demo", a.Occurrence!) })
        {
            Assert.InRange(id.Length, 1, JourneyInstanceId.MaxLength);
            Assert.DoesNotContain(id, c => c is '/' or '\\' or '#' or '?');
        }

        Assert.NotEqual(a.InstanceId, b.InstanceId);
    }
}
