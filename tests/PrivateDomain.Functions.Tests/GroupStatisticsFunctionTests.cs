using PrivateDomain.Customers;
using PrivateDomain.Functions.Customers;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.Functions.Tests;

/// <summary>The nightly group-figures timer as the Functions app registers it: it runs every tenant and fails the run when
/// a tenant's figures could not be read, so the host records the failure (the local host logs and carries on).</summary>
[Collection(FunctionsCollection.Name)]
public sealed class GroupStatisticsFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_tenant_whose_figures_cannot_be_read_fails_the_nightly_run_and_stores_nothing()
    {
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, new DateTimeOffset(2026, 12, 5, 20, 0, 0, TimeSpan.Zero));
        // A group whose owner is known, but the tenant has no WeCom app secret: groupchat/statistic cannot be called.
        await host.Get<IGroupChatStore>().SetOwnerAsync(host.Tenant, "wrChatOfLina", "lina", CancellationToken.None);

        var failure = await Assert.ThrowsAsync<AggregateException>(() => host.Function<GroupCodeFunctions>().ReadStatisticsAsync(null!, CancellationToken.None));
        Assert.Contains(host.Tenant, Assert.Single(failure.InnerExceptions).Message, StringComparison.Ordinal);
        var stored = new List<GroupChatDailyStats>();
        await foreach (var d in host.Get<IGroupChatStatistics>().ListAsync(host.Tenant, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 6), CancellationToken.None))
        {
            stored.Add(d);
        }

        Assert.Empty(stored);
    }
}
