using PrivateDomain.Journeys;

namespace PrivateDomain.Tests.Journeys;

public sealed class TrackedLinkSignerTests
{
    private static readonly TrackedLinkSigner Signer = new(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray()));

    [Fact]
    public void A_link_reads_back_as_it_was_made()
    {
        var link = new TrackedLink("demo", "c123", "demo:aida-nurture:c123/r1/attention-welfare", new Uri("https://bank.example/welfare?a=1&b=福利"));
        Assert.Equal(link, Signer.Read(Signer.Create(link))! with { ExpiresAt = null });
    }

    [Fact]
    public void An_unsubscribe_link_has_no_target()
    {
        var token = Signer.Create(new TrackedLink("demo", "c123", null, null));
        Assert.Null(Signer.Read(token)!.Target);
    }

    [Fact]
    public void A_changed_payload_or_signature_or_another_key_is_refused()
    {
        var token = Signer.Create(new TrackedLink("demo", "c123", null, new Uri("https://bank.example/")));
        var (body, mac) = (token.Split('.')[0], token.Split('.')[1]);
        var otherBody = Signer.Create(new TrackedLink("demo", "c999", null, new Uri("https://evil.example/"))).Split('.')[0];

        Assert.Null(Signer.Read(otherBody + "." + mac));
        Assert.Null(Signer.Read(body + "." + mac[..^2] + (mac[^2] == 'A' ? "BB" : "AA")));
        Assert.Null(new TrackedLinkSigner(Convert.ToBase64String(new byte[32])).Read(token));
        Assert.Null(Signer.Read("not-a-token"));
        Assert.Null(Signer.Read(""));
    }

    [Fact]
    public void A_token_expires_after_the_lifetime_and_one_without_an_expiry_reads_as_expired()
    {
        var clock = new FixedTime(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var signer = new TrackedLinkSigner(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray()), TimeSpan.FromDays(90), clock);
        var link = signer.Read(signer.Create(new TrackedLink("demo", "c1", null, new Uri("https://bank.example/"))))!;

        Assert.Equal(clock.GetUtcNow().AddDays(90), link.ExpiresAt);
        Assert.False(link.IsExpired(clock.GetUtcNow().AddDays(89)));
        Assert.True(link.IsExpired(clock.GetUtcNow().AddDays(90)));
        Assert.True((link with { ExpiresAt = null }).IsExpired(clock.GetUtcNow()));
    }

    [Fact]
    public void Only_absolute_http_targets_can_be_tracked() =>
        Assert.Throws<ArgumentException>(() => Signer.Create(new TrackedLink("demo", "c1", null, new Uri("javascript:alert(1)"))));

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
