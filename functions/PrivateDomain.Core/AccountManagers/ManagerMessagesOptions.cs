namespace PrivateDomain.AccountManagers;

/// <summary>
/// Settings for messages to account managers through the bank's self-built app (section <c>Managers</c>).
/// </summary>
/// <remarks>
/// WeCom's limits on app messages [90454, checked 2026-12]: per app at most (licensed accounts × 200) recipient-messages a
/// day, and per app and member at most 30 a minute and 1,000 an hour — WeCom silently drops the excess ("超过部分会被丢弃不
/// 下发"), so the API's errcode 0 does not prove delivery. Our own per-manager daily cap (<see cref="DailyCap"/>, far below
/// WeCom's) is what keeps managers from being flooded and keeps us clear of the silent drop.
/// </remarks>
public sealed class ManagerMessagesOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Managers";

    /// <summary>The self-built app's agent id per tenant (<c>Managers:AgentIds:{tenant}</c>); a tenant without one sends
    /// no staff messages (each is recorded as held, reason <c>NotConfigured</c>).</summary>
    public Dictionary<string, int> AgentIds { get; } = new(StringComparer.Ordinal);

    /// <summary>The bank's time zone for quiet hours, local days and the digest.</summary>
    public string TimeZoneId { get; set; } = "Asia/Shanghai";

    /// <summary>Quiet hours start (local); staff messages are not sent from here…</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);

    /// <summary>…until here (local).</summary>
    public TimeOnly QuietHoursEnd { get; set; } = new(8, 30);

    /// <summary>Staff messages per manager and local day (task cards, 流失提醒, digest together); the rest are held and
    /// their tasks show in the next digest.</summary>
    public int DailyCap { get; set; } = 20;

    /// <summary>When the morning digest goes out (local); it must lie outside quiet hours.</summary>
    public TimeOnly DigestAt { get; set; } = new(8, 45);

    /// <summary>An open follow-up task older than this counts as expired.</summary>
    public TimeSpan TaskExpiresAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The chat sidebar's session key (base64, at least 32 bytes); without one the sidebar is not served.</summary>
    public string? SidebarKey { get; set; }

    /// <summary>How long a sidebar session lasts after web authorisation.</summary>
    public TimeSpan SidebarSessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The bank's tags a manager may set in the sidebar, per tenant: tag name → WeCom corp tag id
    /// (<c>Managers:BankTags:{tenant}:{name}</c>). Kept on the customer locally and synced with <c>mark_tag</c> (an
    /// app edits only corp tags it created).</summary>
    public Dictionary<string, Dictionary<string, string>> BankTags { get; } = new(StringComparer.Ordinal);

    /// <summary>The zone, resolved.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    /// <summary>True when <paramref name="at"/> falls within quiet hours.</summary>
    public bool IsQuiet(DateTimeOffset at)
    {
        var t = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);
        return QuietHoursStart < QuietHoursEnd
            ? t >= QuietHoursStart && t < QuietHoursEnd
            : t >= QuietHoursStart || t < QuietHoursEnd;
    }

    /// <summary>The bank's local date at <paramref name="at"/>.</summary>
    public DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The validation <c>ValidateOnStart</c> runs; null when valid.</summary>
    public string? Problem() =>
        !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZoneId ?? "", out _) ? $"Managers:TimeZoneId '{TimeZoneId}' is not a known time zone."
        : DailyCap is < 1 or > 500 ? "Managers:DailyCap must be 1…500 (WeCom drops more than 1,000 app messages per member and hour)."
        : TaskExpiresAfter <= TimeSpan.Zero ? "Managers:TaskExpiresAfter must be positive."
        : IsQuietTime(DigestAt) ? $"Managers:DigestAt {DigestAt:HH:mm} lies within quiet hours ({QuietHoursStart:HH:mm}–{QuietHoursEnd:HH:mm})."
        : null;

    private bool IsQuietTime(TimeOnly t) => QuietHoursStart < QuietHoursEnd
        ? t >= QuietHoursStart && t < QuietHoursEnd
        : t >= QuietHoursStart || t < QuietHoursEnd;
}
