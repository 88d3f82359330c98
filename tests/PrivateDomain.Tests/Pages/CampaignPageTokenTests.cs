using PrivateDomain.Journeys;
using PrivateDomain.Pages;

namespace PrivateDomain.Tests.Pages;

public sealed class CampaignPageTokenTests
{
    private const string Key = "bGlua3Mtc2lnbmluZy1rZXktZm9yLXRlc3RzLW9ubHktMDEyMzQ1";
    private const string OtherKey = "b3RoZXIta2V5LWZvci10ZXN0cy1vbmx5LTAxMjM0NTY3ODlhYmNk";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    private static CampaignPageLink Link(string page = CampaignPageKinds.Welfare) =>
        new("banka", "zhangsan", "payroll:E-1:2026-12", "payroll-campaign", "welfare", "payroll.welfare@v3", page, "default", Now.AddDays(30));

    [Fact]
    public void A_page_link_reads_back_as_made_and_names_no_customer()
    {
        var signer = new CampaignPageLinkSigner(Key);

        var read = signer.Read(signer.Create(Link()));

        Assert.Equal(Link(), read);
        Assert.Equal("payroll:E-1:2026-12", read!.CampaignKey);
    }

    [Fact]
    public void A_link_signed_with_another_key_or_altered_is_not_read()
    {
        var token = new CampaignPageLinkSigner(OtherKey).Create(Link());
        var signer = new CampaignPageLinkSigner(Key);
        var genuine = signer.Create(Link());

        Assert.Null(signer.Read(token));
        Assert.Null(signer.Read(genuine[..^1] + (genuine[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(signer.Read("x.y"));
        Assert.Null(signer.Read(new string('a', 3000)));
    }

    [Fact]
    public void A_tracked_link_token_is_not_a_page_token_and_a_page_token_is_not_a_visitor_session()
    {
        var tracked = new TrackedLinkSigner(Key, time: new FixedTime(Now)).Create(new TrackedLink("banka", "c1", null, new Uri("https://bank.example/")));
        var page = new CampaignPageLinkSigner(Key).Create(Link());

        Assert.Null(new CampaignPageLinkSigner(Key).Read(tracked));
        Assert.Null(new VisitorSessionCookie(Key).Read(page, "banka", Now));
    }

    [Fact]
    public void A_visitor_session_holds_for_its_tenant_until_it_expires()
    {
        var cookies = new VisitorSessionCookie(Key);
        var value = cookies.Create(new VisitorSession("banka", "c1", Now.AddMinutes(30)));

        Assert.Equal("c1", cookies.Read(value, "banka", Now)!.CustomerId);
        Assert.Null(cookies.Read(value, "bankb", Now));
        Assert.Null(cookies.Read(value, "banka", Now.AddMinutes(30)));
        Assert.Null(new VisitorSessionCookie(OtherKey).Read(value, "banka", Now));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
