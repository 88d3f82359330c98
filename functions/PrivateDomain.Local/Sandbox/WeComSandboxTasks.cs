using System.Text.Json.Serialization;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>
/// What <c>POST /sandbox/mass-messages/{msgid}/confirm</c> does, acting as the employee in the WeCom client: the sender
/// (every sender when <see cref="UserId"/> is empty) confirms; each of their customers becomes sent (1), or 3 (receive
/// limit reached) when listed in <see cref="ReceiveLimit"/>, or 2 (not a friend) when listed in <see cref="NotFriend"/>.
/// </summary>
public sealed record SandboxMassMessageConfirmation(
    [property: JsonPropertyName("userid")] string? UserId = null,
    IReadOnlyList<string>? ReceiveLimit = null,
    IReadOnlyList<string>? NotFriend = null);

/// <summary>What <c>POST /sandbox/moments/{moment_id}/publish</c> does: the sender (every sender when empty) publishes.</summary>
public sealed record SandboxMomentPublication([property: JsonPropertyName("userid")] string? UserId = null);

/// <summary>The outcome of a sandbox control action.</summary>
public enum SandboxControlOutcome
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>No such task, or the sender is not one of the task's senders.</summary>
    NotFound,

    /// <summary>The sender had already confirmed (or published).</summary>
    AlreadyDone,
}

/// <summary>A mass-send task as <c>GET /sandbox/mass-messages</c> shows it.</summary>
public sealed record SandboxMassMessageView(
    [property: JsonPropertyName("msgid")] string MsgId,
    string ChatType,
    string? Sender,
    string? Text,
    [property: JsonPropertyName("external_userids")] IReadOnlyList<string> ExternalUserIds,
    IReadOnlyList<string> ChatIds,
    DateTimeOffset CreatedAt,
    IReadOnlyList<SandboxSenderView> Senders,
    int RemindersLast24h);

/// <summary>A sender's part of a sandbox task: sent (or published) or not, and when.</summary>
public sealed record SandboxSenderView(
    [property: JsonPropertyName("userid")] string UserId,
    bool Done,
    DateTimeOffset? At);

/// <summary>A Moments post as <c>GET /sandbox/moments</c> shows it.</summary>
public sealed record SandboxMomentView(
    string MomentId,
    [property: JsonPropertyName("jobid")] string JobId,
    string? Text,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> TagList,
    IReadOnlyList<SandboxSenderView> Senders);

/// <summary>A recipient of a sandbox mass-send task: a customer (single) or a customer group (group) of one sender.</summary>
internal sealed record SandboxMassRecipient(string Sender, string? ExternalUserId, string? ChatId, MassMessageRecipientStatus Status, long? SendTime);

/// <summary>
/// A mass-send task the sandbox created: its senders (each "unconfirmed" until confirmed through the sandbox), their
/// recipients (each "unsent" until then), and when it was reminded. Thread-safe.
/// </summary>
internal sealed class SandboxMassMessage(string msgId, string chatType, string? sender, long createTime, string body, string? text)
{
    private readonly Lock _gate = new();
    private readonly List<(string UserId, long? SendTime)> _senders = [];
    private readonly List<SandboxMassRecipient> _recipients = [];
    private readonly List<long> _reminders = [];

    public string MsgId { get; } = msgId;

    public string ChatType { get; } = chatType;

    /// <summary>The sender named in add_msg_template (get_groupmsg_list_v2's creator), if any.</summary>
    public string? Sender { get; } = sender;

    public long CreateTime { get; } = createTime;

    /// <summary>add_msg_template's body as received.</summary>
    public string Body { get; } = body;

    public string? Text { get; } = text;

    /// <summary>Adds a recipient (unsent) of <paramref name="userId"/>, and the sender if new; <paramref name="id"/> null adds only the sender.</summary>
    public void Add(string userId, string? id, bool isChat)
    {
        lock (_gate)
        {
            if (!_senders.Any(s => s.UserId == userId))
            {
                _senders.Add((userId, null));
            }

            if (id is not null && !_recipients.Any(r => r.Sender == userId && (r.ExternalUserId ?? r.ChatId) == id))
            {
                _recipients.Add(new SandboxMassRecipient(userId, isChat ? null : id, isChat ? id : null, MassMessageRecipientStatus.Unsent, null));
            }
        }
    }

    /// <summary>The senders in order, with their send time once confirmed.</summary>
    public List<(string UserId, long? SendTime)> SenderTasks()
    {
        lock (_gate)
        {
            return [.. _senders];
        }
    }

    /// <summary>The recipients of <paramref name="userId"/>, or null when they are not a sender of this task.</summary>
    public List<SandboxMassRecipient>? ResultsOf(string userId)
    {
        lock (_gate)
        {
            return _senders.Any(s => s.UserId == userId) ? _recipients.Where(r => r.Sender == userId).ToList() : null;
        }
    }

    /// <summary>remind_groupmsg_send [97610]: accepted at most 3 times in any 24 hours.</summary>
    public bool TryRemind(long now)
    {
        lock (_gate)
        {
            if (_reminders.Count(r => r > now - 86_400) >= 3)
            {
                return false;
            }

            _reminders.Add(now);
            return true;
        }
    }

    public SandboxMassMessageView View(long now)
    {
        lock (_gate)
        {
            return new SandboxMassMessageView(
                MsgId,
                ChatType,
                Sender,
                Text,
                _recipients.Where(r => r.ExternalUserId is not null).Select(r => r.ExternalUserId!).Distinct(StringComparer.Ordinal).ToList(),
                _recipients.Where(r => r.ChatId is not null).Select(r => r.ChatId!).Distinct(StringComparer.Ordinal).ToList(),
                DateTimeOffset.FromUnixTimeSeconds(CreateTime),
                _senders.Select(s => new SandboxSenderView(s.UserId, s.SendTime is not null, s.SendTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null)).ToList(),
                _reminders.Count(r => r > now - 86_400));
        }
    }

    /// <summary>The employee confirms in the WeCom client: see <see cref="SandboxMassMessageConfirmation"/>.</summary>
    public SandboxControlOutcome Confirm(SandboxMassMessageConfirmation confirmation, long now)
    {
        var limited = new HashSet<string>(confirmation.ReceiveLimit ?? [], StringComparer.Ordinal);
        var notFriends = new HashSet<string>(confirmation.NotFriend ?? [], StringComparer.Ordinal);
        lock (_gate)
        {
            var which = Enumerable.Range(0, _senders.Count)
                .Where(i => string.IsNullOrEmpty(confirmation.UserId) || _senders[i].UserId == confirmation.UserId).ToList();
            if (which.Count == 0)
            {
                return SandboxControlOutcome.NotFound;
            }

            which = which.Where(i => _senders[i].SendTime is null).ToList();
            if (which.Count == 0)
            {
                return SandboxControlOutcome.AlreadyDone;
            }

            foreach (var i in which)
            {
                var userId = _senders[i].UserId;
                _senders[i] = (userId, now);
                for (var j = 0; j < _recipients.Count; j++)
                {
                    var r = _recipients[j];
                    if (r.Sender != userId)
                    {
                        continue;
                    }

                    var id = r.ExternalUserId ?? r.ChatId!;
                    var status = notFriends.Contains(id) ? MassMessageRecipientStatus.NotAFriend
                        : limited.Contains(id) ? MassMessageRecipientStatus.ReceiveLimitReached
                        : MassMessageRecipientStatus.Sent;
                    _recipients[j] = r with { Status = status, SendTime = status == MassMessageRecipientStatus.Sent ? now : null };
                }
            }

            return SandboxControlOutcome.Done;
        }
    }
}

/// <summary>
/// A Moments post the sandbox created from add_moment_task (the sandbox finishes the job at once): its senders, each
/// unpublished until published through the sandbox. Thread-safe.
/// </summary>
internal sealed class SandboxMoment(string momentId, string jobId, long createTime, string body, string? text, IReadOnlyList<string> senders, IReadOnlyList<string> tags, IReadOnlyList<string> invalidTags)
{
    private readonly Lock _gate = new();

    // No sender_list: WeCom offers the post to everyone in the app's range, which the sandbox does not know.
    private readonly bool _openToAll = senders.Count == 0;
    private readonly List<(string UserId, long? PublishTime)> _senders = senders.Distinct(StringComparer.Ordinal).Select(s => (s, (long?)null)).ToList();

    public string MomentId { get; } = momentId;

    public string JobId { get; } = jobId;

    public long CreateTime { get; } = createTime;

    /// <summary>add_moment_task's body as received.</summary>
    public string Body { get; } = body;

    public string? Text { get; } = text;

    public IReadOnlyList<string> Tags { get; } = tags;

    public IReadOnlyList<string> InvalidTags { get; } = invalidTags;

    /// <summary>The senders in order, with their publish time once published.</summary>
    public List<(string UserId, long? PublishTime)> SenderTasks()
    {
        lock (_gate)
        {
            return [.. _senders];
        }
    }

    public SandboxMomentView View()
    {
        lock (_gate)
        {
            return new SandboxMomentView(MomentId, JobId, Text, DateTimeOffset.FromUnixTimeSeconds(CreateTime), Tags,
                _senders.Select(s => new SandboxSenderView(s.UserId, s.PublishTime is not null, s.PublishTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : null)).ToList());
        }
    }

    /// <summary>The employee publishes in the WeCom client. With no sender_list, any named employee may publish.</summary>
    public SandboxControlOutcome Publish(string? userId, long now)
    {
        lock (_gate)
        {
            if (!string.IsNullOrEmpty(userId) && !_senders.Any(s => s.UserId == userId))
            {
                if (!_openToAll)
                {
                    return SandboxControlOutcome.NotFound;
                }

                _senders.Add((userId, now));
                return SandboxControlOutcome.Done;
            }

            var which = Enumerable.Range(0, _senders.Count).Where(i => string.IsNullOrEmpty(userId) || _senders[i].UserId == userId).ToList();
            if (which.Count == 0)
            {
                return SandboxControlOutcome.NotFound;
            }

            which = which.Where(i => _senders[i].PublishTime is null).ToList();
            if (which.Count == 0)
            {
                return SandboxControlOutcome.AlreadyDone;
            }

            foreach (var i in which)
            {
                _senders[i] = (_senders[i].UserId, now);
            }

            return SandboxControlOutcome.Done;
        }
    }
}
