using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.WeCom;

/// <summary>
/// WeCom's callback encryption (加解密方案, document 91144): AES-256-CBC, key = Base64(EncodingAESKey + "="),
/// IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext =
/// 16 random bytes + 4-byte big-endian message length + message (UTF-8) + receiveid.
/// </summary>
/// <remarks>
/// The padding block is 32 bytes, so a pad byte can be 1..32; the framework's PKCS7 mode assumes the AES block (16) and
/// rejects pads above 16, hence PaddingMode.None and our own pad/unpad. Instances are immutable and thread-safe.
/// </remarks>
public sealed class CallbackCrypto
{
    private const int PadBlock = 32;
    private const int RandomPrefix = 16;
    private const int LengthField = 4;

    private readonly byte[] _key;
    private readonly byte[] _iv;
    private readonly string _receiveId;
    private readonly byte[] _receiveIdBytes;

    /// <summary>Creates the codec for one tenant.</summary>
    /// <param name="encodingAesKey">The 43-character EncodingAESKey from the WeCom admin console.</param>
    /// <param name="receiveId">The corp id (receiveid) every plaintext must end with.</param>
    public CallbackCrypto(string encodingAesKey, string receiveId)
    {
        ArgumentNullException.ThrowIfNull(encodingAesKey);
        ArgumentException.ThrowIfNullOrEmpty(receiveId);
        _key = ParseKey(encodingAesKey);
        _iv = _key[..16];
        _receiveId = receiveId;
        _receiveIdBytes = Encoding.UTF8.GetBytes(receiveId);
    }

    /// <summary>The receiveid (corp id) this codec expects and writes.</summary>
    public string ReceiveId => _receiveId;

    /// <summary>Decodes an EncodingAESKey into the 32-byte AES key, or explains why it is not one.</summary>
    public static byte[] ParseKey(string encodingAesKey)
    {
        ArgumentNullException.ThrowIfNull(encodingAesKey);
        if (encodingAesKey.Length != 43)
        {
            throw new FormatException($"An EncodingAESKey has 43 characters; this one has {encodingAesKey.Length}.");
        }

        var key = new byte[32];
        if (!Convert.TryFromBase64String(encodingAesKey + "=", key, out var written) || written != 32)
        {
            throw new FormatException("The EncodingAESKey is not base64 for 32 bytes (A-Z, a-z, 0-9, + and /).");
        }

        return key;
    }

    /// <summary>Decrypts a base64 ciphertext, checks its framing and receiveid, and returns the message.</summary>
    /// <exception cref="CallbackRejectedException">Malformed base64, length, padding or framing, or a wrong receiveid.</exception>
    public string Decrypt(string ciphertextBase64)
    {
        ArgumentNullException.ThrowIfNull(ciphertextBase64);
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException e)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "Encrypt is not valid base64.", e);
        }

        // The smallest valid plaintext (prefix + length + receiveid) padded to 32 bytes; AES needs whole 16-byte blocks.
        if (cipher.Length == 0 || cipher.Length % PadBlock != 0)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed,
                $"Encrypt decodes to {cipher.Length} bytes; it must be a non-zero multiple of {PadBlock}.");
        }

        byte[] plain;
        using (var aes = Aes.Create())
        {
            aes.Key = _key;
            plain = aes.DecryptCbc(cipher, _iv, PaddingMode.None);
        }

        int pad = plain[^1];
        if (pad is < 1 or > PadBlock || plain.AsSpan(plain.Length - pad).ContainsAnyExcept((byte)pad))
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "Encrypt has invalid PKCS#7 padding.");
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < RandomPrefix + LengthField)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "Encrypt is too short to hold a message.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(RandomPrefix, LengthField));
        var rest = content[(RandomPrefix + LengthField)..];
        if (length > (uint)rest.Length)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed,
                "Encrypt declares a message longer than it holds.");
        }

        var message = rest[..(int)length];
        var receiveId = rest[(int)length..];
        if (!receiveId.SequenceEqual(_receiveIdBytes))
        {
            throw new CallbackRejectedException(CallbackRejection.WrongReceiver,
                "The decrypted receiveid is not this tenant's corp id; check the tenant's CorpId and EncodingAesKey.");
        }

        try
        {
            return StrictUtf8.GetString(message);
        }
        catch (DecoderFallbackException e)
        {
            throw new CallbackRejectedException(CallbackRejection.Malformed, "The decrypted message is not UTF-8.", e);
        }
    }

    /// <summary>Encrypts a message the way WeCom does (used for passive replies and for signing test callbacks).</summary>
    /// <param name="message">The plaintext message.</param>
    /// <param name="random16">Exactly 16 random bytes; injected so that callers control randomness.</param>
    public string Encrypt(string message, ReadOnlySpan<byte> random16)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (random16.Length != RandomPrefix)
        {
            throw new ArgumentException($"Exactly {RandomPrefix} random bytes are needed.", nameof(random16));
        }

        var messageBytes = Encoding.UTF8.GetBytes(message);
        var contentLength = RandomPrefix + LengthField + messageBytes.Length + _receiveIdBytes.Length;
        var pad = PadBlock - contentLength % PadBlock;
        var plain = new byte[contentLength + pad];
        random16.CopyTo(plain);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(RandomPrefix), (uint)messageBytes.Length);
        messageBytes.CopyTo(plain, RandomPrefix + LengthField);
        _receiveIdBytes.CopyTo(plain, RandomPrefix + LengthField + messageBytes.Length);
        plain.AsSpan(contentLength).Fill((byte)pad);

        using var aes = Aes.Create();
        aes.Key = _key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, _iv, PaddingMode.None));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
