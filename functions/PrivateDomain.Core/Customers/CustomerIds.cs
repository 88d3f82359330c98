using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.Customers;

/// <summary>
/// Customer ids are derived from the first identity we learn, so that reprocessing the same event or CRM message — or two
/// racing writers — arrive at the same id, and an insert conflict means "someone already created it", never a twin.
/// </summary>
public static class CustomerIds
{
    /// <summary>The id for a person first seen in WeCom.</summary>
    public static string FromExternalUserId(string tenant, string externalUserId) => Derive(tenant, "ext", externalUserId);

    /// <summary>The id for a person first seen in CRM.</summary>
    public static string FromCrmId(string tenant, string crmId) => Derive(tenant, "crm", crmId);

    /// <summary>The storage bucket of a customer id: 4,096 buckets spread 40 M customers ~10 k per partition.</summary>
    public static string Bucket(string customerId)
    {
        ArgumentNullException.ThrowIfNull(customerId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(customerId)))[..3];
    }

    private static string Derive(string tenant, string kind, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\n{kind}\n{value}"));
        return "c" + Convert.ToHexStringLower(hash)[..24];
    }
}
