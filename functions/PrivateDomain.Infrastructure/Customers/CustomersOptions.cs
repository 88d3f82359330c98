using Microsoft.Extensions.Options;

namespace PrivateDomain.Customers;

/// <summary>Customer-pool settings, bound from the <c>Customers</c> section.</summary>
public sealed class CustomersOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Customers";

    /// <summary>Base64 key (≥ 32 bytes) for the keyed hash of phone numbers; Key Vault on Azure. Changing it orphans existing hashes.</summary>
    public string PhoneHashKey { get; set; } = "";
}

/// <summary>Requires a usable phone-hash key.</summary>
public sealed class CustomersOptionsValidator : IValidateOptions<CustomersOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CustomersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = new PhoneProtector(options.PhoneHashKey);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return ValidateOptionsResult.Fail("Customers:PhoneHashKey must be at least 32 random bytes, base64-encoded (e.g. openssl rand -base64 32).");
        }
    }
}
