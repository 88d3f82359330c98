using PrivateDomain.Delivery;

namespace PrivateDomain.WeCom;

/// <summary>
/// WeCom's "contact me" codes (联系我, [92228/96348]): <c>externalcontact/add_contact_way</c>, <c>update_contact_way</c>,
/// <c>get_contact_way</c>, <c>list_contact_way</c> and <c>del_contact_way</c>. Like <see cref="IWeComApi"/> every
/// method answers a typed result (token, rate limit and retries handled); only cancellation throws.
/// </summary>
public interface IWeComContactWays
{
    /// <summary>add_contact_way: a new code; answers its config_id and (scene 2) QR URL. Not idempotent — WeCom would make a second code.</summary>
    Task<WeComApiResult<ContactWayCreated>> AddContactWayAsync(string tenant, ContactWay way, CancellationToken cancellationToken);

    /// <summary>update_contact_way: change members, remark, state or skip_verify of <see cref="ContactWay.ConfigId"/>.</summary>
    Task<WeComApiResult<WeComAck>> UpdateContactWayAsync(string tenant, ContactWay way, CancellationToken cancellationToken);

    /// <summary>get_contact_way: one code.</summary>
    Task<WeComApiResult<ContactWayDetail>> GetContactWayAsync(string tenant, string configId, CancellationToken cancellationToken);

    /// <summary>list_contact_way: the corp's codes created in a period (config_ids, one page).</summary>
    Task<WeComApiResult<ContactWayList>> ListContactWaysAsync(string tenant, ContactWayListQuery query, CancellationToken cancellationToken);

    /// <summary>del_contact_way: the QR stops working.</summary>
    Task<WeComApiResult<WeComAck>> DeleteContactWayAsync(string tenant, string configId, CancellationToken cancellationToken);
}

/// <summary>
/// A "contact me" code as WeCom takes it. <see cref="Type"/> 1 = one member (exactly one <see cref="User"/>), 2 = several
/// (WeCom picks one per scan); <see cref="Scene"/> 2 = a QR code; <see cref="State"/> up to 30 characters comes back in the
/// add event; <see cref="Remark"/> up to 30 characters.
/// </summary>
public sealed record ContactWay(
    [property: System.Text.Json.Serialization.JsonPropertyName("config_id")] string? ConfigId = null,
    int? Type = null,
    int? Scene = null,
    string? Remark = null,
    bool? SkipVerify = null,
    string? State = null,
    IReadOnlyList<string>? User = null);

/// <summary>add_contact_way's answer.</summary>
public sealed record ContactWayCreated([property: System.Text.Json.Serialization.JsonPropertyName("config_id")] string ConfigId, string? QrCode);

/// <summary>get_contact_way's answer.</summary>
public sealed record ContactWayDetail(ContactWayInfo ContactWay);

/// <summary>A code as WeCom keeps it.</summary>
public sealed record ContactWayInfo(
    [property: System.Text.Json.Serialization.JsonPropertyName("config_id")] string ConfigId, int Type, int Scene, string? Remark, bool SkipVerify,
    string? State, string? QrCode, IReadOnlyList<string>? User);

/// <summary>list_contact_way's query: codes created between the times (unix seconds; WeCom's default is the last 90 days), up to 1,000 a page.</summary>
public sealed record ContactWayListQuery(long? StartTime = null, long? EndTime = null, string? Cursor = null, int? Limit = null);

/// <summary>list_contact_way's answer.</summary>
public sealed record ContactWayList(IReadOnlyList<ContactWayRef>? ContactWay, string? NextCursor);

/// <summary>A code in a list.</summary>
public sealed record ContactWayRef([property: System.Text.Json.Serialization.JsonPropertyName("config_id")] string ConfigId);
