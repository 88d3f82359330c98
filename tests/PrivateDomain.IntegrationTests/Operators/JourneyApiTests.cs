using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>The operator journey API behind Entra ID bearer tokens (validated by Microsoft.Identity.Web, offline).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JourneyApiTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private Task<LocalHostInstance> StartAsync() =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], OperatorTokens.Settings(_tenant.Name, BankTenant), _tokens.Trust);

    private static HttpRequestMessage Request(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    private string Journeys => $"/api/tenants/{_tenant.Name}/journeys";

    private static object Start(string customer) => new { journeyId = "aida-nurture", customerId = customer, senderId = "zhangsan" };

    /// <summary>Puts a customer in the pool with zhangsan as their active account manager (a start needs both).</summary>
    private async Task SeedAsync(LocalHostInstance host, string customer)
    {
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        Assert.True(await host.Services.GetRequiredService<PrivateDomain.Customers.ICustomerStore>().TryInsertAsync(
            PrivateDomain.Customers.Customer.New(_tenant.Name, customer, at) with { ExternalUserIds = ["wm" + customer] }, CancellationToken.None));
        Assert.True(await host.Services.GetRequiredService<PrivateDomain.Customers.IRelationshipStore>().TryWriteAsync(new PrivateDomain.Customers.Relationship(
            _tenant.Name, "zhangsan", "wm" + customer, customer, at, null, null, null, PrivateDomain.Customers.RelationshipStatus.Active, at, null), null, CancellationToken.None));
    }

    public static TheoryData<string> Unauthenticated() => ["no token", "expired", "wrong audience", "unknown signing key"];

    [Theory]
    [MemberData(nameof(Unauthenticated))]
    public async Task A_call_without_a_valid_token_gets_401(string kind)
    {
        await using var host = await StartAsync();
        var token = kind switch
        {
            "no token" => null,
            "expired" => _tokens.Mint(BankTenant, [OperatorRoles.Operator], expires: DateTime.UtcNow.AddMinutes(-10)),
            "wrong audience" => _tokens.Mint(BankTenant, [OperatorRoles.Operator], audience: "api://someone-else"),
            _ => new OperatorTokens().Mint(BankTenant, [OperatorRoles.Operator]),
        };

        var response = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, token, Start("c1")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_banks_Entra_tenant_or_without_the_role_gets_403_and_the_refusal_is_audited()
    {
        await using var host = await StartAsync();

        var otherBank = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, _tokens.Mint(Guid.NewGuid(), [OperatorRoles.Admin]), Start("c2")));
        var auditor = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, _tokens.Mint(BankTenant, [OperatorRoles.Auditor]), Start("c2")));
        var noRole = await host.Client.SendAsync(Request(HttpMethod.Get, Journeys + "/x", _tokens.Mint(BankTenant, ["Reader"])));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden], new[] { otherBank.StatusCode, auditor.StatusCode, noRole.StatusCode });
        Assert.Equal("application/problem+json", auditor.Content.Headers.ContentType?.MediaType);
        var audit = await host.Services.GetRequiredService<IOperatorAudit>()
            .ListAsync(_tenant.Name, DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None).ToListAsync();
        Assert.Equal(3, audit.Count(a => a.Outcome == "403"));
    }

    [Fact]
    public async Task An_operator_starts_a_journey_for_a_segment_each_customer_with_their_manager_and_nothing_when_it_is_too_large()
    {
        await using var host = await StartAsync();
        var customers = host.Services.GetRequiredService<PrivateDomain.Customers.ICustomerStore>();
        var relationships = host.Services.GetRequiredService<PrivateDomain.Customers.IRelationshipStore>();
        var at = DateTimeOffset.UtcNow.AddDays(-3);
        foreach (var (id, tagged, manager) in new[] { ("s1", true, "zhangsan"), ("s2", true, "lisi"), ("s3", true, "zhangsan"), ("s4", true, null), ("s5", false, "lisi") })
        {
            Assert.True(await customers.TryInsertAsync(PrivateDomain.Customers.Customer.New(_tenant.Name, id, at) with
            {
                ExternalUserIds = ["wmSeg" + id],
                Tags = tagged ? [new PrivateDomain.Customers.CustomerTag("代发", PrivateDomain.Customers.TagKind.Static, "crm", at)] : [],
            }, CancellationToken.None));
            if (manager is not null)
            {
                Assert.True(await relationships.TryWriteAsync(new PrivateDomain.Customers.Relationship(_tenant.Name, manager, "wmSeg" + id, id, at, null, null, null,
                    PrivateDomain.Customers.RelationshipStatus.Active, at, null), null, CancellationToken.None));
            }
        }

        var operatorToken = _tokens.Mint(BankTenant, [OperatorRoles.Operator]);
        var segment = new { journeyId = "aida-nurture", segment = "tag:代发", limit = (int?)null };
        var bad = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys + "/segment-starts", operatorToken, segment with { segment = "tag:代发 AND (" }));
        var tooLarge = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys + "/segment-starts", operatorToken, segment with { limit = (int?)3 }));
        var auditor = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys + "/segment-starts", _tokens.Mint(BankTenant, [OperatorRoles.Auditor]), segment));
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Forbidden], new[] { bad.StatusCode, tooLarge.StatusCode, auditor.StatusCode });
        var journeys = host.Services.GetRequiredService<PrivateDomain.Journeys.Running.IJourneyStore>();
        Assert.Null(await journeys.GetAsync(_tenant.Name, PrivateDomain.Journeys.JourneyInstanceId.For(_tenant.Name, "aida-nurture", "s1"), CancellationToken.None));

        var first = await (await host.Client.SendAsync(Request(HttpMethod.Post, Journeys + "/segment-starts", operatorToken, segment))).Content.ReadFromJsonAsync<JsonElement>();
        var again = await (await host.Client.SendAsync(Request(HttpMethod.Post, Journeys + "/segment-starts", operatorToken, segment))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal((4, 3, 0, 1), (first.GetProperty("matched").GetInt32(), first.GetProperty("started").GetInt32(), first.GetProperty("alreadyStarted").GetInt32(), first.GetProperty("noAccountManager").GetInt32()));
        Assert.Equal((4, 0, 3, 1), (again.GetProperty("matched").GetInt32(), again.GetProperty("started").GetInt32(), again.GetProperty("alreadyStarted").GetInt32(), again.GetProperty("noAccountManager").GetInt32()));
        var s2 = (await journeys.GetAsync(_tenant.Name, PrivateDomain.Journeys.JourneyInstanceId.For(_tenant.Name, "aida-nurture", "s2"), CancellationToken.None))!.Value.Record;
        Assert.Equal("lisi", s2.State.SenderId);
        Assert.Null(await journeys.GetAsync(_tenant.Name, PrivateDomain.Journeys.JourneyInstanceId.For(_tenant.Name, "aida-nurture", "s5"), CancellationToken.None));
    }

    [Fact]
    public async Task An_operator_starts_reads_signals_and_cancels_a_journey_and_every_action_is_audited()
    {
        await using var host = await StartAsync();
        var token = _tokens.Mint(BankTenant, [OperatorRoles.Operator], name: "li.ming@bank.example");
        await SeedAsync(host, "cApi");

        var created = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, token, Start("cApi")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        var instanceId = view.GetProperty("instanceId").GetString()!;
        Assert.Equal("Running", view.GetProperty("status").GetString());

        var again = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, token, Start("cApi")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(instanceId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString());

        var url = $"{Journeys}/{Uri.EscapeDataString(instanceId)}";
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(Request(HttpMethod.Post, url + "/signals", token, new { kind = "intent" }))).StatusCode);
        var read = await host.Client.SendAsync(Request(HttpMethod.Get, url, _tokens.Mint(BankTenant, [OperatorRoles.Auditor])));
        Assert.True((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("intent").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.SendAsync(Request(HttpMethod.Delete, url, token))).StatusCode);
        var after = await (await host.Client.SendAsync(Request(HttpMethod.Get, url, token))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Completed", "Cancelled"), (after.GetProperty("status").GetString(), after.GetProperty("endReason").GetString()));

        var audit = await host.Services.GetRequiredService<IOperatorAudit>()
            .ListAsync(_tenant.Name, DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None).ToListAsync();
        Assert.Equal(["journey.start", "journey.start", "journey.signal:intent", "journey.get", "journey.cancel", "journey.get"], audit.Select(a => a.Action));
        Assert.Equal([true, true, true, false, true, true], audit.Select(a => a.Actor.Contains("li.ming@bank.example", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_unknown_journey_or_signal_is_a_validation_problem_naming_the_field()
    {
        await using var host = await StartAsync();
        var token = _tokens.Mint(BankTenant, [OperatorRoles.Admin]);

        var badJourney = await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, token, new { journeyId = "nope", customerId = "c", senderId = "s" }));
        Assert.Equal(HttpStatusCode.BadRequest, badJourney.StatusCode);
        Assert.True((await badJourney.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("journeyId", out _));

        await SeedAsync(host, "cBad");
        var created = await (await host.Client.SendAsync(Request(HttpMethod.Post, Journeys, token, Start("cBad")))).Content.ReadFromJsonAsync<JsonElement>();
        var url = $"{Journeys}/{Uri.EscapeDataString(created.GetProperty("instanceId").GetString()!)}/signals";
        var badSignal = await host.Client.SendAsync(Request(HttpMethod.Post, url, token, new { kind = "waved" }));
        Assert.Equal(HttpStatusCode.BadRequest, badSignal.StatusCode);
        Assert.True((await badSignal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("kind", out _));
    }
}
