using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

namespace PrivateDomain.Tests.Welcome;

public sealed class WelcomeOptionsTests
{
    private static WeComTenantOptions Tenant() => new()
    {
        CorpId = "ww1", Token = "Token123", EncodingAesKey = "Rqcle65O3yJbZsqFTfI0qmZ6rfDKuRG8tmTSXj4IwaA",
    };

    private static List<string> Failures(WeComTenantOptions t)
    {
        var o = new WeComOptions();
        o.Tenants["banka"] = t;
        return new WeComOptionsValidator().Validate(null, o).Failures?.ToList() ?? [];
    }

    [Fact]
    public void Bank_details_are_optional() => Assert.Empty(Failures(Tenant()));

    [Fact]
    public void Configured_bank_details_are_accepted()
    {
        var t = Tenant();
        t.BankName = "示例农商银行";
        t.BankHotline = "400-000-0000";
        t.BankSite = new Uri("https://h5.example-bank.cn");
        Assert.Empty(Failures(t));
    }

    [Fact]
    public void A_bank_site_that_is_not_https_is_refused_by_its_key()
    {
        var t = Tenant();
        t.BankSite = new Uri("http://h5.example-bank.cn");
        Assert.Contains(Failures(t), f => f.StartsWith("WeCom:Tenants:banka:BankSite", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hotline_that_is_not_a_phone_number_is_refused_by_its_key()
    {
        var t = Tenant();
        t.BankHotline = "call us";
        Assert.Contains(Failures(t), f => f.StartsWith("WeCom:Tenants:banka:BankHotline", StringComparison.Ordinal));
    }

    [Fact]
    public void A_window_longer_than_WeCom_s_20_seconds_is_refused() =>
        Assert.Contains("Welcome:Window", new WelcomeOptionsValidator().Validate(null, new WelcomeOptions { Window = TimeSpan.FromSeconds(30) }).FailureMessage,
            StringComparison.Ordinal);
}
