using PrivateDomain.Content;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class MakerCheckerTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 3, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly ContentReviewer Compliance = new("li.hua", [ContentRoles.Compliance]);

    private readonly InMemoryContentStore _store = new();
    private readonly ContentLibrary _library;

    public MakerCheckerTests()
    {
        _library = new ContentLibrary(_store, _store, _store, new FixedTime(Now));
        _store.PublishAsync(Screen, CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task<TemplateRef> DraftAsync(string body = "{customer.name}您好，这是本月福利。", string author = "zhang.min", TemplateScope? scope = null, int version = 1)
    {
        scope ??= TemplateScope.Default;
        var t = Template(body, version: version);
        await _library.PublishAsync(scope, t, author, CancellationToken.None);
        return new TemplateRef(scope, t.Id, t.Version);
    }

    private async Task<TemplateRef> SubmittedAsync(string body = "{customer.name}您好，这是本月福利。", string author = "zhang.min")
    {
        var r = await DraftAsync(body, author);
        await _library.SubmitAsync(r, author, CancellationToken.None);
        return r;
    }

    private static async Task<ApprovalRefusal> RefusalAsync(Func<Task> act) => (await Assert.ThrowsAsync<ContentApprovalException>(act)).Reason;

    [Fact]
    public async Task A_Compliance_checker_who_is_not_the_author_approves_and_who_and_when_are_recorded()
    {
        var r = await SubmittedAsync();

        var row = await _library.ApproveAsync(r, Compliance, CancellationToken.None);

        Assert.Equal((ApprovalAction.Approved, "li.hua", Now, ContentRoles.Compliance), (row.Action, row.By, row.At, row.Role));
        var state = await _library.GetApprovalAsync(r, CancellationToken.None);
        Assert.Equal(ApprovalStatus.Approved, state.Status);
        Assert.Equal([ApprovalAction.Drafted, ApprovalAction.Submitted, ApprovalAction.Approved], state.History.Select(h => h.Action));
    }

    [Fact]
    public async Task The_author_cannot_approve_their_own_template()
    {
        var r = await SubmittedAsync(author: "li.hua");

        Assert.Equal(ApprovalRefusal.CheckerIsMaker, await RefusalAsync(() => _library.ApproveAsync(r, Compliance, CancellationToken.None)));
    }

    [Fact]
    public async Task The_submitter_cannot_approve_what_they_submitted_even_if_someone_else_wrote_it()
    {
        var r = await DraftAsync(author: "zhang.min");
        await _library.SubmitAsync(r, "LI.HUA", CancellationToken.None);

        Assert.Equal(ApprovalRefusal.CheckerIsMaker, await RefusalAsync(() => _library.ApproveAsync(r, Compliance, CancellationToken.None)));
    }

    [Fact]
    public async Task A_checker_without_the_Compliance_role_cannot_approve()
    {
        var r = await SubmittedAsync();

        var e = await Assert.ThrowsAsync<ContentApprovalException>(() => _library.ApproveAsync(r, new ContentReviewer("wang.ops", ["Operator"]), CancellationToken.None));

        Assert.Equal(ApprovalRefusal.NotCompliance, e.Reason);
        Assert.Contains("only the Compliance role checks content", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Content_that_fails_the_sensitive_word_screen_cannot_be_approved()
    {
        var r = await SubmittedAsync("{customer.name}，这款产品稳 赚不赔。");

        var e = await Assert.ThrowsAsync<ContentApprovalException>(() => _library.ApproveAsync(r, Compliance, CancellationToken.None));

        Assert.Equal(ApprovalRefusal.SensitiveWords, e.Reason);
        Assert.Contains(e.Hits, h => h.Matched == "稳 赚");
        Assert.Equal(ApprovalStatus.Submitted, (await _library.GetApprovalAsync(r, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_draft_must_be_submitted_before_it_can_be_approved()
    {
        var r = await DraftAsync();

        Assert.Equal(ApprovalRefusal.WrongStatus, await RefusalAsync(() => _library.ApproveAsync(r, Compliance, CancellationToken.None)));
    }

    [Fact]
    public async Task Nothing_can_be_approved_while_no_word_list_is_published()
    {
        var store = new InMemoryContentStore();
        var library = new ContentLibrary(store, store, store, new FixedTime(Now));
        var t = Template();
        await library.PublishAsync(TemplateScope.Default, t, "zhang.min", CancellationToken.None);
        var r = new TemplateRef(TemplateScope.Default, t.Id, 1);
        await library.SubmitAsync(r, "zhang.min", CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContentApprovalException>(() => library.ApproveAsync(r, Compliance, CancellationToken.None));

        Assert.Equal(ApprovalRefusal.NoScreen, e.Reason);
    }

    [Fact]
    public async Task A_rejected_version_stays_unsendable_and_cannot_be_approved_later()
    {
        var r = await SubmittedAsync();
        await _library.RejectAsync(r, Compliance, "措辞需更中性", CancellationToken.None);

        Assert.Equal(ApprovalRefusal.WrongStatus, await RefusalAsync(() => _library.ApproveAsync(r, new ContentReviewer("zhao.compliance", [ContentRoles.Compliance]), CancellationToken.None)));
        Assert.Equal(ContentRefusalReason.NotApproved, (await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None)).Refusal!.Reason);
    }

    [Fact]
    public async Task Only_an_approved_version_is_sendable()
    {
        var r = await SubmittedAsync();

        var before = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);
        await _library.ApproveAsync(r, Compliance, CancellationToken.None);
        var after = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);

        Assert.False(before.IsSendable);
        Assert.Equal(ContentRefusalReason.NotApproved, before.Refusal!.Reason);
        Assert.Equal("no approved version of \"t.one\" (default: v1 submitted); only approved versions can be sent", before.Refusal.Message);
        Assert.True(after.IsSendable);
        Assert.Equal(("t.one", 1, "li.hua"), (after.Template!.Template.Id, after.Template.Template.Version, after.Template.Approval.By));
    }

    [Fact]
    public async Task An_unknown_id_is_refused_as_not_found()
    {
        var result = await _library.GetSendableAsync("aida.nope", "banka", "b01", CancellationToken.None);

        Assert.Equal(ContentRefusalReason.NotFound, result.Refusal!.Reason);
        Assert.Equal("no template \"aida.nope\" in branch/banka/b01 → bank/banka → default", result.Refusal.Message);
        Assert.Throws<InvalidOperationException>(result.GetTemplateOrThrow);
    }

    [Fact]
    public async Task The_newest_approved_version_is_sent_while_a_newer_one_waits_for_approval()
    {
        var v1 = await SubmittedAsync();
        await _library.ApproveAsync(v1, Compliance, CancellationToken.None);
        var v2 = await DraftAsync("{customer.name}您好，这是修订后的福利。", version: 2);
        await _library.SubmitAsync(v2, "zhang.min", CancellationToken.None);

        var result = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);

        Assert.Equal(1, result.Template!.Template.Version);
    }

    [Fact]
    public async Task A_word_added_to_the_list_after_approval_stops_the_send()
    {
        var r = await SubmittedAsync("{customer.name}您好，本月有专享礼遇。");
        await _library.ApproveAsync(r, Compliance, CancellationToken.None);
        await _store.PublishAsync(new SensitiveWordScreen("2026-02", [.. Screen.Words, new SensitiveWord("专享礼遇", "新增")], Screen.Exceptions), CancellationToken.None);

        var result = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);

        Assert.Equal(ContentRefusalReason.FailsCurrentScreen, result.Refusal!.Reason);
        Assert.Contains("专享礼遇", result.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_other_content_under_an_existing_version_is_refused()
    {
        await DraftAsync();

        var e = await Assert.ThrowsAsync<MessageTemplateException>(() => DraftAsync("{customer.name}，改过的文字"));

        Assert.Contains("already published in default with other content", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_approval_of_the_same_version_is_refused()
    {
        var r = await SubmittedAsync();
        await _library.ApproveAsync(r, Compliance, CancellationToken.None);

        Assert.Equal(ApprovalRefusal.WrongStatus, await RefusalAsync(() => _library.ApproveAsync(r, new ContentReviewer("zhao.compliance", [ContentRoles.Compliance]), CancellationToken.None)));
        Assert.Single(_store.Rows, x => x.Action == ApprovalAction.Approved);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
