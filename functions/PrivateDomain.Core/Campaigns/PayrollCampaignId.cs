using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.Campaigns;

/// <summary>
/// The campaign id of an employer's pay month, <c>payroll:{employerId}:{yyyy-MM}</c>. It is derived, never stored or
/// generated, so a timer that runs twice a day, or catches up a missed day, asks to start the same id and finds the
/// campaign already there. Used as a Durable instance id, so it keeps Durable's rules: at most 100 characters and none
/// of <c>/ \ # ?</c>; an id that would break them keeps a readable prefix and ends in a hash of the whole.
/// </summary>
public static class PayrollCampaignId
{
    /// <summary>The longest id produced.</summary>
    public const int MaxLength = 100;

    /// <summary>The id for <paramref name="employerId"/>'s campaign for <paramref name="month"/>.</summary>
    public static string For(string employerId, PayMonth month)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(employerId);
        var raw = $"payroll:{employerId}:{month}";
        var safe = string.Concat(raw.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));
        if (safe.Length <= MaxLength && safe == raw)
        {
            return raw;
        }

        // The pay month stays at the end even when the employer id is cut, so ids still sort and read by month.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..16];
        var tail = $"~{hash}:{month}";
        var head = safe[..^(month.ToString().Length + 1)];
        return (head.Length + tail.Length <= MaxLength ? head : head[..(MaxLength - tail.Length)]) + tail;
    }
}
