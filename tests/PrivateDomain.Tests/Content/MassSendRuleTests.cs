using PrivateDomain.Content;
using PrivateDomain.Journeys;
using PrivateDomain.Tests.Journeys;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

/// <summary>A mass-send step renders one text for every recipient of a manager, so the manager confirms one task.</summary>
public sealed class MassSendRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly ContentReviewer Compliance = new("li.hua", [ContentRoles.Compliance]);
    private static readonly JourneyCatalog Catalog = JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory);

    private static readonly TemplateFile[] Files = [.. MessageTemplateFolder.Load(MessagesDirectory)];

    private static JourneyDefinition Steps(string personal) => JourneyFixtures.Small(
        $$"""[ { "id": "note", "stage": "only", "channel": "oneToOne", "day": 1, "at": "10:00", "kind": "welfare", "content": "t.one"{{personal}} } ]""");

    [Fact]
    public void A_mass_send_step_whose_template_names_the_customer_is_refused_naming_the_placeholder_and_the_step()
    {
        var problem = Assert.Single(MassSendRule.Check([Steps("")], Template("{customer.name}您好，这是本月福利。")));

        Assert.Contains("{customer.name}", problem, StringComparison.Ordinal);
        Assert.Contains("step \"note\" of journey small v1", problem, StringComparison.Ordinal);
        Assert.Contains("\"personal\": true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_template_may_be_sent_by_a_step_marked_personal()
    {
        Assert.Empty(MassSendRule.Check([Steps(", \"personal\": true")], Template("{customer.name}您好，这是本月福利。")));
        Assert.True(Steps(", \"personal\": true").Steps[0].Personal);
    }

    [Fact]
    public void A_template_that_names_only_the_bank_and_the_manager_is_one_text_for_every_recipient()
    {
        Assert.Empty(MassSendRule.Check([Steps("")], Template("您好，{bank.name}的{employee.name}为您准备了本月福利。")));
    }

    [Fact]
    public void A_placeholder_in_a_link_title_counts_too()
    {
        var t = Template("本月福利", extra: """, "attachments": [ { "type": "link", "title": "{customer.name}的专属福利", "url": "{bank.site}/h5/w" } ]""");

        Assert.Equal(["customer.name"], MassSendRule.PerCustomerPlaceholders(t));
    }

    [Fact]
    public void Only_a_one_to_one_step_can_be_personal()
    {
        var e = Assert.Throws<JourneyDefinitionException>(() => JourneyFixtures.Small(
            """[ { "id": "post", "stage": "only", "channel": "moments", "day": 1, "at": "10:00", "kind": "values", "content": "t.m", "personal": true } ]"""));

        Assert.Contains(e.Errors, x => x.Contains("personal", StringComparison.Ordinal) && x.Contains("oneToOne", StringComparison.Ordinal));
    }

    [Fact]
    public void The_payroll_templates_in_use_before_this_rule_would_each_have_been_a_task_per_customer()
    {
        // v1 greeted the customer by name: each of D-5, D-4 and D-3 was one task per customer for the account manager.
        foreach (var id in new[] { "payroll.welfare", "payroll.quiz", "payroll.sales" })
        {
            var v1 = Files.Single(f => f.Template.Id == id && f.Template.Version == 1 && f.Scope == TemplateScope.Default).Template;
            Assert.Contains(MassSendRule.Check(Catalog.All, v1), p => p.Contains("payroll-campaign", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_step_of_every_published_journey_sends_one_text_to_all_recipients_of_a_manager()
    {
        var newest = Files.Where(f => f.Approval.Status == ApprovalStatus.Approved && f.Scope == TemplateScope.Default)
            .GroupBy(f => f.Template.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(f => f.Template.Version)!.Template);

        Assert.Empty(newest.SelectMany(t => MassSendRule.Check(Catalog.All, t)));
    }

    [Fact]
    public async Task Compliance_cannot_approve_a_version_a_mass_send_step_would_send_with_the_customer_s_name()
    {
        var store = new InMemoryContentStore();
        await store.PublishAsync(Screen, CancellationToken.None);
        var library = new ContentLibrary(store, store, store, new FixedTime(Now), Catalog);
        var t = Template("{customer.name}您好，{payroll.payday}就是发薪日啦！", kind: "payrollWelfare", id: "payroll.welfare", version: 9);
        await library.PublishAsync(TemplateScope.Default, t, "zhang.min", CancellationToken.None);
        var r = new TemplateRef(TemplateScope.Default, t.Id, t.Version);
        await library.SubmitAsync(r, "zhang.min", CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContentApprovalException>(() => library.ApproveAsync(r, Compliance, CancellationToken.None));

        Assert.Equal(ApprovalRefusal.PersonalTextInMassSend, e.Reason);
        Assert.Contains("{customer.name}", e.Message, StringComparison.Ordinal);
        Assert.Contains("step \"welfare\" of journey payroll-campaign", e.Message, StringComparison.Ordinal);
        Assert.NotEqual(ApprovalStatus.Approved, (await library.GetApprovalAsync(r, CancellationToken.None)).Status);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
