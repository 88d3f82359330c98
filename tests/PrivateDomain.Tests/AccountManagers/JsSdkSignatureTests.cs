using PrivateDomain.AccountManagers;

namespace PrivateDomain.Tests.AccountManagers;

/// <summary>The JS-SDK signature against the published example of the algorithm (WeChat JS-SDK appendix 1, reproduced in
/// WeCom's "JS-SDK使用权限签名算法", 90506).</summary>
public sealed class JsSdkSignatureTests
{
    private const string Ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

    [Fact]
    public void The_published_example_signs_to_its_published_signature() =>
        Assert.Equal("0f9de62fce790f9a083d5c99e95740ceb90c27ed",
            JsSdkSignature.Sign(Ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"));

    [Fact]
    public void The_fragment_is_not_part_of_the_signed_url() =>
        Assert.Equal("0f9de62fce790f9a083d5c99e95740ceb90c27ed",
            JsSdkSignature.Sign(Ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value#wechat_redirect"));

    [Theory]
    [InlineData("Wm3WZYTPz0wzccnX", 1414587457, "http://mp.weixin.qq.com?params=value")]
    [InlineData("Wm3WZYTPz0wzccnW", 1414587458, "http://mp.weixin.qq.com?params=value")]
    [InlineData("Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com/?params=value")]
    public void Any_other_nonce_timestamp_or_url_signs_differently(string nonce, long timestamp, string url) =>
        Assert.NotEqual("0f9de62fce790f9a083d5c99e95740ceb90c27ed", JsSdkSignature.Sign(Ticket, nonce, timestamp, url));
}
