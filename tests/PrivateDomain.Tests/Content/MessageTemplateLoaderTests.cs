using PrivateDomain.Content;
using PrivateDomain.Journeys;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class MessageTemplateLoaderTests
{
    [Fact]
    public void The_shipped_library_loads_with_every_kind_the_flows_use()
    {
        var files = MessageTemplateFolder.Load(MessagesDirectory);

        Assert.Equal(Enum.GetValues<ContentKind>().ToHashSet(), files.Select(f => f.Template.Kind).ToHashSet());
        Assert.Equal(Enum.GetValues<Channel>().ToHashSet(), files.Select(f => f.Template.Channel).ToHashSet());
        Assert.All(files, f => Assert.Equal(TemplateScope.Default, f.Scope));
    }

    [Fact]
    public void Every_approved_shipped_template_passes_the_shipped_sensitive_word_list()
    {
        var files = MessageTemplateFolder.Load(MessagesDirectory);

        Assert.All(files, f => Assert.Empty(Screen.Screen(f.Template)));
    }

    [Fact]
    public void A_valid_template_reads_with_a_content_hash_that_ignores_its_approval_block()
    {
        var approved = Read(Json());
        var draft = Read(Json(approval: """{ "status": "draft", "author": "maker" }"""));

        Assert.StartsWith("sha256:", approved.Template.ContentHash, StringComparison.Ordinal);
        Assert.Equal(approved.Template.ContentHash, draft.Template.ContentHash);
        Assert.Equal(ApprovalStatus.Approved, approved.Approval!.Status);
        Assert.Equal("checker", approved.Approval.ApprovedBy);
    }

    [Fact]
    public void A_body_given_as_lines_is_joined_with_line_breaks()
    {
        var t = Read(Json("X").Replace("\"X\"", "[\"第一行\", \"第二行\"]", StringComparison.Ordinal)).Template;

        Assert.Equal("第一行\n第二行", t.Body);
    }

    [Fact]
    public void An_unknown_placeholder_is_named_with_its_field()
    {
        var e = Invalid(Json("{custmer.name}您好"));

        Assert.Contains(e.Errors, x => x.StartsWith("body: unknown placeholder {custmer.name}; known:", StringComparison.Ordinal));
        Assert.Contains("default/t.one.v1.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_brace_is_an_error_and_doubled_braces_are_literal()
    {
        Assert.Contains(Invalid(Json("您好 {customer.name")).Errors, x => x.StartsWith("body: '{' at character 4 is not closed", StringComparison.Ordinal));
        Assert.Equal("{{注意}}", Template("{{注意}}").Body);
    }

    [Fact]
    public void A_missing_field_and_an_unknown_field_are_both_reported()
    {
        var e = Invalid(Json().Replace("\"title\": \"t\",", "\"titel\": \"t\",", StringComparison.Ordinal));

        Assert.Contains("title: required", e.Errors);
        Assert.Contains(e.Errors, x => x.StartsWith("titel: unknown field", StringComparison.Ordinal));
    }

    [Fact]
    public void A_kind_on_a_channel_it_is_not_sent_on_is_an_error()
    {
        var e = Invalid(Json("你好", channel: "oneToOne", kind: "persona"));

        Assert.Contains("channel: a persona template is sent on moments or group, not oneToOne", e.Errors);
    }

    [Fact]
    public void A_welcome_is_sent_one_to_one_or_as_a_group_welcome_but_never_on_Moments()
    {
        Assert.Equal(Channel.Group, Read(Json("欢迎加入{bank.name}理财沙龙群！", channel: "group", kind: "welcome")).Template.Channel);
        Assert.Contains("channel: a welcome template is sent on oneToOne or group, not moments",
            Invalid(Json("欢迎关注{bank.name}", channel: "moments", kind: "welcome")).Errors);
    }

    [Fact]
    public void A_per_customer_placeholder_in_a_Moments_post_is_an_error()
    {
        var e = Invalid(Json("{customer.name}，周末好", channel: "moments", kind: "values"));

        Assert.Contains(e.Errors, x => x.StartsWith("body: {customer.name} differs per customer; a moments post", StringComparison.Ordinal));
    }

    [Fact]
    public void An_author_cannot_be_the_approver_in_a_file()
    {
        var e = Invalid(Json(approval: """{ "status": "approved", "author": "Li.Hua", "approvedBy": "li.hua", "approvedAt": "2026-01-12T15:30:00+08:00" }"""));

        Assert.Contains("approval.approvedBy: \"li.hua\" is the author; maker-checker needs a different approver", e.Errors);
    }

    [Fact]
    public void An_approval_time_without_an_offset_is_refused()
    {
        var e = Invalid(Json(approval: """{ "status": "approved", "author": "a", "approvedBy": "b", "approvedAt": "2026-01-12T15:30:00" }"""));

        Assert.Contains(e.Errors, x => x.StartsWith("approval.approvedAt: \"2026-01-12T15:30:00\" is not a time with its offset", StringComparison.Ordinal));
    }

    [Fact]
    public void A_link_must_be_https_or_on_the_banks_own_site()
    {
        var e = Invalid(Json(extra: """, "attachments": [ { "type": "link", "title": "t", "url": "http://evil.example/x" } ]"""));

        Assert.Contains(e.Errors, x => x.StartsWith("attachments[0].url: \"http://evil.example/x\" must be an https URL", StringComparison.Ordinal));
    }

    [Fact]
    public void A_one_to_one_text_over_4000_bytes_of_UTF8_is_refused()
    {
        var e = Invalid(Json(new string('息', 1334)));

        Assert.Contains("body: 4002 bytes of UTF-8; a WeCom message holds at most 4000 (about 1,300 Chinese characters)", e.Errors);
        Assert.Equal(4002 - 3, System.Text.Encoding.UTF8.GetByteCount(Template(new string('息', 1333)).Body));
    }

    [Fact]
    public void A_Moments_text_is_limited_by_characters_not_bytes()
    {
        var ok = Template(new string('息', 2000), channel: "moments", kind: "values");
        var e = Invalid(Json(new string('息', 2001), channel: "moments", kind: "values"));

        Assert.Equal(2000, ok.Body.Length);
        Assert.Contains("body: 2001 characters; a Moments post holds at most 2000", e.Errors);
    }

    [Fact]
    public void A_Moments_post_cannot_carry_a_link_and_images()
    {
        var e = Invalid(Json("周末好", channel: "moments", kind: "values", extra: """
            , "attachments": [ { "type": "link", "title": "t", "url": "https://a.example/" }, { "type": "image", "url": "https://a.example/i.jpg" } ]
            """));

        Assert.Contains("attachments: a Moments post carries either one link or up to 9 images, not both", e.Errors);
    }

    [Fact]
    public void A_link_title_over_128_bytes_is_refused()
    {
        var e = Invalid(Json(extra: $$""", "attachments": [ { "type": "link", "title": "{{new string('题', 43)}}", "url": "https://a.example/" } ]"""));

        Assert.Contains("attachments[0].title: 129 bytes; at most 128 (about 42 Chinese characters)", e.Errors);
    }

    [Fact]
    public void A_file_must_be_named_after_its_id_and_version()
    {
        using var folder = new TempFolder().Write("default/t.one.v2.json", Json());

        var e = Assert.Throws<MessageTemplateException>(() => MessageTemplateFolder.Load(folder.Path));

        Assert.Contains("default/t.one.v2.json: a template with id \"t.one\" and version 1 must be in default/t.one.v1.json", e.Errors);
    }

    [Fact]
    public void A_file_outside_the_scope_folders_is_refused()
    {
        using var folder = new TempFolder().Write("t.one.v1.json", Json()).Write("banks/x/t.one.v1.json", Json());

        var e = Assert.Throws<MessageTemplateException>(() => MessageTemplateFolder.Load(folder.Path));

        Assert.Equal(2, e.Errors.Count(x => x.Contains("templates live in default/, bank/{bank}/ or branch/{bank}/{branch}/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Errors_of_a_folder_name_the_file_and_the_field()
    {
        using var folder = new TempFolder().Write("default/t.one.v1.json", Json()).Write("bank/banka/t.one.v1.json", Json("{bank.nam}"));

        var e = Assert.Throws<MessageTemplateException>(() => MessageTemplateFolder.Load(folder.Path));

        Assert.Contains(e.Errors, x => x.StartsWith("bank/banka/t.one.v1.json: body: unknown placeholder {bank.nam}", StringComparison.Ordinal));
    }

    [Fact]
    public void An_override_must_keep_the_kind_and_channel_of_the_default()
    {
        using var folder = new TempFolder()
            .Write("default/t.one.v1.json", Json())
            .Write("branch/banka/b01/t.one.v1.json", Json("周末好", channel: "moments", kind: "welfare"));

        var e = Assert.Throws<MessageTemplateException>(() => MessageTemplateFolder.Load(folder.Path));

        Assert.Contains(e.Errors, x => x.StartsWith("branch/banka/b01/t.one.v1.json: kind welfare on moments differs from default/t.one.v1.json (welfare on oneToOne)", StringComparison.Ordinal));
    }

    [Fact]
    public void Overrides_load_with_their_scope()
    {
        using var folder = new TempFolder()
            .Write("default/t.one.v1.json", Json())
            .Write("bank/banka/t.one.v1.json", Json("{customer.name}，A 行专属"))
            .Write("branch/banka/b01/t.one.v3.json", Json("{customer.name}，西湖支行专属", version: 3));

        var files = MessageTemplateFolder.Load(folder.Path);

        Assert.Equal(["bank/banka", "branch/banka/b01", "default"], files.Select(f => f.Scope.Key).Order(StringComparer.Ordinal));
    }
}
