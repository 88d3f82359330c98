using System.Text;
using PrivateDomain.Content;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class SensitiveWordScreenTests
{
    [Theory]
    [InlineData("本产品保本保息", "保本")]
    [InlineData("稳赚不赔的好机会", "稳赚")]
    [InlineData("保证收益，放心买", "保证收益")]
    [InlineData("这是无风险的", "无风险")]
    [InlineData("零风险理财", "零风险")]
    [InlineData("高收益产品", "高收益")]
    [InlineData("到期刚性兑付", "刚性兑付")]
    public void A_listed_word_is_found(string text, string word)
    {
        Assert.Contains(Screen.Screen(text), h => h.Word == word);
    }

    [Theory]
    [InlineData("保 本", "spaces")]
    [InlineData("保\u3000本", "an ideographic (full-width) space")]
    [InlineData("保-本", "a dash")]
    [InlineData("保*本", "an asterisk")]
    [InlineData("保·本", "a middle dot")]
    [InlineData("保\u200B本", "a zero-width space")]
    [InlineData("稳　赚", "a full-width space")]
    [InlineData("无 风 险", "a space after every character")]
    public void A_word_disguised_with_characters_in_between_is_found(string text, string disguise)
    {
        var hits = Screen.Screen("这款产品" + text + "哦");

        Assert.True(hits.Length > 0, $"not found through {disguise}");
        Assert.Equal(text, hits[0].Matched);
    }

    [Fact]
    public void Full_width_and_half_width_forms_match_each_other()
    {
        Assert.Contains(Screen.Screen("１００％安全"), h => h.Word == "100%安全");
        Assert.Contains(Screen.Screen("１００ % 安全"), h => h.Word == "100%安全");
    }

    [Fact]
    public void Latin_letters_match_regardless_of_case_and_width()
    {
        var screen = new SensitiveWordScreen("t", [new SensitiveWord("VIP专享收益", "c")], []);

        Assert.Single(screen.Screen("ｖｉｐ专享收益"));
        Assert.Single(screen.Screen("Vip 专享收益"));
    }

    [Fact]
    public void Traditional_forms_on_the_list_are_found()
    {
        Assert.Contains(Screen.Screen("穩賺"), h => h.Word == "穩賺");
    }

    [Fact]
    public void A_disclosure_on_the_exception_list_is_not_a_hit()
    {
        Assert.Empty(Screen.Screen("本产品为非保本浮动收益型，不保证收益，不承诺保本。"));
    }

    [Fact]
    public void A_word_outside_an_exception_in_the_same_text_still_counts()
    {
        var hits = Screen.Screen("本产品不保本。但我们保本。");

        var hit = Assert.Single(hits);
        Assert.Equal("保本", hit.Word);
        Assert.Equal("本产品不保本。但我们".Length, hit.Index);
    }

    [Fact]
    public void Chinese_sentence_punctuation_separates_clauses()
    {
        Assert.Empty(Screen.Screen("我们会确保，本周内回复您"));
        Assert.NotEmpty(Screen.Screen("我们会确保 本周内回复您"));
    }

    [Fact]
    public void A_hit_names_its_field_word_and_category()
    {
        var t = Template("稳赚！", extra: """, "attachments": [ { "type": "link", "title": "零 风 险", "url": "https://a.example/" } ]""");

        var hits = Screen.Screen(t);

        Assert.Equal(["body: \"稳赚\" (稳赚, 承诺保本保收益)", "attachments[0].title: \"零 风 险\" (零风险, 否认或淡化风险)"], hits.Select(h => h.ToString()));
    }

    [Fact]
    public void The_list_is_data_read_from_JSON_and_its_errors_name_the_field()
    {
        var e = Assert.Throws<MessageTemplateException>(() => SensitiveWordScreen.Read(Encoding.UTF8.GetBytes("""{ "categories": [ { "name": "x", "words": [""] } ] }"""), "words.json"));

        Assert.Contains("version: required, a string such as \"2026-01\"", e.Errors);
        Assert.Contains("categories[0] \"x\".words: every entry must be a non-empty string", e.Errors);
    }

    [Fact]
    public void The_canonical_JSON_reads_back_to_the_same_list()
    {
        var again = SensitiveWordScreen.Read(Screen.ToJson(), "canonical");

        Assert.Equal(Screen.Hash, again.Hash);
        Assert.Equal(Screen.Words.Select(w => w.ToString()), again.Words.Select(w => w.ToString()));
        Assert.Equal(Screen.Exceptions.ToArray(), again.Exceptions.ToArray());
    }
}
