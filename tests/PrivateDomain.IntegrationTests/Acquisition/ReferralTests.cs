using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Funnel;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>Referrals (老带新): a customer's referral code, adds through it, and the funnel's "referred" stage, on Azurite and the sandbox.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReferralTests(AzuriteFixture fixture)
{
    private static string NewContact(string p) => "wm" + p + RandomNumberGenerator.GetHexString(8);

    private static string Welcome() => "WELCOME-" + RandomNumberGenerator.GetHexString(24);

    private static async Task<(string Member, string State)> ScanReferralCodeAsync(AcquisitionStack s, string customerId)
    {
        var (status, code) = await s.ApiAsync(HttpMethod.Post, $"customers/{customerId}/referral-code");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("referral", code.GetProperty("channel").GetString());
        var (member, state) = s.Sandbox.Scan(code.GetProperty("configId").GetString()!)!.Value;
        return (member, state!);
    }

    private static async Task<FunnelRow> FunnelTotalAsync(AcquisitionStack s)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        return (await s.Services.GetRequiredService<FunnelReader>().ReadAsync(s.Tenant, today.AddDays(-1), today.AddDays(1), FunnelDimension.Channel, CancellationToken.None)).Total;
    }

    [Fact]
    public async Task A_referred_add_is_attributed_to_its_referrer_once_and_not_to_the_referrer_themselves_or_a_second_referrer()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("chenxiao", "陈晓");
        await s.Stack.AddEmployeeAsync("wangqiang", "王强");
        var (a, c) = (NewContact("Ref"), NewContact("Other"));
        await s.AddAsync("chenxiao", a, null, Welcome());
        await s.AddAsync("wangqiang", c, null, Welcome());
        var referrer = await s.CustomerAsync(a);
        var other = await s.CustomerAsync(c);
        await Eventually.TrueAsync(async () => await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, "wangqiang", c, CancellationToken.None) is not null,
            "the other referrer's relationship");

        // A friend scans the referrer's code.
        var (member, state) = await ScanReferralCodeAsync(s, referrer.Id);
        Assert.Equal("chenxiao", member);
        Assert.True(state.Length <= 30);
        var friend = NewContact("Friend");
        await s.AddAsync(member, friend, state, Welcome());

        var referred = await s.CustomerWhenAsync(friend, x => x.Attributes.ContainsKey(CustomerEventProcessor.ReferredByAttribute), "the referral recorded");
        Assert.Equal(referrer.Id, referred.Attributes[CustomerEventProcessor.ReferredByAttribute]);
        var inbox = s.Services.GetRequiredService<ISignalInbox>();
        var told = Assert.Single(await inbox.ListAsync(s.Tenant, referrer.Id, CancellationToken.None).Where(x => x.Kind == SignalKinds.Referred).ToListAsync());
        Assert.Equal(referred.Id, told.Data["customerId"]);
        Assert.Equal(1, (await FunnelTotalAsync(s)).Referred);

        // The same friend through a second referrer's code (another account manager): still referred by the first, once.
        var (otherMember, otherState) = await ScanReferralCodeAsync(s, other.Id);
        await s.AddAsync(otherMember, friend, otherState, Welcome());
        var second = await Eventually.GetAsync(async () => (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, otherMember, friend, CancellationToken.None))?.Value,
            "the second relationship");
        Assert.Equal((ChannelKinds.ReferralRefused, null), (second.Channel, second.Partner));
        Assert.Equal(referrer.Id, (await s.CustomerAsync(friend)).Attributes[CustomerEventProcessor.ReferredByAttribute]);

        // The referrer scanning their own code is no referral.
        var (ownMember, ownState) = await ScanReferralCodeAsync(s, referrer.Id);
        await s.AddAsync(ownMember, a, ownState, Welcome());
        await Eventually.TrueAsync(async () => (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, ownMember, a, CancellationToken.None))?.Value.State == ownState,
            "the self-scan processed");
        var own = (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, ownMember, a, CancellationToken.None))!.Value;
        Assert.Equal((ChannelKinds.ReferralRefused, null), (own.Channel, own.Partner));
        Assert.False((await s.CustomerAsync(a)).Attributes.ContainsKey(CustomerEventProcessor.ReferredByAttribute));
        Assert.Single(await inbox.ListAsync(s.Tenant, referrer.Id, CancellationToken.None).Where(x => x.Kind == SignalKinds.Referred).ToListAsync());
        Assert.Equal(1, (await FunnelTotalAsync(s)).Referred);
    }

    [Fact]
    public async Task A_referrer_cannot_be_referred_back_by_the_customer_they_brought()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("chenxiao", "陈晓");
        await s.Stack.AddEmployeeAsync("wangqiang", "王强");
        var a = NewContact("Ref");
        await s.AddAsync("chenxiao", a, null, Welcome());
        var referrer = await s.CustomerAsync(a);
        var (member, state) = await ScanReferralCodeAsync(s, referrer.Id);
        var friend = NewContact("Friend");
        await s.AddAsync(member, friend, state, Welcome());
        var referred = await s.CustomerWhenAsync(friend, x => x.Attributes.ContainsKey(CustomerEventProcessor.ReferredByAttribute), "the referral recorded");

        // The friend's own code, scanned by the referrer (adding a second account manager): a loop, refused.
        await s.AddAsync("wangqiang", referred.ExternalUserIds[0], null, Welcome()); // the friend also has wangqiang
        await Eventually.TrueAsync(async () => await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, "wangqiang", friend, CancellationToken.None) is not null,
            "the friend's second manager");
        var (loopMember, loopState) = await ScanReferralCodeAsync(s, referred.Id);
        // Whichever manager the code names, the referrer is already a customer and up the friend's referral chain.
        var back = loopMember;
        await s.AddAsync(back, a, loopState, Welcome());

        await Eventually.TrueAsync(async () => (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, back, a, CancellationToken.None))?.Value.State == loopState,
            "the loop add processed");
        Assert.False((await s.CustomerAsync(a)).Attributes.ContainsKey(CustomerEventProcessor.ReferredByAttribute));
        Assert.Equal(1, (await FunnelTotalAsync(s)).Referred);
    }
}
