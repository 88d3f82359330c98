using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Tags;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>The shipped dynamic-tag rule (AUM ≥ 50,000 and a product page opened in the last 7 days → 高意向) on a real host,
/// the journey that starts on it, and the tag's sync to WeCom through rate limits and drift.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DynamicTagTests(AzuriteFixture fixture)
{
    private const string Manager = "chenxiao";

    private static string NewContact() => "wmTag" + RandomNumberGenerator.GetHexString(8);

    /// <summary>A customer of <see cref="Manager"/> with an AUM of 80,000 from CRM.</summary>
    private static async Task<Customer> RichCustomerAsync(AcquisitionStack s, string contact)
    {
        await s.Stack.AddEmployeeAsync(Manager, "陈晓");
        await s.AddAsync(Manager, contact, null, "WELCOME-" + RandomNumberGenerator.GetHexString(24));
        await s.CustomerWhenAsync(contact, _ => true, "the added customer");
        await Eventually.TrueAsync(async () => (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, Manager, contact, CancellationToken.None)) is not null,
            "the relationship");
        await s.CrmUpsertAsync("C-" + contact, contact, 1, 80_000m);
        return await s.CustomerAsync(contact);
    }

    /// <summary>The customer opens a product page, as the campaign page reports it.</summary>
    private static Task OpenProductPageAsync(AcquisitionStack s, Customer c, DateTimeOffset at) =>
        s.Services.GetRequiredService<ISignalInbox>().RaiseAsync(new CustomerSignal(s.Tenant, c.Id, "page:test:view:" + at.UtcTicks, SignalKinds.Clicked, at,
            new Dictionary<string, string> { ["page"] = "product", ["item"] = "steady-income-90", ["senderId"] = Manager, ["content"] = "aida.interest.ice-breaker" }),
            CancellationToken.None);

    [Fact]
    public async Task The_rule_tags_a_rich_customer_who_opened_a_product_page_starts_a_journey_and_removes_the_tag_when_the_click_is_8_days_old()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        var contact = NewContact();
        var customer = await RichCustomerAsync(s, contact);
        Assert.False(customer.HasTag("高意向")); // the AUM alone is not enough

        var clickedAt = DateTimeOffset.UtcNow;
        await OpenProductPageAsync(s, customer, clickedAt);

        var tagged = await s.CustomerWhenAsync(contact, c => c.HasTag("高意向"), "高意向 on the profile");
        Assert.Equal("rule:high-intent", tagged.Tags.Single(t => t.Name == "高意向").Source);
        var start = await Eventually.GetAsync(async () => await s.Services.GetRequiredService<IJourneyStarts>().ListAsync(s.Tenant, customer.Id, CancellationToken.None)
            .FirstOrDefaultAsync(r => r.JourneyId == "high-intent-followup"), "the high-intent journey started");
        Assert.NotEqual(JourneyStartStatus.Ended, start.Status);
        await Eventually.TrueAsync(() => Task.FromResult(s.Sandbox.TagsOn(Manager, contact).Contains("私域标签/高意向")), "高意向 marked at WeCom", TimeSpan.FromSeconds(30));

        // Eight days later the nightly sweep finds the click out of the 7-day window: the tag goes, here and at WeCom.
        var later = ActivatorUtilities.CreateInstance<DynamicTagger>(s.Services, new ManualTimeProvider(clickedAt.AddDays(8)));
        var sweep = await later.SweepAsync(s.Tenant, s.Services.GetRequiredService<ISignalInbox>(), CancellationToken.None);

        Assert.Equal(1, sweep.Changed);
        Assert.False((await s.CustomerAsync(contact)).HasTag("高意向"));
        var signals = await s.Services.GetRequiredService<ISignalInbox>().ListAsync(s.Tenant, customer.Id, CancellationToken.None).ToListAsync();
        Assert.Equal(["高意向"], signals.Where(x => x.Kind == TagSignalKinds.TagAdded).Select(x => x.Data["tag"]));
        Assert.Equal(["高意向"], signals.Where(x => x.Kind == TagSignalKinds.TagRemoved).Select(x => x.Data["tag"]));
        await Eventually.TrueAsync(() => Task.FromResult(!s.Sandbox.TagsOn(Manager, contact).Contains("私域标签/高意向")), "高意向 removed at WeCom", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_customer_below_the_AUM_gets_no_tag_and_a_lower_AUM_from_CRM_removes_it()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        var contact = NewContact();
        var customer = await RichCustomerAsync(s, contact);
        await OpenProductPageAsync(s, customer, DateTimeOffset.UtcNow);
        await s.CustomerWhenAsync(contact, c => c.HasTag("高意向"), "高意向 on the profile");

        await s.CrmUpsertAsync("C-" + contact, contact, 2, 30_000m);

        await s.CustomerWhenAsync(contact, c => !c.HasTag("高意向"), "高意向 removed after the AUM fell");
    }

    [Fact]
    public async Task The_sync_to_WeCom_retries_through_rate_limits_converges_and_repairs_a_tag_removed_in_WeCom()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString(), new Dictionary<string, string?>
        {
            // The client gives up after one quick retry, so the queue's redelivery has to carry the sync through.
            ["WeCom:Api:MaxThrottleRetries"] = "1",
            ["WeCom:Api:ThrottleBaseDelay"] = "00:00:00.050",
        });
        var contact = NewContact();
        var customer = await RichCustomerAsync(s, contact);
        s.Sandbox.AddFault(new SandboxFault("externalcontact/mark_tag", 45009, 3));

        await OpenProductPageAsync(s, customer, DateTimeOffset.UtcNow);

        await Eventually.TrueAsync(() => Task.FromResult(s.Sandbox.TagsOn(Manager, contact).Contains("私域标签/高意向")), "高意向 marked at WeCom despite 45009",
            TimeSpan.FromSeconds(60));
        var marks = s.Sandbox.Requests.Where(r => r.Api == "externalcontact/mark_tag").ToList();
        Assert.Equal(3, marks.Count(r => r.Errcode == 45009));
        Assert.Equal(0, marks[^1].Errcode);

        // An account manager removes the tag in WeCom; the nightly sweep's sync puts it back (our rule still holds).
        Assert.True(s.Sandbox.RemoveTagAsEmployee(Manager, contact, "高意向"));
        await s.Services.GetRequiredService<DynamicTagger>().SweepAsync(s.Tenant, s.Services.GetRequiredService<ISignalInbox>(), CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(s.Sandbox.TagsOn(Manager, contact).Contains("私域标签/高意向")), "高意向 restored at WeCom", TimeSpan.FromSeconds(30));
    }
}
