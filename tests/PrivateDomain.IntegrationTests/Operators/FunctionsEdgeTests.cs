using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Local.Journeys;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>
/// The operator edge as the Functions app runs it: no authentication middleware in front (the isolated worker's
/// functions are not reached by it), so each handler authenticates the bearer token itself through
/// <see cref="OperatorAccess.AuthenticateAsync"/> before the shared <see cref="JourneyOperatorHttp"/> runs. Served here
/// from a branch that sits ahead of the local host's middleware, with the same offline Microsoft.Identity.Web validation.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsEdgeTests(AzuriteFixture fixture)
{
    private static readonly Guid BankTenant = Guid.NewGuid();
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private readonly OperatorTokens _tokens = new();

    private Task<LocalHostInstance> StartAsync() =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], OperatorTokens.Settings(_tenant.Name, BankTenant), services =>
        {
            _tokens.Trust(services);
            services.AddSingleton<IStartupFilter, FunctionStyleStart>();
        });

    private async Task<HttpResponseMessage> PostAsync(LocalHostInstance host, string? token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/edge/{_tenant.Name}") { Content = JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await host.Client.SendAsync(request);
    }

    private static object Start(string customer) => new { journeyId = "aida-nurture", customerId = customer, senderId = "zhangsan" };

    [Fact]
    public async Task Without_middleware_a_missing_or_wrong_audience_token_gets_a_401_problem_and_nothing_runs()
    {
        await using var host = await StartAsync();

        var none = await PostAsync(host, null, Start("cNone"));
        var wrongAudience = await PostAsync(host, _tokens.Mint(BankTenant, [OperatorRoles.Operator], audience: "api://someone-else"), Start("cAud"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAudience.StatusCode);
        var audit = await host.Services.GetRequiredService<IOperatorAudit>().ListAsync(_tenant.Name, DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None).ToListAsync();
        Assert.Empty(audit);
    }

    [Fact]
    public async Task Without_middleware_the_tenant_and_role_are_still_checked_and_an_operator_starts_the_journey()
    {
        await using var host = await StartAsync();

        var otherBank = await PostAsync(host, _tokens.Mint(Guid.NewGuid(), [OperatorRoles.Operator]), Start("cOther"));
        var auditor = await PostAsync(host, _tokens.Mint(BankTenant, [OperatorRoles.Auditor]), Start("cAuditor"));
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        Assert.True(await host.Services.GetRequiredService<PrivateDomain.Customers.ICustomerStore>().TryInsertAsync(
            PrivateDomain.Customers.Customer.New(_tenant.Name, "cEdge", at) with { ExternalUserIds = ["wmEdge"] }, CancellationToken.None));
        Assert.True(await host.Services.GetRequiredService<PrivateDomain.Customers.IRelationshipStore>().TryWriteAsync(new PrivateDomain.Customers.Relationship(
            _tenant.Name, "zhangsan", "wmEdge", "cEdge", at, null, null, null, PrivateDomain.Customers.RelationshipStatus.Active, at, null), null, CancellationToken.None));
        var started = await PostAsync(host, _tokens.Mint(BankTenant, [OperatorRoles.Operator]), Start("cEdge"));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (otherBank.StatusCode, auditor.StatusCode));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var audit = await host.Services.GetRequiredService<IOperatorAudit>().ListAsync(_tenant.Name, DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None).ToListAsync();
        Assert.Equal(["403", "403", "201"], audit.Select(a => a.Outcome));
    }

    /// <summary>Runs <c>POST /edge/{tenant}</c> the way <c>OperatorJourneyStart</c> does, ahead of every middleware of the host.</summary>
    private sealed class FunctionStyleStart : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/edge", edge => edge.Run(async http =>
            {
                var tenant = http.Request.Path.Value!.Trim('/');
                var services = http.RequestServices;
                var result = await OperatorAccess.AuthenticateAsync(http)
                    ?? await JourneyOperatorHttp.StartAsync(http, tenant, services.GetRequiredService<OperatorAccess>(), services.GetRequiredService<JourneyCatalog>(),
                        services.GetRequiredService<PrivateDomain.Customers.ICustomerStore>(), services.GetRequiredService<PrivateDomain.Customers.IRelationshipStore>(),
                        services.GetRequiredService<RunnerJourneyOperations>(), http.RequestAborted);

                await result.ExecuteAsync(http);
            }));
            next(app);
        };
    }
}
