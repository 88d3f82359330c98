using PrivateDomain.Content;
using PrivateDomain.Journeys;
using PrivateDomain.Tests.Journeys;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class JourneyContentTests
{
    private static readonly Dictionary<string, TemplateFile> Library = MessageTemplateFolder.Load(MessagesDirectory)
        .Where(f => f.Approval.Status == ApprovalStatus.Approved)
        .GroupBy(f => f.Template.Id, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.MaxBy(f => f.Template.Version)!, StringComparer.Ordinal);

    public static TheoryData<string, string> Steps()
    {
        var data = new TheoryData<string, string>();
        foreach (var d in JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory).All)
        {
            foreach (var s in d.Steps)
            {
                data.Add(d.Id, s.Id);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_journey_step_names_an_approved_default_template_of_its_kind_and_channel(string journey, string step)
    {
        var s = JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory).Get(journey).Steps.Single(x => x.Id == step);

        Assert.True(Library.TryGetValue(s.Content, out var content), $"{journey}/{step}: no approved template \"{s.Content}\" in content-templates/messages/default");
        Assert.Equal(s.Kind, ContentNames.Of(content.Template.Kind));
        Assert.Equal(s.Channel, content.Template.Channel);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Every_3W_script_a_step_names_is_an_approved_one_to_one_3W_template(string journey, string step)
    {
        var s = JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory).Get(journey).Steps.Single(x => x.Id == step);
        if (s.IntentContent is null)
        {
            return;
        }

        Assert.True(Library.TryGetValue(s.IntentContent, out var script), $"{journey}/{step}: no approved template \"{s.IntentContent}\"");
        Assert.Contains(script.Template.Kind, new[] { ContentKind.ThreeWWhat, ContentKind.ThreeWWhy, ContentKind.ThreeWWhyNow });
        Assert.Equal(Channel.OneToOne, script.Template.Channel);
    }

    [Fact]
    public void The_AIDA_plan_uses_what_why_and_why_now_in_that_order()
    {
        var intents = JourneyFixtures.Aida.Steps.Where(s => s.IntentContent is not null).Select(s => Library[s.IntentContent!].Template.Kind);

        Assert.Equal([ContentKind.ThreeWWhat, ContentKind.ThreeWWhy, ContentKind.ThreeWWhyNow], intents);
    }

    [Theory]
    [InlineData("welcome.default", ContentKind.Welcome)]
    [InlineData("payroll.welfare", ContentKind.PayrollWelfare)]
    [InlineData("payroll.quiz", ContentKind.PayrollQuiz)]
    [InlineData("payroll.sales", ContentKind.PayrollSales)]
    [InlineData("payroll.follow-up", ContentKind.FollowUp)]
    public void The_welcome_and_payroll_flows_have_approved_templates(string id, ContentKind kind)
    {
        Assert.Equal(kind, Library[id].Template.Kind);
        Assert.Equal(Channel.OneToOne, Library[id].Template.Channel);
    }
}
