using System.Text;
using PrivateDomain.Content;

namespace PrivateDomain.Tests.Content;

/// <summary>The shipped library and word list, sample placeholder values, and small builders for template JSON.</summary>
internal static class ContentFixtures
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PrivateDomain.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("PrivateDomain.sln not found above the test binaries.");
        }
    }

    public static string MessagesDirectory => Path.Combine(RepoRoot, "content-templates", "messages");

    public static string WordListFile => Path.Combine(RepoRoot, "content-templates", "sensitive-words", "zh-CN.json");

    public static SensitiveWordScreen Screen { get; } = SensitiveWordScreen.Read(File.ReadAllBytes(WordListFile), "zh-CN.json");

    public static PlaceholderValues Values { get; } = new()
    {
        CustomerName = "王女士",
        EmployeeName = "陈晓",
        EmployeeTitle = "理财经理",
        BankName = "示例农商银行",
        BankHotline = "400-000-0000",
        BankSite = new Uri("https://h5.example-bank.cn"),
        BranchName = "西湖支行",
        Payday = new DateOnly(2026, 3, 10),
        PageLinks = new EchoPageLinks(),
        PageOrigin = new PageOrigin("payroll:E-ACME:2026-03", "payroll-campaign", "welfare"),
    };

    /// <summary>Page links that spell out what they were made from: <c>https://pages.example/p/{placeholder}/{campaign}/{content}</c>.</summary>
    public sealed class EchoPageLinks : IPageLinks
    {
        public string? Link(string placeholder, PageOrigin origin, string content) =>
            $"https://pages.example/p/{placeholder}/{origin.Campaign}/{content}";
    }

    /// <summary>A valid approved 1:1 template; <paramref name="edit"/> changes its JSON text.</summary>
    public static string Json(string? body = null, string channel = "oneToOne", string kind = "welfare", string id = "t.one", int version = 1, string? extra = null,
        string approval = """{ "status": "approved", "author": "maker", "approvedBy": "checker", "approvedAt": "2026-01-12T15:30:00+08:00" }""")
    {
        body ??= "{customer.name}您好，我是{employee.name}。";
        return $$"""
            { "id": "{{id}}", "version": {{version}}, "kind": "{{kind}}", "stage": "attention", "channel": "{{channel}}", "title": "t",
              "tags": ["新客"], "body": {{System.Text.Json.JsonSerializer.Serialize(body)}}{{extra}}, "approval": {{approval}} }
            """;
    }

    public static TemplateDocument Read(string json, string source = "default/t.one.v1.json") =>
        MessageTemplateReader.Read(Encoding.UTF8.GetBytes(json), source);

    public static MessageTemplate Template(string? body = null, string channel = "oneToOne", string kind = "welfare", string id = "t.one", int version = 1, string? extra = null) =>
        Read(Json(body, channel, kind, id, version, extra)).Template;

    public static MessageTemplateException Invalid(string json, string source = "default/t.one.v1.json") =>
        Assert.Throws<MessageTemplateException>(() => MessageTemplateReader.Read(Encoding.UTF8.GetBytes(json), source));

    /// <summary>A temporary template folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pd-content-" + Guid.NewGuid().ToString("N"));

        public TempFolder Write(string relative, string json)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, json);
            return this;
        }

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
