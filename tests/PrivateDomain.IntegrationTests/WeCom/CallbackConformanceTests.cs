using System.Globalization;
using System.Text;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.WeCom;

/// <summary>Our callback crypto against WeCom's own implementation (npm @wecom/crypto) in a long-lived node process.</summary>
public sealed class CallbackConformanceTests : IAsyncLifetime
{
    private WeComCryptoPeer _peer = null!;

    public Task InitializeAsync()
    {
        _peer = WeComCryptoPeer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    /// <summary>Messages of every UTF-8 length from 0 to 100 bytes (all 32 pad values several times over), Chinese text
    /// of 1–80 characters, emoji, and random XML events, each under a fresh random key and corp id.</summary>
    public static IEnumerable<object[]> Messages()
    {
        var random = new Random(20261125);
        for (var n = 0; n <= 100; n++)
        {
            yield return [$"ascii-{n}", new string('x', n)];
        }

        for (var n = 1; n <= 80; n += 3)
        {
            var text = new StringBuilder();
            for (var i = 0; i < n; i++)
            {
                text.Append((char)random.Next(0x4E00, 0x9FA6));
            }

            yield return [$"chinese-{n}", text.ToString()];
        }

        yield return ["emoji", "客户经理 👋🏻 发来福利：代发工资提前 3 天 🎁"];
        for (var i = 0; i < 40; i++)
        {
            var body = new string((char)random.Next('a', 'z' + 1), random.Next(0, 300));
            yield return [$"xml-{i}", $"<xml><ToUserName><![CDATA[ww{i}]]></ToUserName><CreateTime>{1764000000 + i}</CreateTime><State><![CDATA[渠道{i}]]></State><Note>{body}</Note></xml>"];
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Ciphertexts_agree_byte_for_byte_and_each_side_decrypts_the_other(string name, string message)
    {
        Assert.NotNull(name);
        var random = new Random(name.Aggregate(17, (h, c) => unchecked((h * 31) + c)));
        var keyBytes = new byte[32];
        random.NextBytes(keyBytes);
        var key = Convert.ToBase64String(keyBytes).TrimEnd('=');
        var corpId = "ww" + random.Next().ToString("x8", CultureInfo.InvariantCulture) + (random.Next(2) == 0 ? "" : "企业");
        var prefix = new byte[16];
        random.NextBytes(prefix);
        var ours = new CallbackCrypto(key, corpId);

        var theirCipher = await _peer.EncryptAsync(key, message, corpId, prefix);
        var ourCipher = ours.Encrypt(message, prefix);

        Assert.Equal(theirCipher, ourCipher);
        Assert.Equal(message, ours.Decrypt(theirCipher));
        Assert.Equal((message, corpId), await _peer.DecryptAsync(key, ourCipher));
    }

    [Fact]
    public async Task Signatures_agree_including_characters_where_culture_and_ordinal_order_differ()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ019_-.~+/=aA";
        for (var i = 0; i < 300; i++)
        {
            string Part(int length) => new(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var token = Part(random.Next(3, 33));
            var timestamp = (1764000000 + i).ToString(CultureInfo.InvariantCulture);
            var nonce = Part(random.Next(1, 16));
            var encrypt = Part(random.Next(20, 200));

            Assert.Equal(await _peer.SignAsync(token, timestamp, nonce, encrypt), CallbackSignature.Compute(token, timestamp, nonce, encrypt));
        }
    }

    [Fact]
    public async Task WeCom_ciphertext_for_another_corp_is_refused_as_wrong_receiver()
    {
        var key = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()).TrimEnd('=');
        var cipher = await _peer.EncryptAsync(key, "<xml/>", "wwOtherCorp", new byte[16]);

        var e = Assert.Throws<CallbackRejectedException>(() => new CallbackCrypto(key, "wwOurCorp").Decrypt(cipher));
        Assert.Equal(CallbackRejection.WrongReceiver, e.Reason);
    }
}
