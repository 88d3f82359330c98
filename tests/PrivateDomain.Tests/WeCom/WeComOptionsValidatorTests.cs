using PrivateDomain.WeCom;

namespace PrivateDomain.Tests.WeCom;

public sealed class WeComOptionsValidatorTests
{
    private static WeComOptions With(string tenant, WeComTenantOptions t)
    {
        var o = new WeComOptions();
        o.Tenants[tenant] = t;
        return o;
    }

    [Fact]
    public void A_complete_tenant_is_valid() =>
        Assert.True(new WeComOptionsValidator().Validate(null, With("demo", new WeComTenantOptions
        {
            CorpId = "ww1", Token = "Token123", EncodingAesKey = "Rqcle65O3yJbZsqFTfI0qmZ6rfDKuRG8tmTSXj4IwaA",
        })).Succeeded);

    [Fact]
    public void Each_bad_setting_is_reported_by_its_configuration_key()
    {
        var result = new WeComOptionsValidator().Validate(null, With("Bad_Name", new WeComTenantOptions
        {
            CorpId = "", Token = "x", EncodingAesKey = "too-short",
        }));

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("WeCom:Tenants:Bad_Name: a tenant name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("WeCom:Tenants:Bad_Name:CorpId", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("WeCom:Tenants:Bad_Name:Token", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("WeCom:Tenants:Bad_Name:EncodingAesKey", StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_positive_clock_skew_is_refused()
    {
        var o = new WeComOptions { MaxClockSkew = TimeSpan.Zero };
        Assert.Contains("WeCom:MaxClockSkew", new WeComOptionsValidator().Validate(null, o).FailureMessage, StringComparison.Ordinal);
    }
}
