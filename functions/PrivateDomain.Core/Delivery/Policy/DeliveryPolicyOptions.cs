namespace PrivateDomain.Delivery.Policy;

/// <summary>
/// A tenant's delivery limits: quiet hours, frequency caps and the deletion-rate throttle. Bound from configuration and
/// checked with <see cref="Validated"/> at start-up; <see cref="DeliveryPolicy"/> refuses to run with invalid options.
/// </summary>
/// <remarks>
/// WeCom lets a customer (and a customer group) receive at most as many mass messages a month as the month has days, and
/// the corp admin can lower that to seven a week or one a day [92135]. WeCom counts every mass send of the corp, including
/// the ones an account manager starts by hand, and silently drops the excess. The 1:1 defaults (one a day, five in any
/// seven days) therefore sit inside even the strictest admin setting and leave room for a manager's own sends in the
/// seven-a-week one. Five, not four: <see cref="Journeys.TouchPolicy.Default"/> plans up to five 1:1 touches in a week
/// (the A-bank plan's busiest week), and a delivery cap below the planner's would silently drop a planned touch instead
/// of the planner moving it. Keep this cap at or above the journey policy's.
/// </remarks>
public sealed record DeliveryPolicyOptions
{
    /// <summary>The tenant's time zone (IANA or Windows id); days and quiet hours are local to it. Default Asia/Shanghai.</summary>
    public string TimeZoneId { get; init; } = "Asia/Shanghai";

    /// <summary>Local time quiet hours begin (inclusive). Default 21:00.</summary>
    public TimeOnly QuietHoursStart { get; init; } = new(21, 0);

    /// <summary>Local time quiet hours end (exclusive): the first allowed instant. Default 09:00. Quiet hours may span
    /// midnight (start later than end).</summary>
    public TimeOnly QuietHoursEnd { get; init; } = new(9, 0);

    /// <summary>1:1 messages one customer may receive per local day. Default 1 (the admin's strictest WeCom setting).</summary>
    public int OneToOnePerDay { get; init; } = 1;

    /// <summary>1:1 messages one customer may receive in any seven consecutive local days (rolling, not calendar weeks:
    /// a rolling cap also bounds every calendar week, not the other way round). Default 5.</summary>
    public int OneToOnePerWeek { get; init; } = 5;

    /// <summary>Moments posts one account manager may publish per local day. Default 3: a post is not a message to one
    /// customer, but a feed full of one manager's adverts is how a bank gets muted.</summary>
    public int MomentsPerSenderPerDay { get; init; } = 3;

    /// <summary>Group posts one account manager may send per local day. Default 1: each of the manager's groups receives
    /// the post, and a group, like a customer, may be limited by the admin to one mass message a day.</summary>
    public int GroupPerSenderPerDay { get; init; } = 1;

    /// <summary>WeCom tasks one account manager may be given per local day by steps marked personal (whose text names the
    /// customer, so each customer is a task of its own to confirm). Default 20; the excess waits for the next day, with
    /// the reason on each touch. Mass-send steps are not counted: they make one task per manager and text.</summary>
    public int PersonalTasksPerManagerPerDay { get; init; } = 20;

    /// <summary>How far back the caller counts sends and deletions for the throttle. Default 7 days.</summary>
    public TimeSpan DeletionRateWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A template whose deletion rate (deletions ÷ sends in the window) passes this is throttled. Default 0.05.</summary>
    public double TemplateDeletionRateLimit { get; init; } = 0.05;

    /// <summary>An account manager whose deletion rate passes this is throttled. Default 0.05.</summary>
    public double SenderDeletionRateLimit { get; init; } = 0.05;

    /// <summary>Sends in the window before a rate counts. Default 30, so one deletion out of two sends is noise, not a
    /// signal: below it a rate says nothing and the throttle stays off.</summary>
    public int DeletionRateMinimumSends { get; init; } = 30;

    /// <summary>Returns these options, or throws naming the field and the fix.</summary>
    /// <exception cref="ArgumentException">The options cannot be honoured.</exception>
    public DeliveryPolicyOptions Validated()
    {
        _ = Zone();
        if (QuietHoursStart == QuietHoursEnd)
        {
            throw new ArgumentException($"{nameof(QuietHoursStart)} and {nameof(QuietHoursEnd)} are both {QuietHoursStart}; set different times (e.g. 21:00 and 09:00).");
        }

        Require(OneToOnePerDay >= 1, $"{nameof(OneToOnePerDay)} is {OneToOnePerDay}; set at least 1.");
        Require(
            OneToOnePerWeek >= OneToOnePerDay && OneToOnePerWeek <= 31,
            $"{nameof(OneToOnePerWeek)} is {OneToOnePerWeek}; set it between {nameof(OneToOnePerDay)} ({OneToOnePerDay}) and 31 (WeCom's monthly ceiling).");
        Require(MomentsPerSenderPerDay >= 1, $"{nameof(MomentsPerSenderPerDay)} is {MomentsPerSenderPerDay}; set at least 1.");
        Require(GroupPerSenderPerDay >= 1, $"{nameof(GroupPerSenderPerDay)} is {GroupPerSenderPerDay}; set at least 1.");
        Require(
            PersonalTasksPerManagerPerDay is >= 1 and <= 500,
            $"{nameof(PersonalTasksPerManagerPerDay)} is {PersonalTasksPerManagerPerDay}; set 1–500 (each is a task the account manager confirms by hand).");
        Require(DeletionRateWindow > TimeSpan.Zero, $"{nameof(DeletionRateWindow)} is {DeletionRateWindow}; set a positive duration (e.g. 7.00:00:00).");
        Require(
            TemplateDeletionRateLimit is > 0 and <= 1,
            $"{nameof(TemplateDeletionRateLimit)} is {TemplateDeletionRateLimit}; set a fraction above 0 and at most 1 (e.g. 0.05).");
        Require(
            SenderDeletionRateLimit is > 0 and <= 1,
            $"{nameof(SenderDeletionRateLimit)} is {SenderDeletionRateLimit}; set a fraction above 0 and at most 1 (e.g. 0.05).");
        Require(DeletionRateMinimumSends >= 1, $"{nameof(DeletionRateMinimumSends)} is {DeletionRateMinimumSends}; set at least 1.");
        return this;
    }

    /// <summary>The tenant's time zone.</summary>
    /// <exception cref="ArgumentException">The id is not a time zone this host knows.</exception>
    internal TimeZoneInfo Zone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new ArgumentException($"{nameof(TimeZoneId)} '{TimeZoneId}' is not a known time zone; use an IANA id such as Asia/Shanghai.", e);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
