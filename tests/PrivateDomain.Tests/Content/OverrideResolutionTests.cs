using PrivateDomain.Content;
using static PrivateDomain.Tests.Content.ContentFixtures;

namespace PrivateDomain.Tests.Content;

public sealed class OverrideResolutionTests
{
    private readonly InMemoryContentStore _store = new();
    private readonly ContentLibrary _library;

    public OverrideResolutionTests() => _library = new ContentLibrary(_store, _store, _store, TimeProvider.System);

    private async Task<string> SendableBodyAsync(string bank, string? branch) =>
        (await _library.GetSendableAsync("t.one", bank, branch, CancellationToken.None)).GetTemplateOrThrow().Template.Body;

    private static string Approved(string body, int version = 1) => Json(body, version: version);

    private static string Draft(string body, int version = 1) => Json(body, version: version, approval: """{ "status": "draft", "author": "zhang.min" }""");

    private async Task PublishAsync(params (string Path, string Json)[] files)
    {
        using var folder = new TempFolder();
        foreach (var (path, json) in files)
        {
            folder.Write(path, json);
        }

        await _library.PublishFolderAsync(folder.Path, WordListFile, CancellationToken.None);
    }

    [Fact]
    public void Resolution_order_is_branch_then_bank_then_default()
    {
        Assert.Equal(["branch/banka/b01", "bank/banka", "default"], TemplateScope.ResolutionOrder("banka", "b01").Select(s => s.Key));
        Assert.Equal(["bank/banka", "default"], TemplateScope.ResolutionOrder("banka", null).Select(s => s.Key));
    }

    [Fact]
    public async Task A_branch_override_wins_over_the_bank_and_the_default()
    {
        await PublishAsync(
            ("default/t.one.v1.json", Approved("{customer.name}，默认")),
            ("bank/banka/t.one.v1.json", Approved("{customer.name}，A 行")),
            ("branch/banka/b01/t.one.v1.json", Approved("{customer.name}，西湖支行")));

        Assert.Equal("{customer.name}，西湖支行", await SendableBodyAsync("banka", "b01"));
        Assert.Equal("{customer.name}，A 行", await SendableBodyAsync("banka", "b02"));
        Assert.Equal("{customer.name}，A 行", await SendableBodyAsync("banka", null));
        Assert.Equal("{customer.name}，默认", await SendableBodyAsync("bankb", "b01"));
    }

    [Fact]
    public async Task An_override_that_is_not_approved_yet_does_not_block_the_approved_default()
    {
        await PublishAsync(
            ("default/t.one.v1.json", Approved("{customer.name}，默认")),
            ("bank/banka/t.one.v1.json", Draft("{customer.name}，A 行草稿")));

        var result = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);

        Assert.Equal(TemplateScope.Default, result.Template!.Scope);
    }

    [Fact]
    public async Task Override_versions_are_independent_of_the_default_versions()
    {
        await PublishAsync(
            ("default/t.one.v1.json", Approved("{customer.name}，默认 v1")),
            ("default/t.one.v2.json", Approved("{customer.name}，默认 v2", version: 2)),
            ("bank/banka/t.one.v1.json", Approved("{customer.name}，A 行 v1")));

        var result = await _library.GetSendableAsync("t.one", "banka", null, CancellationToken.None);

        Assert.Equal(("bank/banka", 1), (result.Template!.Scope.Key, result.Template.Template.Version));
        Assert.Equal("{customer.name}，默认 v2", await SendableBodyAsync("bankb", null));
    }

    [Fact]
    public async Task Publishing_the_same_folder_twice_changes_nothing()
    {
        using var folder = new TempFolder().Write("default/t.one.v1.json", Approved("{customer.name}，默认")).Write("default/t.one.v2.json", Draft("{customer.name}，v2", 2));

        var first = await _library.PublishFolderAsync(folder.Path, WordListFile, CancellationToken.None);
        var second = await _library.PublishFolderAsync(folder.Path, WordListFile, CancellationToken.None);

        Assert.Equal((2, 0, 4, true), (first.Created, first.Unchanged, first.ApprovalRowsAppended, first.WordListChanged));
        Assert.Equal((0, 2, 0, false), (second.Created, second.Unchanged, second.ApprovalRowsAppended, second.WordListChanged));
    }

    [Fact]
    public async Task An_approved_file_that_fails_the_screen_stops_the_publish_before_anything_is_written()
    {
        using var folder = new TempFolder().Write("default/t.one.v1.json", Approved("{customer.name}，本产品保 本"));

        var e = await Assert.ThrowsAsync<MessageTemplateException>(() => _library.PublishFolderAsync(folder.Path, WordListFile, CancellationToken.None));

        Assert.Contains("default/t.one.v1.json: marked approved but fails the sensitive-word screen: body: \"保 本\" (保本, 承诺保本保收益)", e.Errors);
        Assert.Empty(_store.Rows);
    }

    [Fact]
    public async Task A_file_approval_is_recorded_as_a_repository_review_with_the_approver_and_time_from_the_file()
    {
        await PublishAsync(("default/t.one.v1.json", Approved("{customer.name}，默认")));

        var approved = Assert.Single(_store.Rows, r => r.Action == ApprovalAction.Approved);

        Assert.Equal(("checker", "repository-review", new DateTimeOffset(2026, 1, 12, 15, 30, 0, TimeSpan.FromHours(8))), (approved.By, approved.Role, approved.At));
        Assert.Equal("approved in the repository: default/t.one.v1.json", approved.Note);
    }
}
