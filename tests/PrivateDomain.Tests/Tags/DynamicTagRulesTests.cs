using PrivateDomain.Customers;
using PrivateDomain.Tags;
using PrivateDomain.Tests.Journeys;

namespace PrivateDomain.Tests.Tags;

/// <summary>The dynamic-tag rule language: what it accepts, and one test per kind of error (line, field, reason).</summary>
public sealed class DynamicTagRulesTests
{
    private const string Valid = """
        # 动态标签
        [high-intent]
        tag = 高意向
        when = aum>=50000
        seen = clicked page=products within 7d
        """;

    private static DynamicTagRules Parse(string text) => DynamicTagRules.Parse(text, "t.v1.rules", "t", 1);

    /// <summary>The single error of a file, which must be invalid.</summary>
    private static DynamicTagRuleError Error(string text)
    {
        var e = Assert.Throws<DynamicTagRuleException>(() => Parse(text));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void A_valid_rule_reads_with_its_tag_condition_and_behaviour()
    {
        var rule = Assert.Single(Parse(Valid).Rules);

        Assert.Equal(("high-intent", "高意向", 2), (rule.Id, rule.Tag, rule.Line));
        Assert.NotNull(rule.When);
        var seen = Assert.Single(rule.Seen);
        Assert.Equal(("clicked", "products", TimeSpan.FromDays(7)), (seen.Kind, seen.Filters["page"], seen.Window));
    }

    [Fact]
    public void The_shipped_rules_load_with_their_pinned_hash()
    {
        var catalog = DynamicTagCatalog.Load(Path.Combine(Path.GetDirectoryName(JourneyFixtures.DefinitionsDirectory)!, "tag-rules"));

        Assert.Equal(1, catalog.Current!.Version);
        Assert.Contains(catalog.Current.Rules, r => r.Tag == "高意向");
    }

    [Fact]
    public void A_published_rules_file_that_changed_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("tag-rules");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "dynamic-tags.v1.rules"), Valid);
            File.WriteAllText(Path.Combine(dir.FullName, "published.json"), """{ "dynamic-tags@1": "sha256:00" }""");

            var e = Assert.Throws<DynamicTagRuleException>(() => DynamicTagCatalog.Load(dir.FullName));

            Assert.Contains("published as sha256:00", Assert.Single(e.Errors).Reason, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_with_its_line()
    {
        var e = Assert.Throws<DynamicTagRuleException>(() => Parse("[a]\ntag = x\nseen = nothing within 7d\n[b]\ntag = y\nwhen = aum>="));

        Assert.Equal([(3, "seen"), (6, "when")], e.Errors.Select(x => (x.Line, x.Field)));
        Assert.StartsWith("line 3, seen: ", e.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_before_any_rule_is_an_error_of_field_rule()
    {
        var e = Error("tag = 高意向\n" + Valid);
        Assert.Equal((1, "rule"), (e.Line, e.Field));
        Assert.Contains("start a rule with [rule-id]", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_id_that_is_not_lowercase_words_is_an_error_of_field_id()
    {
        var e = Error(Valid.Replace("[high-intent]", "[High Intent]", StringComparison.Ordinal));
        Assert.Equal((2, "id"), (e.Line, e.Field));
    }

    [Fact]
    public void A_rule_id_used_twice_is_an_error_of_field_id()
    {
        var e = Error(Valid + "\n[high-intent]\ntag = 其他\nwhen = aum>=1");
        Assert.Equal((6, "id"), (e.Line, e.Field));
        Assert.Contains("defined twice", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_named_with_the_fields_there_are()
    {
        var e = Error(Valid.Replace("when =", "wen =", StringComparison.Ordinal));
        Assert.Equal((4, "wen"), (e.Line, e.Field));
        Assert.Contains("tag, when, seen, unseen", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_without_an_equals_sign_is_an_error_of_that_field()
    {
        var e = Error(Valid.Replace("tag = 高意向", "tag 高意向", StringComparison.Ordinal));
        Assert.Equal((3, "tag"), (e.Line, e.Field));
        Assert.Contains("expected \"tag = value\"", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_without_a_tag_is_an_error_at_its_header()
    {
        var e = Error(Valid.Replace("tag = 高意向\n", "", StringComparison.Ordinal));
        Assert.Equal((2, "tag"), (e.Line, e.Field));
        Assert.Contains("sets no tag", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_longer_than_WeComs_30_characters_is_an_error_of_field_tag()
    {
        var e = Error(Valid.Replace("高意向", new string('高', 31), StringComparison.Ordinal));
        Assert.Equal((3, "tag"), (e.Line, e.Field));
        Assert.Contains("1–30 characters", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_naming_two_tags_is_an_error_of_field_tag()
    {
        var e = Error(Valid.Replace("tag = 高意向", "tag = 高意向\ntag = 中意向", StringComparison.Ordinal));
        Assert.Equal((4, "tag"), (e.Line, e.Field));
        Assert.Contains("names its tag twice", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_rules_setting_one_tag_is_an_error_at_the_second()
    {
        var e = Error(Valid + "\n[also-high]\ntag = 高意向\nwhen = aum>=100000");
        Assert.Equal((6, "tag"), (e.Line, e.Field));
        Assert.Contains("one rule per tag", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_when_that_is_not_a_segment_query_names_the_column()
    {
        var e = Error(Valid.Replace("aum>=50000", "aum>=", StringComparison.Ordinal));
        Assert.Equal((4, "when"), (e.Line, e.Field));
        Assert.StartsWith("column ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_when_lines_are_an_error_saying_to_join_them()
    {
        var e = Error(Valid.Replace("when = aum>=50000", "when = aum>=50000\nwhen = tag:代发", StringComparison.Ordinal));
        Assert.Equal((5, "when"), (e.Line, e.Field));
        Assert.Contains("join them with AND", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_without_any_condition_is_an_error_of_field_when()
    {
        var e = Error("[always]\ntag = 全部");
        Assert.Equal((1, "when"), (e.Line, e.Field));
        Assert.Contains("no condition", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_signal_is_an_error_listing_the_signals()
    {
        var e = Error(Valid.Replace("seen = clicked", "seen = opened", StringComparison.Ordinal));
        Assert.Equal((5, "seen"), (e.Line, e.Field));
        Assert.Contains("\"opened\" is not a signal", e.Reason, StringComparison.Ordinal);
        Assert.Contains("clicked", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_behaviour_without_a_window_is_an_error()
    {
        var e = Error(Valid.Replace(" within 7d", "", StringComparison.Ordinal));
        Assert.Equal((5, "seen"), (e.Line, e.Field));
        Assert.Contains("within 7d", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_that_is_not_whole_days_up_to_a_year_is_an_error()
    {
        var e = Error(Valid.Replace("seen = clicked page=products within 7d", "unseen = clicked within 2w", StringComparison.Ordinal));
        Assert.Equal((5, "unseen"), (e.Line, e.Field));
        Assert.Contains("\"2w\" is not a window", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filter_that_is_not_key_equals_value_is_an_error()
    {
        var e = Error(Valid.Replace("page=products", "page=", StringComparison.Ordinal));
        Assert.Equal((5, "seen"), (e.Line, e.Field));
        Assert.Contains("is not a filter", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_rules_is_an_error()
    {
        var e = Error("# nothing yet\n");
        Assert.Equal("rule", e.Field);
        Assert.Contains("no rules", e.Reason, StringComparison.Ordinal);
    }
}

/// <summary>The rules applied to a profile: tags appear and go with the behaviour; other sources' tags are never removed.</summary>
public sealed class DynamicTagEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly DynamicTagRules Rules = DynamicTagRules.Parse("""
        [high-intent]
        tag = 高意向
        when = aum>=50000
        seen = clicked page=products within 7d
        """, "t.v1.rules", "t", 1);

    private static Customer Rich(params CustomerTag[] tags) => Customer.New("bank", "c1", Now.AddDays(-30)) with
    {
        Attributes = new Dictionary<string, string> { ["aum"] = "80000" },
        Tags = tags,
    };

    private static CustomerSignal Click(DateTimeOffset at, string page = "products") =>
        new("bank", "c1", "s" + at.Ticks, SignalKinds.Clicked, at, new Dictionary<string, string> { ["page"] = page });

    [Fact]
    public void The_tag_appears_when_the_profile_and_the_behaviour_match()
    {
        var change = DynamicTagEvaluation.Evaluate(Rules, Rich(), [Click(Now.AddDays(-2))], Now);

        Assert.Equal([("高意向", "high-intent")], change.Added);
        Assert.Contains(change.Changed!.Tags, t => t.Name == "高意向" && t.Source == "rule:high-intent" && t.Kind == TagKind.Dynamic);
    }

    [Fact]
    public void No_tag_for_a_click_on_another_page_or_a_smaller_aum()
    {
        Assert.Null(DynamicTagEvaluation.Evaluate(Rules, Rich(), [Click(Now.AddDays(-2), "welfare")], Now).Changed);
        var poorer = Rich() with { Attributes = new Dictionary<string, string> { ["aum"] = "49999" } };
        Assert.Null(DynamicTagEvaluation.Evaluate(Rules, poorer, [Click(Now.AddDays(-2))], Now).Changed);
    }

    [Fact]
    public void The_tag_goes_when_the_click_is_older_than_the_window()
    {
        var tagged = Rich(new CustomerTag("高意向", TagKind.Dynamic, "rule:high-intent", Now.AddDays(-8)));

        var change = DynamicTagEvaluation.Evaluate(Rules, tagged, [Click(Now.AddDays(-8))], Now);

        Assert.Equal([("高意向", "high-intent")], change.Removed);
        Assert.DoesNotContain(change.Changed!.Tags, t => t.Name == "高意向");
    }

    [Fact]
    public void A_tag_from_CRM_or_a_channel_code_is_never_removed()
    {
        var tagged = Rich(new CustomerTag("高意向", TagKind.Static, "crm", Now), new CustomerTag("合作方", TagKind.Dynamic, "channel:p-1", Now));

        Assert.Null(DynamicTagEvaluation.Evaluate(Rules, tagged, [], Now).Changed);
    }

    [Fact]
    public void Only_signals_a_rule_names_and_profile_changes_cause_an_evaluation()
    {
        Assert.True(Rules.IsRelevant(SignalKinds.Clicked));
        Assert.True(Rules.IsRelevant(TagSignalKinds.ProfileUpdated));
        Assert.False(Rules.IsRelevant(SignalKinds.Added));
        Assert.False(Rules.IsRelevant(TagSignalKinds.TagAdded));
    }

    [Fact]
    public void A_tag_whose_rule_was_removed_in_a_new_version_goes()
    {
        var tagged = Rich(new CustomerTag("旧标签", TagKind.Dynamic, "rule:retired", Now));

        var change = DynamicTagEvaluation.Evaluate(Rules, tagged, [], Now);

        Assert.Equal([("旧标签", "retired")], change.Removed);
    }
}
