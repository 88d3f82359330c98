using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.Customers;

/// <summary>
/// Keeps phone numbers out of storage: a keyed hash (HMAC-SHA256 with the tenant's <c>Customers:PhoneHashKey</c>, from
/// Key Vault on Azure) to match on, and a masked form (<c>138****5678</c>) to show. The plain number is never stored.
/// </summary>
public sealed class PhoneProtector
{
    private readonly byte[] _key;

    /// <summary>Creates the protector; the key must be at least 32 bytes of base64.</summary>
    public PhoneProtector(string base64Key)
    {
        ArgumentNullException.ThrowIfNull(base64Key);
        _key = Convert.FromBase64String(base64Key);
        if (_key.Length < 32)
        {
            throw new ArgumentException("Customers:PhoneHashKey must be at least 32 bytes, base64-encoded.", nameof(base64Key));
        }
    }

    /// <summary>Normalises a mainland number (strips spaces, dashes, +86/0086) and returns its hash and mask.</summary>
    /// <exception cref="FormatException">Not a phone number.</exception>
    public (string Hash, string Masked) Protect(string phone)
    {
        var digits = Normalise(phone);
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(digits)));
        var masked = digits.Length >= 7 ? digits[..3] + new string('*', digits.Length - 7) + digits[^4..] : new string('*', digits.Length);
        return (hash, masked);
    }

    private static string Normalise(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (phone.TrimStart().StartsWith('+') && digits.StartsWith("86", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }
        else if (digits.StartsWith("0086", StringComparison.Ordinal))
        {
            digits = digits[4..];
        }

        return digits.Length is >= 7 and <= 15
            ? digits
            : throw new FormatException("A phone number has 7 to 15 digits.");
    }
}
