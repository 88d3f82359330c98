using System.Globalization;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;

namespace PrivateDomain.Delivery.Policy;

/// <summary>
/// The don't-carpet-bomb backstop every touch passes just before it is sent. A pure function: no clock, no store —
/// <c>now</c> and the history are inputs — so the same request, history and time always give the same decision and a
/// test can pin every rule in one line.
/// </summary>
/// <remarks>
/// Rules, in order (the first that refuses names the reason): opt-out; the customer deleted the sender; the sender no
/// longer has the customer; template throttle; sender throttle; 1:1 daily cap; 1:1 rolling weekly cap; the sender's
/// Moments/group daily cap; quiet hours. Durable refusals come first so that an opted-out customer is recorded as
/// opted out, never as "quiet hours". Days are the tenant's local dates, so a send at 07:30 in Shanghai counts against
/// that Shanghai day although it was still yesterday in UTC.
/// </remarks>
public sealed class DeliveryPolicy
{
    /// <summary>The tag our unsubscribe page and the account manager's opt-out set.</summary>
    public const string OptedOutTag = SignalKinds.OptedOut;

    /// <summary>The tag the customer pool sets on del_follow_user.</summary>
    public const string DeletedUsTag = CustomerEventProcessor.DeletedUsTag;

    /// <summary>The customer's tags that <see cref="Evaluate"/> refuses on (<see cref="OptedOutTag"/>,
    /// <see cref="DeletedUsTag"/>), in order: what an account manager's book keeps beside each relationship.</summary>
    public static IReadOnlyList<string> PolicyTags(Customer customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return [.. new[] { DeletedUsTag, OptedOutTag }.Where(customer.HasTag)];
    }

    // Caps reach at most seven days ahead; past that only history dated in the future could still block.
    private const int SearchDays = 32;

    private readonly TimeZoneInfo _zone;

    /// <summary>Creates the policy.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="DeliveryPolicyOptions.Validated"/>).</exception>
    public DeliveryPolicy(DeliveryPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validated();
        _zone = options.Zone();
    }

    /// <summary>The options.</summary>
    public DeliveryPolicyOptions Options { get; }

    /// <summary>Where the caller starts counting sends and deletions for <see cref="DeliveryHistory.Template"/> and
    /// <see cref="DeliveryHistory.Sender"/>.</summary>
    public DateTimeOffset DeletionWindowStart(DateTimeOffset now) => now - Options.DeletionRateWindow;

    /// <summary>Decides whether <paramref name="request"/> may be sent at <paramref name="now"/>.</summary>
    public DeliveryDecision Evaluate(DeliveryRequest request, DeliveryHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(history);

        if (request.CustomerTags.Contains(OptedOutTag, StringComparer.Ordinal))
        {
            return new DeliveryRefused(RefusalReason.OptedOut, $"Customer {request.CustomerId} opted out; they are never sent to again.", null);
        }

        if (request.Relationship == RelationshipStatus.DeletedByCustomer || request.CustomerTags.Contains(DeletedUsTag, StringComparer.Ordinal))
        {
            return new DeliveryRefused(RefusalReason.DeletedUs, $"Customer {request.CustomerId} deleted an account manager; delivery is paused until they add one again.", null);
        }

        if (request.Relationship is RelationshipStatus.DeletedByEmployee or RelationshipStatus.Transferred)
        {
            return new DeliveryRefused(RefusalReason.NotConnected, $"Account manager {request.SenderId} no longer has customer {request.CustomerId} ({request.Relationship}).", null);
        }

        if (Throttled(history.Template, Options.TemplateDeletionRateLimit))
        {
            return new DeliveryRefused(
                RefusalReason.TemplateThrottled,
                $"Template {request.TemplateId} was followed by {history.Template.Deletions} deletions in {history.Template.Sends} sends ({Percent(history.Template.Rate)}) over the last {Options.DeletionRateWindow.TotalDays:0.#} days, above the {Percent(Options.TemplateDeletionRateLimit)} limit; review the content.",
                null);
        }

        if (Throttled(history.Sender, Options.SenderDeletionRateLimit))
        {
            return new DeliveryRefused(
                RefusalReason.SenderThrottled,
                $"Account manager {request.SenderId} was deleted {history.Sender.Deletions} times in {history.Sender.Sends} sends ({Percent(history.Sender.Rate)}) over the last {Options.DeletionRateWindow.TotalDays:0.#} days, above the {Percent(Options.SenderDeletionRateLimit)} limit.",
                null);
        }

        var local = Local(now);
        var today = DateOnly.FromDateTime(local);
        if (CapRefusal(request, history, today) is { } cap)
        {
            return new DeliveryRefused(cap.Reason, cap.Message, NextAllowed(request, history, local));
        }

        if (Quiet(TimeOnly.FromDateTime(local)))
        {
            return new DeliveryRefused(
                RefusalReason.QuietHours,
                $"{TimeOnly.FromDateTime(local):HH:mm} is within quiet hours ({Options.QuietHoursStart:HH:mm}–{Options.QuietHoursEnd:HH:mm} {Options.TimeZoneId}).",
                NextAllowed(request, history, local));
        }

        return DeliveryDecision.Allowed;
    }

    private bool Throttled(DeletionTally tally, double limit) =>
        tally.Sends >= Options.DeletionRateMinimumSends && tally.Rate > limit;

    private (RefusalReason Reason, string Message)? CapRefusal(DeliveryRequest request, DeliveryHistory history, DateOnly day)
    {
        if (request.Channel == Channel.OneToOne)
        {
            var onDay = Count(history.CustomerSends, Channel.OneToOne, day, day);
            if (onDay >= Options.OneToOnePerDay)
            {
                return (RefusalReason.DailyCap, $"Customer {request.CustomerId} already received {onDay} 1:1 message(s) on {day:yyyy-MM-dd}; the cap is {Options.OneToOnePerDay} a day.");
            }

            var inWeek = Count(history.CustomerSends, Channel.OneToOne, day.AddDays(-6), day);
            if (inWeek >= Options.OneToOnePerWeek)
            {
                return (RefusalReason.WeeklyCap, $"Customer {request.CustomerId} already received {inWeek} 1:1 messages in the seven days to {day:yyyy-MM-dd}; the cap is {Options.OneToOnePerWeek}.");
            }

            return null;
        }

        var cap = request.Channel == Channel.Moments ? Options.MomentsPerSenderPerDay : Options.GroupPerSenderPerDay;
        var posts = Count(history.SenderSends, request.Channel, day, day);
        return posts >= cap
            ? (RefusalReason.SenderDailyCap, $"Account manager {request.SenderId} already made {posts} {request.Channel} post(s) on {day:yyyy-MM-dd}; the cap is {cap} a day.")
            : null;
    }

    /// <summary>The first instant from <paramref name="local"/> on that is outside quiet hours on a day the caps allow.</summary>
    private DateTimeOffset? NextAllowed(DeliveryRequest request, DeliveryHistory history, DateTime local)
    {
        for (var i = 0; i < SearchDays; i++)
        {
            var open = OutOfQuiet(local);
            if (CapRefusal(request, history, DateOnly.FromDateTime(open)) is null)
            {
                return Instant(open);
            }

            local = DateOnly.FromDateTime(open).AddDays(1).ToDateTime(TimeOnly.MinValue);
        }

        return null;
    }

    private int Count(IEnumerable<PastSend> sends, Channel channel, DateOnly from, DateOnly to)
    {
        var n = 0;
        foreach (var send in sends)
        {
            if (send.Channel == channel && DateOnly.FromDateTime(Local(send.At)) is var d && d >= from && d <= to)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// How many more personal WeCom tasks (steps marked personal: one task per customer) the account manager may be
    /// given on the local day of <paramref name="now"/>, given their posts (<paramref name="senderPosts"/>, at least
    /// that day's), and when the next day's allowance opens (the end of the next quiet hours).
    /// </summary>
    public PersonalTaskAllowance PersonalTasks(IEnumerable<PastSend> senderPosts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(senderPosts);
        var local = Local(now);
        var today = DateOnly.FromDateTime(local);
        var used = senderPosts.Count(p => p.Personal && DateOnly.FromDateTime(Local(p.At)) == today);
        var next = Instant(OutOfQuiet(today.AddDays(1).ToDateTime(TimeOnly.MinValue)));
        return new PersonalTaskAllowance(today, used, Math.Max(0, Options.PersonalTasksPerManagerPerDay - used), next);
    }

    /// <summary>True if <paramref name="at"/> falls in quiet hours in the tenant's time zone.</summary>
    public bool IsQuiet(DateTimeOffset at) => Quiet(TimeOnly.FromDateTime(Local(at)));

    private bool Quiet(TimeOnly t) => Options.QuietHoursStart < Options.QuietHoursEnd
        ? t >= Options.QuietHoursStart && t < Options.QuietHoursEnd
        : t >= Options.QuietHoursStart || t < Options.QuietHoursEnd;

    private DateTime OutOfQuiet(DateTime local)
    {
        var t = TimeOnly.FromDateTime(local);
        if (!Quiet(t))
        {
            return local;
        }

        var date = DateOnly.FromDateTime(local);
        return (t < Options.QuietHoursEnd ? date : date.AddDays(1)).ToDateTime(Options.QuietHoursEnd);
    }

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).DateTime;

    // A local time skipped by a daylight-saving jump moves an hour later, as in the journey engine.
    private DateTimeOffset Instant(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }

        return new DateTimeOffset(local, _zone.GetUtcOffset(local));
    }

    private static string Percent(double rate) => rate.ToString("P1", CultureInfo.InvariantCulture);
}
