using System.Text;
using PrivateDomain.Journeys;

namespace PrivateDomain.Tests.Journeys;

public sealed class JourneyDefinitionTests
{
    private const string Valid = """
        { "id": "j", "version": 1, "title": "t", "status": "draft", "trigger": { "kind": "enrolment" },
          "startsOn": "nextDay", "rounds": 1, "roundDays": 3,
          "stages": [ { "name": "only", "fromDay": 1, "toDay": 3 } ],
          "exits": ["converted", "optedOut", "managerDeleted"],
          "steps": [ { "id": "s1", "stage": "only", "channel": "oneToOne", "day": 1, "at": "10:00", "kind": "welfare", "content": "c" } ] }
        """;

    private static JourneyDefinitionException Invalid(string json) =>
        Assert.Throws<JourneyDefinitionException>(() => JourneyDefinitionReader.Read(Encoding.UTF8.GetBytes(json), "j.v1.json"));

    private static string Step(string replace, string with) => Valid.Replace(replace, with, StringComparison.Ordinal);

    [Fact]
    public void The_shipped_journeys_load_and_are_published_with_their_pinned_hashes()
    {
        var catalog = JourneyCatalog.Load(JourneyFixtures.DefinitionsDirectory);

        Assert.Equal(["aida-nurture v1", "high-intent-followup v1", "loan-abandoned-checkin v1", "payroll-campaign v1"], catalog.All.Select(d => d.ToString()));
        Assert.All(catalog.All, d => Assert.True(d.Published));
        Assert.Equal("signal", catalog.Get("loan-abandoned-checkin").Trigger.Kind);
        Assert.True(catalog.Get("loan-abandoned-checkin").Trigger.Recurs);
        Assert.Equal(new JourneyTrigger("signal", "tagAdded", false, "高意向"), catalog.Get("high-intent-followup").Trigger);
    }

    [Fact]
    public void A_tag_trigger_must_name_its_tag()
    {
        var e = Invalid(Valid.Replace("\"trigger\": { \"kind\": \"enrolment\" }", "\"trigger\": { \"kind\": \"signal\", \"signal\": \"tagAdded\" }", StringComparison.Ordinal));

        Assert.Contains(e.Errors, x => x.StartsWith("trigger.tag:", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_tag_signals_name_a_tag()
    {
        var e = Invalid(Valid.Replace("\"trigger\": { \"kind\": \"enrolment\" }", "\"trigger\": { \"kind\": \"signal\", \"signal\": \"applicationAbandoned\", \"tag\": \"高意向\" }", StringComparison.Ordinal));

        Assert.Contains(e.Errors, x => x.StartsWith("trigger.tag: only", StringComparison.Ordinal));
    }

    [Fact]
    public void Aida_encodes_the_A_bank_plan_two_rounds_of_twelve_days_with_seven_one_to_one_and_seven_Moments_steps()
    {
        var aida = JourneyFixtures.Aida;

        Assert.Equal((2, 12), (aida.Rounds, aida.RoundDays));
        Assert.Equal(7, aida.Steps.Count(s => s.Channel == Channel.OneToOne));
        Assert.Equal(7, aida.Steps.Count(s => s.Channel == Channel.Moments));
        Assert.Equal(3, aida.Steps.Count(s => s.IntentContent is not null && s.Stage == "action"));
    }

    [Fact]
    public void A_valid_definition_reads()
    {
        var d = JourneyDefinitionReader.Read(Encoding.UTF8.GetBytes(Valid), "j.v1.json");

        Assert.Equal(new TimeOnly(10, 0), d.Steps[0].At);
        Assert.StartsWith("sha256:", d.ContentHash, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_channel_is_named_with_its_step_and_field()
    {
        var e = Invalid(Step("\"oneToOne\"", "\"moment\""));

        Assert.Contains("steps[0] \"s1\".channel: \"moment\" is not a channel; use oneToOne, moments or group", e.Errors);
    }

    [Fact]
    public void A_step_outside_its_stage_days_is_refused()
    {
        var e = Invalid(Step("\"toDay\": 3", "\"toDay\": 3 }, { \"name\": \"late\", \"fromDay\": 3, \"toDay\": 3").Replace("\"stage\": \"only\"", "\"stage\": \"late\"", StringComparison.Ordinal));

        Assert.Contains("steps[0] \"s1\".day: 1 is outside stage \"late\" (days 3–3)", e.Errors);
    }

    [Fact]
    public void A_step_needs_exactly_one_of_day_or_after_hours()
    {
        var e = Invalid(Step("\"day\": 1,", "\"day\": 1, \"afterHours\": 2,"));

        Assert.Contains("steps[0] \"s1\": give exactly one of day (with at) or afterHours", e.Errors);
    }

    [Fact]
    public void A_malformed_time_says_how_to_write_it()
    {
        var e = Invalid(Step("\"10:00\"", "\"10am\""));

        Assert.Contains("steps[0] \"s1\".at: \"10am\" is not a local time; write HH:mm, e.g. \"10:00\"", e.Errors);
    }

    [Fact]
    public void An_unknown_field_is_refused_so_a_typo_cannot_silently_drop_the_3W_script()
    {
        var e = Invalid(Step("\"content\": \"c\"", "\"content\": \"c\", \"intentContnet\": \"3w.what\""));

        Assert.Contains(e.Errors, x => x.StartsWith("steps[0] \"s1\".intentContnet: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void The_3W_script_is_refused_on_a_Moments_step()
    {
        var e = Invalid(Step("\"oneToOne\"", "\"moments\"").Replace("\"content\": \"c\"", "\"content\": \"c\", \"intentContent\": \"3w.what\"", StringComparison.Ordinal));

        Assert.Contains("steps[0] \"s1\".intentContent: the 3W script is a personal 1:1 script; only oneToOne steps take it", e.Errors);
    }

    [Fact]
    public void Exits_must_include_opting_out_and_deleting_the_account_manager()
    {
        var e = Invalid(Step("[\"converted\", \"optedOut\", \"managerDeleted\"]", "[\"converted\"]"));

        Assert.Contains(e.Errors, x => x.StartsWith("exits: must include \"optedOut\"", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.StartsWith("exits: must include \"managerDeleted\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var e = Invalid(Step("\"version\": 1", "\"version\": 0").Replace("\"kind\": \"welfare\"", "\"kind\": \"\"", StringComparison.Ordinal));

        Assert.Contains("version: must be a whole number from 1 to 10000", e.Errors);
        Assert.Contains("steps[0] \"s1\".kind: must be a non-empty string", e.Errors);
    }

    [Fact]
    public void Changing_a_published_definition_is_refused_until_it_becomes_a_new_version()
    {
        var dir = Directory.CreateTempSubdirectory("journeys-");
        try
        {
            var published = Valid.Replace("\"draft\"", "\"published\"", StringComparison.Ordinal);
            var hash = JourneyDefinitionReader.Hash(Encoding.UTF8.GetBytes(published));
            File.WriteAllText(Path.Combine(dir.FullName, "j.v1.json"), published);
            File.WriteAllText(Path.Combine(dir.FullName, JourneyCatalog.LockFileName), $$"""{ "j@1": "{{hash}}" }""");
            Assert.Equal(hash, JourneyCatalog.Load(dir.FullName).Get("j").ContentHash);

            File.WriteAllText(Path.Combine(dir.FullName, "j.v1.json"), published.Replace("10:00", "11:00", StringComparison.Ordinal));

            var e = Assert.Throws<JourneyDefinitionException>(() => JourneyCatalog.Load(dir.FullName));
            Assert.Contains(e.Errors, x => x.Contains("published definitions are immutable", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_content_hash_ignores_Windows_line_endings()
    {
        Assert.Equal(
            JourneyDefinitionReader.Hash(Encoding.UTF8.GetBytes("{\n}\n")),
            JourneyDefinitionReader.Hash(Encoding.UTF8.GetBytes("{\r\n}\r\n")));
    }
}
