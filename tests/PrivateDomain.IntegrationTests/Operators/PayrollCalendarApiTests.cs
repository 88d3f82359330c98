using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>Publishing a year's holiday notice without a deploy (<c>PUT …/payroll/calendars/{year}</c>) on the local host
/// over Azurite: Admin only, validated like a repository file, stored in Blob Storage, audited, and in force for the
/// windows API at once. The host's clock is pinned; the 2027 notices here are synthetic test data, not the State
/// Council's.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PayrollCalendarApiTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();

    // 20 December 2026, 10:00 in Shanghai: E-1's January 2027 window (day:10) would open around New Year, inside the
    // 30 days asked about, and 2027 is not in the repository.
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 12, 20, 10, 0, 0, TimeSpan.FromHours(8)));
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private string Payroll => $"/api/tenants/{_tenant.Name}/payroll";

    /// <summary>Synthetic 2027 (not an official notice): 元旦 from Friday 1 to Sunday 3 January, nothing else.</summary>
    private static string Synthetic2027(string makeUpWorkingDays = "[]", int year = 2027) => $$"""
        {
          "year": {{year}},
          "source": {
            "title": "Synthetic test calendar for {{year}} (not an official notice)",
            "documentNumber": "test-{{year}}",
            "issuedOn": "{{year - 1}}-11-01",
            "url": "https://example.invalid/synthetic/{{year}}"
          },
          "holidays": [ { "name": "元旦", "from": "{{year}}-01-01", "to": "{{year}}-01-03" } ],
          "makeUpWorkingDays": {{makeUpWorkingDays}}
        }
        """;

    private static HttpRequestMessage Request(HttpMethod method, string url, string token, string? json = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    private async Task<LocalHostInstance> StartHostAsync()
    {
        var settings = new Dictionary<string, string?>(OperatorTokens.Settings(_tenant.Name, BankTenant)) { ["Local:PayrollRun"] = "false" };
        var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], settings, s =>
        {
            _tokens.Trust(s);
            s.AddSingleton<TimeProvider>(_clock);
        });
        await host.Services.GetRequiredService<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer("E-1", PaydayRule.Parse("day:10")), CancellationToken.None);
        return host;
    }

    [Fact]
    public async Task A_published_2027_notice_makes_January_2027_windows_decided_without_a_restart()
    {
        await using var host = await StartHostAsync();
        var auditor = _tokens.Mint(BankTenant, [OperatorRoles.Auditor]);
        var admin = _tokens.Mint(BankTenant, [OperatorRoles.Admin], name: "admin@bank.example");

        var before = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/windows?days=30", auditor))).Content.ReadFromJsonAsync<JsonElement>();
        var undecided = before.GetProperty("undecided").EnumerateArray().First(u => u.GetProperty("payMonth").GetString() == "2027-01");
        Assert.Equal(("E-1", 2027), (undecided.GetProperty("employerId").GetString(), undecided.GetProperty("missingYear").GetInt32()));
        Assert.StartsWith("calendar for 2027 missing", undecided.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["calendar for 2027 missing; pay months 2027-01, 2027-02 undecided"],
            before.GetProperty("calendarWarnings").EnumerateArray().Select(w => w.GetString()));
        Assert.DoesNotContain(before.GetProperty("windows").EnumerateArray(), w => w.GetProperty("payMonth").GetString() == "2027-01");

        var created = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", admin, Synthetic2027()));
        var replaced = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", admin, Synthetic2027()));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (created.StatusCode, replaced.StatusCode));
        Assert.Equal("published", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("source").GetString());

        // Same host, no restart: 10 January 2027 is a Sunday, so payday is Friday 8 January and D-5 is 31 December.
        var after = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/windows?days=30", auditor))).Content.ReadFromJsonAsync<JsonElement>();
        var january = after.GetProperty("windows").EnumerateArray().Single(w => w.GetProperty("payMonth").GetString() == "2027-01");
        Assert.Equal("2027-01-08", january.GetProperty("payday").GetString());
        Assert.Equal(["2026-12-31", "2027-01-04", "2027-01-05"], january.GetProperty("campaignDays").EnumerateArray().Select(d => d.GetString()));
        Assert.Empty(after.GetProperty("undecided").EnumerateArray());
        Assert.Empty(after.GetProperty("calendarWarnings").EnumerateArray());

        // Starting that campaign by hand works too.
        var start = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{Payroll}/campaigns")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Mint(BankTenant, [OperatorRoles.Operator])) },
            Content = JsonContent.Create(new { employerId = "E-1", payMonth = "2027-01" }),
        });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);

        var years = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/calendars", auditor))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([(2026, "repository"), (2027, "published")],
            years.EnumerateArray().Select(y => (y.GetProperty("year").GetInt32(), y.GetProperty("source").GetString())));
        Assert.Contains("admin@bank.example", years.EnumerateArray().Last().GetProperty("publishedBy").GetString(), StringComparison.Ordinal);

        var audit = await host.Services.GetRequiredService<IOperatorAudit>()
            .ListAsync(_tenant.Name, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();
        Assert.Contains(audit, a => a.Action == "payroll.calendar.publish" && a.Target == "2027" && a.Outcome == "201" && a.Actor.Contains("admin@bank.example", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "payroll.calendar.publish" && a.Target == "2027" && a.Outcome == "200");
    }

    [Fact]
    public async Task Only_an_Admin_publishes_and_a_bad_notice_is_refused_naming_the_field()
    {
        await using var host = await StartHostAsync();
        var admin = _tokens.Mint(BankTenant, [OperatorRoles.Admin]);

        var byOperator = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", _tokens.Mint(BankTenant, [OperatorRoles.Operator]), Synthetic2027()));
        Assert.Equal(HttpStatusCode.Forbidden, byOperator.StatusCode);

        // A make-up working day on a Friday (2027-01-08): the reader's rule, as for a repository file.
        var friday = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", admin,
            Synthetic2027("""[ { "date": "2027-01-08", "for": "元旦" } ]""")));
        Assert.Equal(HttpStatusCode.BadRequest, friday.StatusCode);
        Assert.Equal("application/problem+json", friday.Content.Headers.ContentType?.MediaType);
        var problem = await friday.Content.ReadFromJsonAsync<JsonElement>();
        var error = Assert.Single(problem.GetProperty("errors").GetProperty("makeUpWorkingDays[0].date").EnumerateArray()).GetString();
        Assert.Contains("2027-01-08 is a Friday", error, StringComparison.Ordinal);
        Assert.Contains("makeUpWorkingDays[0].date", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The body's year must be the route's.
        var wrongYear = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", admin, Synthetic2027(year: 2028)));
        Assert.Equal(HttpStatusCode.BadRequest, wrongYear.StatusCode);
        Assert.True((await wrongYear.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("year", out _));

        // Not JSON at all.
        var notJson = await host.Client.SendAsync(Request(HttpMethod.Put, $"{Payroll}/calendars/2027", admin, "{ \"year\": 2027, "));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("not valid JSON", (await notJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);

        // Nothing was published.
        var years = await (await host.Client.SendAsync(Request(HttpMethod.Get, $"{Payroll}/calendars", admin))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([2026], years.EnumerateArray().Select(y => y.GetProperty("year").GetInt32()));
        var audit = await host.Services.GetRequiredService<IOperatorAudit>()
            .ListAsync(_tenant.Name, DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();
        Assert.Contains(audit, a => a.Action == "payroll.calendar.publish" && a.Outcome == "403");
        Assert.Equal(3, audit.Count(a => a.Action == "payroll.calendar.publish" && a.Outcome == "400"));
    }
}
