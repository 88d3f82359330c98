using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local.Customers;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// Hostile and oversize identifiers and malformed requests are refused at every edge — operator HTTP, CRM import over
/// HTTP, the import command, the WeCom callback — with a 400 problem naming the field (or a poison entry with the
/// reason), before anything is stored; never a 500, never a row that later jams a queue.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class EdgeInputTests(AzuriteFixture fixture) : IDisposable
{
    private readonly OperatorEdge _edge = new("inp");
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"crm-edge-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_file);

    private Task<LocalHostInstance> StartAsync() =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);

    private string Token => _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Admin]);

    private string CrmLine(string crmId, object data, string? tenant = null) => JsonSerializer.Serialize(new
    {
        schema = CrmMessage.Schema, messageId = Guid.NewGuid().ToString(), type = CrmMessageTypes.CustomerUpserted, tenant = tenant ?? _edge.A.Name,
        crmId, version = 1, occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), data,
    });

    private static async Task AssertProblemNamingAsync(HttpResponseMessage response, string field, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"{what}: no error for '{field}' in {text}");
    }

    public static TheoryData<string, string, string, string> HostileOperatorRequests() => new()
    {
        // what, method + path (after /api/tenants/{A}), body, field the problem must name
        { "customer id with key characters", "POST /journeys", """{"journeyId":"aida-nurture","customerId":"c/1#x?","senderId":"zhangsan"}""", "customerId" },
        { "oversize customer id", "POST /journeys", $$"""{"journeyId":"aida-nurture","customerId":"{{new string('c', 300)}}","senderId":"zhangsan"}""", "customerId" },
        { "sender with a control character", "POST /journeys", "{\"journeyId\":\"aida-nurture\",\"customerId\":\"c1\",\"senderId\":\"zhang\\u0001san\"}", "senderId" },
        { "oversize occurrence", "POST /journeys", $$"""{"journeyId":"aida-nurture","customerId":"c1","senderId":"zhangsan","occurrence":"{{new string('o', 200)}}"}""", "occurrence" },
        { "oversize instance id", $"GET /journeys/{new string('i', 150)}", "", "instanceId" },
        { "instance id with key characters", "POST /journeys/a%23b%3Fc/signals", """{"kind":"intent"}""", "instanceId" },
        { "oversize segment", "POST /journeys/segment-starts", $$"""{"journeyId":"aida-nurture","segment":"tag:{{new string('t', 5000)}}"}""", "segment" },
        { "oversize employer", "POST /payroll/campaigns", $$"""{"employerId":"{{new string('e', 300)}}","payMonth":"2026-12"}""", "employerId" },
        { "manager with key characters", "GET /payroll/managers/a%5Cb/tasks", "", "managerId" },
        { "campaign id with key characters", "DELETE /payroll/campaigns/a%2Fb", "", "campaignId" },
        { "broken JSON", "POST /journeys", """{"journeyId":""", "body" },
        { "empty body", "POST /journeys", "", "body" },
        { "a number where a string belongs", "POST /journeys", """{"journeyId":5,"customerId":"c1","senderId":"zhangsan"}""", "journeyId" },
        { "a string where a number belongs", "POST /journeys/segment-starts", """{"journeyId":"aida-nurture","segment":"tag:x","limit":"ten"}""", "limit" },
        { "an array for the body", "POST /payroll/campaigns", """["E-1","2026-12"]""", "body" },
        { "a word for days", "GET /payroll/windows?days=fourteen", "", "days" },
        { "a word for max", "GET /payroll/managers/zhangsan/tasks?max=lots", "", "max" },
    };

    [Theory]
    [MemberData(nameof(HostileOperatorRequests))]
    public async Task A_hostile_or_malformed_operator_request_is_a_400_problem_naming_the_field(string what, string request, string body, string field)
    {
        await using var host = await StartAsync();
        var (method, path) = (request[..request.IndexOf(' ', StringComparison.Ordinal)], request[(request.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var before = await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.A.Name, "OperatorAudit");

        var response = await host.Client.SendAsync(OperatorEdge.Request(new HttpMethod(method), $"/api/tenants/{_edge.A.Name}{path}", Token,
            method is "POST" ? body : null));

        await AssertProblemNamingAsync(response, field, what);
        Assert.Equal(before, await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.A.Name, "OperatorAudit"));
    }

    [Fact]
    public async Task An_HTTP_import_refuses_oversize_and_hostile_ids_line_by_line_naming_the_field_and_applies_the_rest()
    {
        await using var host = await StartAsync();
        var jsonl = string.Join('\n',
            CrmLine("K1", new { name = "好" }),
            CrmLine(new string('K', 2000), new { name = "长号" }),
            CrmLine("K3", new { tags = Enumerable.Range(0, 150).Select(i => "t" + i).ToArray() }),
            CrmLine("K4", new { tags = new[] { new string('标', 500) } }),
            CrmLine("K5", new { externalUserIds = new[] { "wm/../x#?" } }),
            CrmLine("K6", new { name = "好" }));

        var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Post, $"/api/tenants/{_edge.A.Name}/crm/import", Token, jsonl, "application/x-ndjson"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var summary = JsonDocument.Parse(text).RootElement;
        Assert.Equal((6, 2, 4), (summary.GetProperty("lines").GetInt32(), summary.GetProperty("applied").GetInt32(), summary.GetProperty("poisoned").GetInt32()));
        var problems = summary.GetProperty("firstProblems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Collection(problems,
            p => Assert.Contains("line 2: crmId", p, StringComparison.Ordinal),
            p => Assert.Contains("line 3: data.tags", p, StringComparison.Ordinal),
            p => Assert.Contains("line 4: data.tags[0]", p, StringComparison.Ordinal),
            p => Assert.Contains("line 5: data.externalUserIds[0]", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_import_command_refuses_oversize_and_hostile_ids_with_the_reason_and_imports_the_rest()
    {
        await using var host = await StartAsync();
        await File.WriteAllLinesAsync(_file, [
            CrmLine("K1", new { name = "好" }),
            CrmLine(new string('K', 2000), new { name = "长号" }),
            CrmLine("K3", new { tags = new[] { "a|b" } }),
            CrmLine("K4", new { attributes = new Dictionary<string, string> { ["aum"] = new string('9', 5000) } }),
        ]);
        var output = new StringWriter();

        var exit = await CustomerCommands.ImportAsync(host.Services, ["--tenant", _edge.A.Name, _file], output, new StringWriter());

        Assert.Equal(1, exit);
        var summary = JsonDocument.Parse(output.ToString()).RootElement;
        Assert.Equal((1, 3), (summary.GetProperty("customers").GetInt32(), summary.GetProperty("rejected").GetInt32()));
        var poison = new TableServiceClient(fixture.Azurite.ConnectionString()).GetTableClient(TableCrmPoisonStore.TableName);
        var reasons = await poison.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo(_edge.A.Name + "|") > 0 && e.PartitionKey.CompareTo(_edge.A.Name + "}") < 0)
            .Select(e => e.GetString("Reason")).ToListAsync();
        Assert.Contains(reasons, r => r.StartsWith("crmId", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("data.tags[0]", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("data.attributes.aum", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> HostileCallbackFields() => new()
    {
        { "oversize ExternalUserID", "ExternalUserID" },
        { "ExternalUserID with key characters", "ExternalUserID" },
        { "oversize UserID", "UserID" },
        { "oversize State", "State" },
    };

    [Theory]
    [MemberData(nameof(HostileCallbackFields))]
    public async Task A_callback_with_a_hostile_or_oversize_WeCom_field_is_a_400_naming_it_and_nothing_is_stored(string what, string field)
    {
        await using var host = await StartAsync();
        var xml = what switch
        {
            "oversize ExternalUserID" => _edge.A.AddExternalContactXml("zhangsan", "wm" + new string('x', 100), DateTimeOffset.UtcNow),
            "ExternalUserID with key characters" => _edge.A.AddExternalContactXml("zhangsan", "wm/a#b?c", DateTimeOffset.UtcNow),
            "oversize UserID" => _edge.A.AddExternalContactXml(new string('u', 65), "wmOk", DateTimeOffset.UtcNow),
            _ => _edge.A.AddExternalContactXml("zhangsan", "wmOk", DateTimeOffset.UtcNow, state: new string('s', 31)),
        };
        var before = await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.A.Name);
        var (url, body) = _edge.A.SignedPost(xml, DateTimeOffset.UtcNow);

        using var response = await host.Client.PostAsync(url, TestTenant.Xml(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, text, StringComparison.Ordinal);
        Assert.Equal(before, await OperatorEdge.SnapshotAsync(fixture.Azurite.ConnectionString(), _edge.A.Name));
    }
}
