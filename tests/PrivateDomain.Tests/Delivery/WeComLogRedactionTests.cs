using PrivateDomain.Delivery;

namespace PrivateDomain.Tests.Delivery;

public sealed class WeComLogRedactionTests
{
    [Fact]
    public void The_access_token_in_a_request_url_is_masked_and_other_parameters_kept() =>
        Assert.Equal("/cgi-bin/externalcontact/get?access_token=***&external_userid=wmAbc",
            WeComLogRedaction.Redact(new Uri("https://qyapi.weixin.qq.com/cgi-bin/externalcontact/get?access_token=sbx0123abc&external_userid=wmAbc")));

    [Fact]
    public void The_gettoken_secret_is_masked() =>
        Assert.Equal("https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=***",
            WeComLogRedaction.Redact("https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=S3cr3t-x_y"));

    [Fact]
    public void Masking_ignores_case_and_covers_every_occurrence() =>
        Assert.Equal("a ACCESS_TOKEN=*** b ?access_token=*** c",
            WeComLogRedaction.Redact("a ACCESS_TOKEN=T1 b ?access_token=T2 c"));

    [Fact]
    public void A_parameter_that_merely_ends_in_token_is_left_alone() =>
        Assert.Equal("?suite_access_token2=x&my_secret_name=y", WeComLogRedaction.Redact("?suite_access_token2=x&my_secret_name=y"));

    [Fact]
    public void Text_without_credentials_is_unchanged() =>
        Assert.Equal("errcode 45009, hint: [123]", WeComLogRedaction.Redact("errcode 45009, hint: [123]"));
}
