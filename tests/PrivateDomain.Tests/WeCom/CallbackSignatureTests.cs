using System.Security.Cryptography;
using System.Text;
using PrivateDomain.WeCom;

namespace PrivateDomain.Tests.WeCom;

public sealed class CallbackSignatureTests
{
    [Fact]
    public void Parts_are_sorted_in_byte_order_not_culture_order()
    {
        // Byte order: "Zeta" (Z=0x5A) < "_under" (_=0x5F) < "alpha" < "beta". A culture-aware sort puts "_under" first
        // and "alpha" before "Zeta", which would sign a different string.
        var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("Zeta_underalphabeta")));

        Assert.Equal(expected, CallbackSignature.Compute("beta", "_under", "alpha", "Zeta"));
        Assert.NotEqual(
            Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(
                new[] { "beta", "_under", "alpha", "Zeta" }.Order(StringComparer.InvariantCulture))))),
            expected);
    }

    [Fact]
    public void Verify_accepts_the_right_signature_in_either_case_and_refuses_others()
    {
        var signature = CallbackSignature.Compute("Token1", "1764000000", "nonce", "cipher");

        Assert.True(CallbackSignature.Verify("Token1", "1764000000", "nonce", "cipher", signature));
        Assert.True(CallbackSignature.Verify("Token1", "1764000000", "nonce", "cipher", signature.ToUpperInvariant()));
        Assert.False(CallbackSignature.Verify("Token2", "1764000000", "nonce", "cipher", signature));
        Assert.False(CallbackSignature.Verify("Token1", "1764000001", "nonce", "cipher", signature));
        Assert.False(CallbackSignature.Verify("Token1", "1764000000", "nonce", "cipher", signature[..^1]));
        Assert.False(CallbackSignature.Verify("Token1", "1764000000", "nonce", "cipher", null));
    }
}
