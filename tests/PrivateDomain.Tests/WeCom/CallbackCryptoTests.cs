using System.Security.Cryptography;
using System.Text;
using PrivateDomain.WeCom;

namespace PrivateDomain.Tests.WeCom;

public sealed class CallbackCryptoTests
{
    private const string Key = "Rqcle65O3yJbZsqFTfI0qmZ6rfDKuRG8tmTSXj4IwaA";
    private const string Corp = "wwd3m0c0rp0000001";
    private readonly CallbackCrypto _crypto = new(Key, Corp);

    [Theory]
    [InlineData("")]
    [InlineData("<xml><ToUserName>ww</ToUserName></xml>")]
    [InlineData("客户添加了客户经理：代发工资客群 🎁")]
    public void A_message_survives_encrypt_then_decrypt(string message) =>
        Assert.Equal(message, _crypto.Decrypt(_crypto.Encrypt(message, RandomNumberGenerator.GetBytes(16))));

    [Fact]
    public void Padding_fills_to_32_byte_blocks_with_pad_values_from_1_to_32()
    {
        // 16 random + 4 length + message + 17-byte corp id: message lengths 0..31 produce every pad value.
        var pads = new HashSet<int>();
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(Key + "=");
        for (var n = 0; n < 32; n++)
        {
            var cipher = Convert.FromBase64String(_crypto.Encrypt(new string('a', n), new byte[16]));
            Assert.Equal(0, cipher.Length % 32);
            var plain = aes.DecryptCbc(cipher, aes.Key.AsSpan(0, 16), PaddingMode.None);
            pads.Add(plain[^1]);
        }

        Assert.Equal(Enumerable.Range(1, 32).ToHashSet(), pads);
    }

    [Fact]
    public void The_same_random_prefix_gives_the_same_ciphertext_and_a_different_one_does_not()
    {
        var prefix = RandomNumberGenerator.GetBytes(16);
        Assert.Equal(_crypto.Encrypt("m", prefix), _crypto.Encrypt("m", prefix));
        Assert.NotEqual(_crypto.Encrypt("m", prefix), _crypto.Encrypt("m", RandomNumberGenerator.GetBytes(16)));
    }

    [Fact]
    public void A_ciphertext_for_another_corp_is_refused_as_wrong_receiver()
    {
        var other = new CallbackCrypto(Key, "wwAnotherCorp");
        var e = Assert.Throws<CallbackRejectedException>(() => _crypto.Decrypt(other.Encrypt("<xml/>", new byte[16])));
        Assert.Equal(CallbackRejection.WrongReceiver, e.Reason);
    }

    [Fact]
    public void A_corp_id_that_only_prefixes_the_receiveid_is_refused()
    {
        var longer = new CallbackCrypto(Key, Corp + "X");
        var e = Assert.Throws<CallbackRejectedException>(() => _crypto.Decrypt(longer.Encrypt("<xml/>", new byte[16])));
        Assert.Equal(CallbackRejection.WrongReceiver, e.Reason);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData("AAAA")]
    public void Garbage_is_refused_as_malformed(string cipher)
    {
        var e = Assert.Throws<CallbackRejectedException>(() => _crypto.Decrypt(cipher));
        Assert.Equal(CallbackRejection.Malformed, e.Reason);
    }

    [Fact]
    public void A_truncated_ciphertext_is_refused_as_malformed()
    {
        var cipher = Convert.FromBase64String(_crypto.Encrypt(new string('x', 100), new byte[16]));
        var truncated = Convert.ToBase64String(cipher.AsSpan(0, cipher.Length - 16));
        var e = Assert.Throws<CallbackRejectedException>(() => _crypto.Decrypt(truncated));
        Assert.Equal(CallbackRejection.Malformed, e.Reason);
    }

    [Fact]
    public void A_plaintext_with_bad_padding_or_an_overlong_length_field_is_refused_as_malformed()
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(Key + "=");
        var iv = aes.Key.AsSpan(0, 16).ToArray();

        var badPad = new byte[64];
        badPad[^1] = 33;
        var e1 = Assert.Throws<CallbackRejectedException>(() =>
            _crypto.Decrypt(Convert.ToBase64String(aes.EncryptCbc(badPad, iv, PaddingMode.None))));
        Assert.Equal(CallbackRejection.Malformed, e1.Reason);

        var overlong = new byte[64];
        overlong[16] = 0x7f; // declares a ~2 GB message
        overlong.AsSpan(32).Fill(32);
        var e2 = Assert.Throws<CallbackRejectedException>(() =>
            _crypto.Decrypt(Convert.ToBase64String(aes.EncryptCbc(overlong, iv, PaddingMode.None))));
        Assert.Equal(CallbackRejection.Malformed, e2.Reason);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("Rqcle65O3yJbZsqFTfI0qmZ6rfDKuRG8tmTSXj4Iwa!")]
    public void An_invalid_EncodingAesKey_is_explained(string key)
    {
        var e = Assert.Throws<FormatException>(() => new CallbackCrypto(key, Corp));
        Assert.Contains("EncodingAESKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_UTF8_message_bytes_are_refused()
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromBase64String(Key + "=");
        var corp = Encoding.UTF8.GetBytes(Corp);
        var plain = new byte[64];
        plain[19] = 2; // message length 2
        plain[20] = 0xff;
        plain[21] = 0xfe;
        corp.CopyTo(plain, 22);
        var pad = 64 - 22 - corp.Length;
        plain.AsSpan(64 - pad).Fill((byte)pad);
        var e = Assert.Throws<CallbackRejectedException>(() =>
            _crypto.Decrypt(Convert.ToBase64String(aes.EncryptCbc(plain, aes.Key.AsSpan(0, 16), PaddingMode.None))));
        Assert.Equal(CallbackRejection.Malformed, e.Reason);
    }
}
