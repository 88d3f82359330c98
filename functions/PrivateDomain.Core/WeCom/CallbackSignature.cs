using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.WeCom;

/// <summary>
/// WeCom's msg_signature: lowercase hex SHA-1 over token, timestamp, nonce and ciphertext, sorted ordinally and joined.
/// </summary>
/// <remarks>Sort with <see cref="StringComparer.Ordinal"/>: the default culture-aware comparison orders differently
/// (for example '_' against letters) and yields signatures WeCom never produces.</remarks>
public static class CallbackSignature
{
    /// <summary>Computes the signature of one callback.</summary>
    public static string Compute(string token, string timestamp, string nonce, string ciphertext)
    {
        string[] parts = [token, timestamp, nonce, ciphertext];
        Array.Sort(parts, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is WeCom's protocol, not our choice; it authenticates, it does not protect secrets.
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts)));
#pragma warning restore CA5350
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Checks a received signature in constant time.</summary>
    public static bool Verify(string token, string timestamp, string nonce, string ciphertext, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(token, timestamp, nonce, ciphertext));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
