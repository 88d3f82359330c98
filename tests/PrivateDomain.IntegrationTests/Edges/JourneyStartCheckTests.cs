using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>A journey starts only for a customer in the pool, sent by one of that customer's active account managers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JourneyStartCheckTests(AzuriteFixture fixture)
{
    private readonly OperatorEdge _edge = new("sta");

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "no such customer", "cGhost", "customerId" },
        { "a sender who is not the customer's account manager", "cReal", "senderId" },
        { "a sender the customer deleted", "cDeleted", "senderId" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_start_for_a_missing_customer_or_a_sender_who_is_not_their_active_manager_is_a_422_naming_the_field(string what, string customer, string field)
    {
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_edge.A, _edge.B], _edge.Settings(), _edge.Tokens.Trust);
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        foreach (var (id, manager, status) in new[] { ("cReal", "lisi", RelationshipStatus.Active), ("cDeleted", "zhangsan", RelationshipStatus.DeletedByCustomer) })
        {
            Assert.True(await host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(_edge.A.Name, id, at) with { ExternalUserIds = ["wm" + id] }, CancellationToken.None));
            Assert.True(await host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                new Relationship(_edge.A.Name, manager, "wm" + id, id, at, null, null, null, status, at, null), null, CancellationToken.None));
        }

        var response = await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Post, $"/api/tenants/{_edge.A.Name}/journeys",
            _edge.Tokens.Mint(_edge.EntraA, [OperatorRoles.Operator]), $$"""{"journeyId":"aida-nurture","customerId":"{{customer}}","senderId":"zhangsan"}"""));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
        Assert.Null(await host.Services.GetRequiredService<PrivateDomain.Journeys.Running.IJourneyStore>().GetAsync(_edge.A.Name,
            PrivateDomain.Journeys.JourneyInstanceId.For(_edge.A.Name, "aida-nurture", customer), CancellationToken.None));
    }
}
