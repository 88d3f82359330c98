using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Content;

/// <summary>Maker-checker through the operator API: a draft in the bank's own scope, submitted by its maker, approved
/// only by a second person with the Compliance role, into the same append-only log the repository's seed writes.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContentApprovalApiTests(AzuriteFixture fixture)
{
    private const string Welfare = "aida.attention.welfare";
    private readonly OperatorEdge _edge = new("content");

    private async Task<LocalHostInstance> StartAsync()
    {
        var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        await host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        return host;
    }

    private string Token(string name, params string[] roles) => _edge.Tokens.Mint(_edge.EntraA, roles, name: name);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(LocalHostInstance host, HttpMethod method, string path, string token, string? body = null)
    {
        using var response = await host.Client.SendAsync(OperatorEdge.Request(method, path, token, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task A_draft_is_approved_by_a_second_person_with_Compliance_and_its_author_is_refused()
    {
        await using var host = await StartAsync();
        var root = $"/api/tenants/{_edge.A.Name}/content/templates/{Welfare}";
        var maker = Token("zhang.min@bank.example", OperatorRoles.Operator, ContentRoles.Compliance);

        var (status, draft) = await SendAsync(host, HttpMethod.Post, root + "/drafts", maker, """{"title":"首月福利（本行版）","body":"您好，感谢添加！本行新客福利已上线，点开链接了解活动规则。"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("bank", draft.GetProperty("scope").GetString());
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        var version = draft.GetProperty("version").GetInt32();
        Assert.True(version >= 3, "the bank's version continues the default library's numbering");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(host, HttpMethod.Post, $"{root}/versions/{version}/submit", maker)).Status);
        var (refused, problem) = await SendAsync(host, HttpMethod.Post, $"{root}/versions/{version}/approve", maker);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Equal("CheckerIsMaker", problem.GetProperty("reason").GetString());

        var checker = Token("li.hua@bank.example", ContentRoles.Compliance);
        var (approved, view) = await SendAsync(host, HttpMethod.Post, $"{root}/versions/{version}/approve", checker);
        Assert.Equal(HttpStatusCode.OK, approved);
        Assert.Equal("approved", view.GetProperty("status").GetString());
        Assert.Equal("li.hua@bank.example", view.GetProperty("approvedBy").GetString());

        // The same log the seed writes: drafted, submitted, approved — and delivery now sends the bank's version.
        var log = await host.Services.GetRequiredService<IContentApprovalLog>().ReadAsync(TemplateScope.ForBank(_edge.A.Name), Welfare, CancellationToken.None);
        Assert.Equal([ApprovalAction.Drafted, ApprovalAction.Submitted, ApprovalAction.Approved], log.Where(r => r.Template.Version == version).OrderBy(r => r.Sequence).Select(r => r.Action));
        var sendable = await host.Services.GetRequiredService<ContentLibrary>().GetSendableAsync(Welfare, _edge.A.Name, null, CancellationToken.None);
        Assert.Equal(version, sendable.Template!.Template.Version);
        var other = await host.Services.GetRequiredService<ContentLibrary>().GetSendableAsync(Welfare, _edge.B.Name, null, CancellationToken.None);
        Assert.NotEqual(version, other.Template!.Template.Version);
    }

    [Fact]
    public async Task A_draft_with_a_sensitive_word_shows_the_finding_and_cannot_be_approved()
    {
        await using var host = await StartAsync();
        var root = $"/api/tenants/{_edge.A.Name}/content/templates/{Welfare}";
        var maker = Token("wang.fang@bank.example", OperatorRoles.Operator);
        var (_, draft) = await SendAsync(host, HttpMethod.Post, root + "/drafts", maker, """{"body":"这款产品保 本保息，放心买。"}""");
        var finding = Assert.Single(draft.GetProperty("findings").EnumerateArray(), f => f.GetProperty("word").GetString() == "保本");
        Assert.Equal("保 本", finding.GetProperty("matched").GetString());
        var version = draft.GetProperty("version").GetInt32();
        await SendAsync(host, HttpMethod.Post, $"{root}/versions/{version}/submit", maker);

        var (status, problem) = await SendAsync(host, HttpMethod.Post, $"{root}/versions/{version}/approve", Token("li.hua@bank.example", ContentRoles.Compliance));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("SensitiveWords", problem.GetProperty("reason").GetString());
        Assert.NotEmpty(problem.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Roles_decide_who_writes_and_who_checks_and_an_Auditor_only_reads()
    {
        await using var host = await StartAsync();
        var root = $"/api/tenants/{_edge.A.Name}/content/templates";
        var auditor = Token("audit@bank.example", OperatorRoles.Auditor);
        var (listed, list) = await SendAsync(host, HttpMethod.Get, root, auditor);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("id").GetString() == Welfare
            && t.GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("status").GetString() == "approved"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/drafts", auditor, """{"body":"x"}""")).Status);

        var maker = Token("zhang.min@bank.example", OperatorRoles.Operator);
        var (_, draft) = await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/drafts", maker, """{"body":"您好，欢迎添加。"}""");
        var version = draft.GetProperty("version").GetInt32();
        await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/submit", maker);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/approve", Token("boss@bank.example", OperatorRoles.Admin))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/approve", auditor)).Status);
        var (badReason, _) = await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/reject", Token("li.hua@bank.example", ContentRoles.Compliance), """{"reason":""}""");
        Assert.Equal(HttpStatusCode.BadRequest, badReason);
        var (rejected, view) = await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/reject", Token("li.hua@bank.example", ContentRoles.Compliance), """{"reason":"语气不够正式"}""");
        Assert.Equal(HttpStatusCode.OK, rejected);
        Assert.Equal("rejected", view.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/{version}/approve", Token("li.hua@bank.example", ContentRoles.Compliance))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/999/approve", Token("li.hua@bank.example", ContentRoles.Compliance))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(host, HttpMethod.Post, $"{root}/{Welfare}/versions/v1/approve", Token("li.hua@bank.example", ContentRoles.Compliance))).Status);
    }
}
