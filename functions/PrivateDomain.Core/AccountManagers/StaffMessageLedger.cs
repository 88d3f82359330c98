using System.Security.Cryptography;
using System.Text;

namespace PrivateDomain.AccountManagers;

/// <summary>What a staff message is about.</summary>
public enum StaffMessageKind
{
    /// <summary>A follow-up task card with the button 已跟进.</summary>
    FollowUpTask,

    /// <summary>流失提醒: a customer deleted the manager.</summary>
    ChurnAlert,

    /// <summary>The recall offer to the deleted manager's supervisor.</summary>
    RecallOffer,

    /// <summary>The morning digest.</summary>
    Digest,
}

/// <summary>Where a staff message stands.</summary>
public enum StaffMessageStatus
{
    /// <summary>Recorded just before the call: if it stays so, the call may have gone out; it is never made again.</summary>
    Claimed,

    /// <summary>WeCom accepted it.</summary>
    Sent,

    /// <summary>Not sent (quiet hours, the daily cap, no app configured): may be tried again later.</summary>
    Held,

    /// <summary>WeCom refused it.</summary>
    Failed,
}

/// <summary>
/// One staff message in the ledger (table <c>StaffMessages</c>): one row per manager and key, written before the WeCom
/// call, so a retried run never sends a key twice. The key is also the template card's <c>task_id</c>, which WeCom
/// returns with a button press.
/// </summary>
public sealed record StaffMessageRow(
    string Tenant,
    string ManagerId,
    string Key,
    StaffMessageKind Kind,
    StaffMessageStatus Status,
    DateTimeOffset At,
    DateOnly LocalDay,
    string? CustomerId = null,
    string? CampaignId = null,
    string? MsgId = null,
    string? ResponseCode = null,
    string? Reason = null,
    DateTimeOffset? ButtonPressedAt = null,
    bool CardUpdated = false,
    string? Detail = null);

/// <summary>The staff message ledger.</summary>
public interface IStaffMessageLedger
{
    /// <summary>One row and its ETag, or null.</summary>
    Task<(StaffMessageRow Row, string ETag)?> GetAsync(string tenant, string managerId, string key, CancellationToken cancellationToken);

    /// <summary>Inserts (<paramref name="etag"/> null) or replaces a row if its ETag still matches; false when another
    /// writer got there first.</summary>
    Task<bool> TryWriteAsync(StaffMessageRow row, string? etag, CancellationToken cancellationToken);

    /// <summary>How many messages went (or may have gone: Claimed) to the manager on a local day — the cap's count.</summary>
    Task<int> CountSentAsync(string tenant, string managerId, DateOnly localDay, CancellationToken cancellationToken);

    /// <summary>The manager's rows of a kind written since <paramref name="since"/>.</summary>
    IAsyncEnumerable<StaffMessageRow> ListAsync(string tenant, string managerId, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>Ledger keys: a prefix for the kind and a hash of what identifies the message, within WeCom's task_id alphabet
/// (<c>[A-Za-z0-9_-@]</c>, at most 128 bytes).</summary>
public static class StaffMessageKeys
{
    /// <summary>The follow-up task card of a customer and campaign (one per task).</summary>
    public static string FollowUp(string campaignId, string customerId) => "fu_" + Hash(campaignId, customerId);

    /// <summary>The 流失提醒 of one deletion (the customer, the manager and WeCom's CreateTime identify it).</summary>
    public static string Churn(string managerId, string externalUserId, DateTimeOffset deletedAt) =>
        "churn_" + Hash(managerId, externalUserId, deletedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The recall offer to the supervisor for the same deletion.</summary>
    public static string Recall(string managerId, string externalUserId, DateTimeOffset deletedAt) =>
        "recall_" + Hash(managerId, externalUserId, deletedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The digest of a local day.</summary>
    public static string Digest(DateOnly day) => "digest_" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Hash(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..40];
}
