using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Local;
using PrivateDomain.Local.Operators;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>
/// Operator access on a laptop: in the Development environment (<c>./pd run</c>) the documented <c>./pd token --role …</c>
/// gives a token the operator API accepts, authorised and audited like an Entra token; outside Development the
/// development key is refused at start; and a host with no authentication says why instead of answering a bare 404.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalOperatorAccessTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();
    private readonly TestTenant _tenant = TestTenant.Create("dev" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private Dictionary<string, string?> Settings => new()
    {
        [$"Operators:Tenants:{_tenant.Name}:EntraTenantId"] = BankTenant.ToString(),
        ["Local:QueueWorkers"] = "false",
        ["Local:PayrollRun"] = "false",
        ["Local:SeedContent"] = "false",
        ["Local:WeComSandbox"] = "false",
    };

    /// <summary>What <c>./pd token ARGS</c> prints, reading the Development configuration (appsettings.Development.json
    /// next to the app, plus this test's tenant) the way the command does.</summary>
    private (int Exit, string Output, string Error) Token(string environment, params string[] args) => Token(environment, TimeProvider.System, args);

    private (int Exit, string Output, string Error) Token(string environment, TimeProvider time, params string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, Args = args });
        builder.Configuration.AddInMemoryCollection(Settings);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = TokenCommand.Run(args, builder.Configuration, builder.Environment, time, output, error);
        return (exit, output.ToString().Trim(), error.ToString());
    }

    private static HttpRequestMessage Request(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    [Fact]
    public async Task A_token_from_the_documented_command_operates_the_Development_host_with_the_roles_it_names()
    {
        // The host's clock pinned to a Tuesday (the journey starts, and is audited, on it); tokens are minted on it too, and
        // the host judges their lifetime on it, so nothing here depends on the machine's date.
        var clock = new PinnedClock(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], Settings,
            services => services.AddSingleton<TimeProvider>(clock), environment: "Development");
        var at = clock.GetUtcNow().AddDays(-1);
        await host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(
            Customer.New(_tenant.Name, "c1", at) with { ExternalUserIds = ["wmc1"] }, CancellationToken.None);
        await host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(new Relationship(
            _tenant.Name, "zhangsan", "wmc1", "c1", at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None);
        var journeys = $"/api/tenants/{_tenant.Name}/journeys";
        var start = new { journeyId = "aida-nurture", customerId = "c1", senderId = "zhangsan" };

        var operatorToken = Token("Development", clock, "--role", "Operator", "--tenant", _tenant.Name, "--name", "ops@dev.local");
        var auditorToken = Token("Development", clock, "--role", "Auditor", "--tenant", _tenant.Name);
        var yesterdays = Token("Development", new PinnedClock(clock.GetUtcNow().AddDays(-1)), "--role", "Operator", "--tenant", _tenant.Name);
        Assert.Equal(0, operatorToken.Exit);
        Assert.Equal(0, auditorToken.Exit);

        var refused = await host.Client.SendAsync(Request(HttpMethod.Post, journeys, auditorToken.Output, start));
        var started = await host.Client.SendAsync(Request(HttpMethod.Post, journeys, operatorToken.Output, start));
        var instanceId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!;
        var read = await host.Client.SendAsync(Request(HttpMethod.Get, $"{journeys}/{Uri.EscapeDataString(instanceId)}", auditorToken.Output));
        var windows = await host.Client.SendAsync(Request(HttpMethod.Get, $"/api/tenants/{_tenant.Name}/payroll/windows", operatorToken.Output));
        var forged = await host.Client.SendAsync(Request(HttpMethod.Get, $"{journeys}/{Uri.EscapeDataString(instanceId)}",
            new LocalOperatorTokens(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Mint(BankTenant, [OperatorRoles.Admin], "x", TimeSpan.FromHours(1), clock.GetUtcNow())));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, windows.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(Request(HttpMethod.Get, $"{journeys}/{Uri.EscapeDataString(instanceId)}", yesterdays.Output))).StatusCode);
        var audit = await host.Services.GetRequiredService<IOperatorAudit>().ListAsync(_tenant.Name,
            DateOnly.FromDateTime(host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();
        Assert.Contains(audit, e => e.Action == "journey.start" && e.Actor.Contains("ops@dev.local", StringComparison.Ordinal) && e.Outcome.StartsWith("201", StringComparison.Ordinal));
    }

    [Fact]
    public void The_token_command_refuses_outside_Development_and_names_what_is_wrong()
    {
        var production = Token("Production", "--role", "Operator", "--tenant", _tenant.Name);
        var noRole = Token("Development", "--tenant", _tenant.Name);
        var badRole = Token("Development", "--role", "Root", "--tenant", _tenant.Name);
        var unknownTenant = Token("Development", "--role", "Operator", "--tenant", "nosuchbank");

        Assert.Equal((2, ""), (production.Exit, production.Output));
        Assert.Contains("Development environment", production.Error, StringComparison.Ordinal);
        Assert.Equal(2, noRole.Exit);
        Assert.Contains("--role", noRole.Error, StringComparison.Ordinal);
        Assert.Equal(2, badRole.Exit);
        Assert.Contains("'Root'", badRole.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknownTenant.Exit);
        Assert.Contains("nosuchbank", unknownTenant.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_outside_Development_refuses_to_start_with_the_development_token_key()
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Storage:ConnectionString"] = fixture.Azurite.ConnectionString(),
            ["Customers:PhoneHashKey"] = LocalHostInstance.TestPhoneHashKey,
            [LocalOperatorTokens.SigningKeySetting] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };

        var e = Assert.Throws<InvalidOperationException>(() => LocalHost.Build(["--environment", "Production", "--urls", "http://127.0.0.1:0"], settings));

        Assert.Contains(LocalOperatorTokens.SigningKeySetting, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_authentication_an_operator_route_answers_a_problem_saying_how_to_turn_it_on()
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], Settings);

        var response = await host.Client.GetAsync(new Uri($"/api/tenants/{_tenant.Name}/payroll/windows", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("AzureAd:ClientId", detail, StringComparison.Ordinal);
        Assert.Contains("./pd token", detail, StringComparison.Ordinal);
    }
}
