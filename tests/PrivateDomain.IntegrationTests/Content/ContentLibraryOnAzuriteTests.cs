using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Content;

/// <summary>The content library on a real Azurite: blobs per template version, the append-only approval table, the
/// published word list. Each test has its own container and approvals table.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContentLibraryOnAzuriteTests(AzuriteFixture fixture) : IDisposable
{
    private static readonly ContentReviewer Compliance = new("li.hua", [ContentRoles.Compliance]);
    private static readonly PlaceholderValues Values = new()
    {
        CustomerName = "王女士",
        EmployeeName = "陈晓",
        EmployeeTitle = "理财经理",
        BankName = "示例农商银行",
        BankHotline = "400-000-0000",
        BankSite = new Uri("https://h5.example-bank.cn"),
        BranchName = "西湖支行",
        Payday = new DateOnly(2026, 3, 10),
    };

    private readonly string _suffix = RandomNumberGenerator.GetHexString(8).ToLowerInvariant();
    private readonly List<string> _folders = [];
    private readonly List<ServiceProvider> _providers = [];

    private string Container => "content-" + _suffix;

    private string ApprovalsTable => "ContentApprovals" + _suffix;

    private ServiceProvider Services(string? templatesPath = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Content:Container"] = Container,
            ["Content:ApprovalsTable"] = ApprovalsTable,
            ["Content:TemplatesPath"] = templatesPath ?? RepoRoot.Combine("content-templates", "messages"),
            ["Content:SensitiveWordsPath"] = RepoRoot.Combine("content-templates", "sensitive-words", "zh-CN.json"),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(new StorageClients(Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() })));
        services.AddContentLibrary(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _providers.Add(provider);
        return provider;
    }

    private string Folder(params (string Path, string Json)[] files)
    {
        var root = Path.Combine(Path.GetTempPath(), "pd-content-it-" + Guid.NewGuid().ToString("N"));
        _folders.Add(root);
        foreach (var (path, json) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, json);
        }

        return root;
    }

    private static string Json(string id, string body, string approval = """{ "status": "approved", "author": "zhang.min", "approvedBy": "li.hua", "approvedAt": "2026-01-12T15:30:00+08:00" }""") => $$"""
        { "id": "{{id}}", "version": 1, "kind": "welfare", "stage": "attention", "channel": "oneToOne", "title": "t",
          "body": {{System.Text.Json.JsonSerializer.Serialize(body)}}, "approval": {{approval}} }
        """;

    private async Task<List<TableEntity>> ApprovalRowsAsync() =>
        await new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(ApprovalsTable).QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task The_repository_library_publishes_to_blobs_and_its_approved_templates_are_sendable()
    {
        var sp = Services();

        var report = await sp.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        var sendable = await sp.GetRequiredService<ContentLibrary>().GetSendableAsync("aida.attention.welfare", "demo", "b001", CancellationToken.None);

        var files = MessageTemplateFolder.Load(RepoRoot.Combine("content-templates", "messages"));
        Assert.Equal((files.Length, 0, true), (report.Created, report.Unchanged, report.WordListChanged));
        Assert.True(sendable.IsSendable, sendable.Refusal?.Message);
        // The newest approved version is sent: v2, which does not name the customer so a mass send can carry many.
        Assert.Equal(files.Where(f => f.Template.Id == "aida.attention.welfare").MaxBy(f => f.Template.Version)!.Template, sendable.Template!.Template);
        Assert.Equal(2, sendable.Template.Template.Version);
        Assert.StartsWith("您好，我是您的理财经理陈晓", sendable.Template.Render(Values).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Republishing_the_repository_library_is_idempotent()
    {
        var sp = Services();
        var content = sp.GetRequiredService<RepositoryContent>();

        var first = await content.PublishAsync(CancellationToken.None);
        var rowsAfterFirst = (await ApprovalRowsAsync()).Count;
        var second = await content.PublishAsync(CancellationToken.None);

        Assert.Equal((0, first.Created, 0, false), (second.Created, second.Unchanged, second.ApprovalRowsAppended, second.WordListChanged));
        Assert.Equal(rowsAfterFirst, (await ApprovalRowsAsync()).Count);
        Assert.Equal(first.ApprovalRowsAppended, rowsAfterFirst);
    }

    [Fact]
    public async Task A_draft_in_the_repository_is_not_sendable_and_the_newest_approved_version_is()
    {
        var sp = Services();
        await sp.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        var library = sp.GetRequiredService<ContentLibrary>();

        var sales = await library.GetSendableAsync("payroll.sales", "demo", null, CancellationToken.None);
        var v2 = await library.GetApprovalAsync(new TemplateRef(TemplateScope.Default, "payroll.sales", 2), CancellationToken.None);

        // v2 is a draft awaiting compliance; v3 (approved, without the customer's name) is what goes out.
        Assert.Equal(3, sales.Template!.Template.Version);
        Assert.Equal(ApprovalStatus.Draft, v2.Status);
    }

    [Fact]
    public async Task Publish_then_read_back_then_submit_and_approve_makes_a_template_sendable_with_an_audit_trail()
    {
        var sp = Services();
        var library = sp.GetRequiredService<ContentLibrary>();
        await sp.GetRequiredService<ISensitiveWordStore>().PublishAsync(
            SensitiveWordScreen.Read(await File.ReadAllBytesAsync(RepoRoot.Combine("content-templates", "sensitive-words", "zh-CN.json")), "zh-CN.json"), CancellationToken.None);
        var draft = MessageTemplateReader.Read(Encoding.UTF8.GetBytes(Json("it.welfare", "{customer.name}您好，本月福利已上线。", """{ "status": "draft", "author": "zhang.min" }""")),
            "it.welfare").Template;
        var at = new TemplateRef(TemplateScope.Default, "it.welfare", 1);

        Assert.Equal(PublishOutcome.Created, await library.PublishAsync(TemplateScope.Default, draft, "zhang.min", CancellationToken.None));
        Assert.Equal(draft, await sp.GetRequiredService<ITemplateStore>().GetAsync(at, CancellationToken.None));
        Assert.Equal(ContentRefusalReason.NotApproved, (await library.GetSendableAsync("it.welfare", "demo", null, CancellationToken.None)).Refusal!.Reason);

        await library.SubmitAsync(at, "zhang.min", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<ContentApprovalException>(() => library.ApproveAsync(at, new ContentReviewer("zhang.min", [ContentRoles.Compliance]), CancellationToken.None));
        var approved = await library.ApproveAsync(at, Compliance, CancellationToken.None);
        var sendable = await library.GetSendableAsync("it.welfare", "demo", null, CancellationToken.None);

        Assert.Equal(ApprovalRefusal.CheckerIsMaker, refused.Reason);
        Assert.True(sendable.IsSendable);
        Assert.Equal(approved, sendable.Template!.Approval);
        var rows = (await ApprovalRowsAsync()).OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
        Assert.Equal(["Drafted", "Submitted", "Approved"], rows.Select(r => r.GetString("Action")));
        Assert.Equal(["zhang.min", "zhang.min", "li.hua"], rows.Select(r => r.GetString("By")));
        Assert.Equal(["v000001|0000", "v000001|0001", "v000001|0002"], rows.Select(r => r.RowKey));
        Assert.All(rows, r => Assert.Equal(draft.ContentHash, r.GetString("ContentHash")));
    }

    [Fact]
    public async Task A_bank_override_wins_for_that_bank_and_a_branch_override_for_that_branch()
    {
        var sp = Services(Folder(
            ("default/it.gift.v1.json", Json("it.gift", "{customer.name}，默认福利")),
            ("bank/banka/it.gift.v1.json", Json("it.gift", "{customer.name}，A 行福利")),
            ("branch/banka/xihu/it.gift.v1.json", Json("it.gift", "{customer.name}，西湖支行福利"))));
        await sp.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        var library = sp.GetRequiredService<ContentLibrary>();

        async Task<string> BodyAsync(string bank, string? branch) =>
            (await library.GetSendableAsync("it.gift", bank, branch, CancellationToken.None)).GetTemplateOrThrow().Render(Values).Text;

        Assert.Equal("王女士，A 行福利", await BodyAsync("banka", null));
        Assert.Equal("王女士，A 行福利", await BodyAsync("banka", "binjiang"));
        Assert.Equal("王女士，西湖支行福利", await BodyAsync("banka", "xihu"));
        Assert.Equal("王女士，默认福利", await BodyAsync("bankb", "xihu"));
    }

    [Fact]
    public async Task A_version_is_one_immutable_blob_and_changed_content_under_it_is_refused()
    {
        var first = Folder(("default/it.gift.v1.json", Json("it.gift", "{customer.name}，福利")));
        var changed = Folder(("default/it.gift.v1.json", Json("it.gift", "{customer.name}，改过的福利")));
        await Services(first).GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);

        var e = await Assert.ThrowsAsync<MessageTemplateException>(() => Services(changed).GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None));

        Assert.Contains(e.Errors, x => x.StartsWith("default/it.gift.v1.json: version 1 of \"it.gift\" is already published in default with other content", StringComparison.Ordinal));
        var blob = new Azure.Storage.Blobs.BlobServiceClient(fixture.Azurite.ConnectionString()).GetBlobContainerClient(Container).GetBlobClient("templates/default/it.gift/v1.json");
        var stored = (await blob.DownloadContentAsync()).Value;
        Assert.Contains("福利", stored.Content.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("改过", stored.Content.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("approval", stored.Content.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("sha256:", stored.Details.Metadata["contenthash"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_word_list_takes_effect_on_the_next_read()
    {
        var words = Services().GetRequiredService<ISensitiveWordStore>();
        var list = new SensitiveWordScreen("v1", [new SensitiveWord("保本", "c")], []);
        await words.PublishAsync(list, CancellationToken.None);

        var first = await words.GetAsync(CancellationToken.None);
        var cached = await words.GetAsync(CancellationToken.None);
        Assert.False(await words.PublishAsync(list, CancellationToken.None));
        Assert.True(await words.PublishAsync(new SensitiveWordScreen("v2", [new SensitiveWord("稳赚", "c")], []), CancellationToken.None));
        var next = await words.GetAsync(CancellationToken.None);

        Assert.Equal(("v1", "v1", "v2"), (first!.Version, cached!.Version, next!.Version));
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
