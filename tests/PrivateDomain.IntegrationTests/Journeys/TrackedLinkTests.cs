using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Local.Journeys;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>Tracked links and the unsubscribe page: where engagement and opt-out signals come from.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TrackedLinkTests(AzuriteFixture fixture)
{
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private async Task<(LocalHostInstance Host, string CustomerId, string InstanceId)> StartJourneyAsync()
    {
        var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" },
            s => s.AddSingleton(JourneyClock.Manual(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8)))));
        var customerId = await host.Services.GetRequiredService<ICustomerPool>().EnsureForExternalUserAsync(_tenant.Name, "wmLinks", DateTimeOffset.UtcNow, CancellationToken.None);
        var (instanceId, _) = await host.Services.GetRequiredService<JourneyRunner>().StartAsync(_tenant.Name, "aida-nurture", customerId, "zhangsan", null, CancellationToken.None);
        return (host, customerId, instanceId);
    }

    private static HttpClient NoRedirects(LocalHostInstance host) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

    [Fact]
    public async Task A_click_redirects_to_the_target_tags_the_customer_and_counts_as_a_reaction_in_their_journey()
    {
        var (host, customerId, instanceId) = await StartJourneyAsync();
        await using var _ = host;
        var token = host.Services.GetRequiredService<TrackedLinkSigner>().Create(
            new TrackedLink(_tenant.Name, customerId, instanceId + "/r1/attention-welfare", new Uri("https://bank.example/welfare")));
        using var client = NoRedirects(host);

        var response = await client.GetAsync($"/l/{token}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://bank.example/welfare", response.Headers.Location!.AbsoluteUri);
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customerId, CancellationToken.None);
        Assert.True(profile!.Value.HasTag(TrackedLinkApi.ClickedTag));
        var journey = await host.Services.GetRequiredService<IJourneyStore>().GetAsync(_tenant.Name, instanceId, CancellationToken.None);
        Assert.Equal(1, journey!.Value.Record.State.Reactions);
    }

    [Fact]
    public async Task The_unsubscribe_page_changes_nothing_on_GET_and_opts_the_customer_out_of_journeys_on_POST()
    {
        var (host, customerId, instanceId) = await StartJourneyAsync();
        await using var _ = host;
        var token = host.Services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(_tenant.Name, customerId, null, null));

        var page = await host.Client.GetAsync($"/u/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("确认退订", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(JourneyStatus.Running, (await host.Services.GetRequiredService<IJourneyStore>().GetAsync(_tenant.Name, instanceId, CancellationToken.None))!.Value.Record.Status);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync($"/u/{token}", null)).StatusCode);

        var journey = (await host.Services.GetRequiredService<IJourneyStore>().GetAsync(_tenant.Name, instanceId, CancellationToken.None))!.Value.Record;
        Assert.Equal((JourneyStatus.Completed, JourneyEnd.OptedOut), (journey.Status, journey.EndReason));
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customerId, CancellationToken.None);
        Assert.True(profile!.Value.HasTag(TrackedLinkApi.OptedOutTag));
    }

    [Fact]
    public async Task A_forged_or_mismatched_token_gets_404_and_changes_nothing()
    {
        var (host, customerId, _) = await StartJourneyAsync();
        await using var _ = host;
        var click = host.Services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(_tenant.Name, customerId, null, new Uri("https://bank.example/")));
        var unsubscribe = host.Services.GetRequiredService<TrackedLinkSigner>().Create(new TrackedLink(_tenant.Name, customerId, null, null));
        using var client = NoRedirects(host);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/l/{click[..^3]}xyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/l/{unsubscribe}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/u/{click}", null)).StatusCode);
        var profile = await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, customerId, CancellationToken.None);
        Assert.Empty(profile!.Value.Tags);
    }
}
