using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateDomain.Delivery;

namespace PrivateDomain.Local.Sandbox;

/// <summary>A request the WeCom sandbox received: the API, the body, the query with credentials masked, and the errcode it answered.</summary>
public sealed record SandboxRequest(long Seq, string Api, string Method, string? CorpId, string Query, string? Body, DateTimeOffset At, int Errcode);

/// <summary>An injected fault: the next <paramref name="Count"/> calls of <paramref name="Api"/> ("*" = any) answer
/// <paramref name="Errcode"/>, or the HTTP status <paramref name="HttpStatus"/> when set — only calls whose body contains
/// <paramref name="WhenBodyContains"/> when that is set (e.g. one recipient WeCom refuses a whole task for).</summary>
public sealed record SandboxFault(string Api, int Errcode, int Count, int? HttpStatus = null, string? WhenBodyContains = null);

/// <summary>
/// The WeCom sandbox's state: issued access tokens, per-minute call counts, injected faults, what it received, and the
/// business objects (welcome codes used, mass-send tasks and their progress, Moments posts, corp tags, tag marks).
/// Thread-safe; in memory.
/// </summary>
public sealed partial class WeComSandbox(IOptions<WeComSandboxOptions> options, TimeProvider time)
{
    private readonly WeComSandboxOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, string> _apps = new(options.Value.Apps, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string CorpId, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _currentToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Corp, string Api, long Minute), int> _calls = new();
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly List<SandboxFault> _faults = [];
    private readonly object _tokenLock = new();
    private long _seq;
    private int _getTokenCalls;

    /// <summary>The sandbox's clock (shared with tests that move time).</summary>
    public TimeProvider Time => time;

    /// <summary>How many times gettoken was called.</summary>
    public int GetTokenCalls => Volatile.Read(ref _getTokenCalls);

    /// <summary>Every access token issued so far (for tests that check tokens never reach logs).</summary>
    public IReadOnlyCollection<string> IssuedTokens => _tokens.Keys.ToList();

    /// <summary>The requests received, oldest first.</summary>
    public IReadOnlyList<SandboxRequest> Requests => _requests.ToList();

    /// <summary>Welcome codes already used (send_welcome_msg accepts each once).</summary>
    internal ConcurrentDictionary<string, byte> UsedWelcomeCodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Mass-send tasks by msgid.</summary>
    internal ConcurrentDictionary<string, SandboxMassMessage> MassMessages { get; } = new(StringComparer.Ordinal);

    /// <summary>Moments posts by jobid (add_moment_task's answer).</summary>
    internal ConcurrentDictionary<string, SandboxMoment> MomentJobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Moments posts by moment_id.</summary>
    internal ConcurrentDictionary<string, SandboxMoment> Moments { get; } = new(StringComparer.Ordinal);

    /// <summary>Corp tag groups by group id.</summary>
    internal ConcurrentDictionary<string, SandboxTagGroup> TagGroups { get; } = new(StringComparer.Ordinal);

    /// <summary>Tags on relationships: (employee, customer) → tag ids.</summary>
    internal ConcurrentDictionary<(string UserId, string ExternalUserId), HashSet<string>> Marks { get; } = new();

    /// <summary>The mass-send tasks created so far, oldest first.</summary>
    public IReadOnlyList<SandboxMassMessageView> MassMessageViews()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return MassMessages.Values.OrderBy(m => m.CreateTime).ThenBy(m => m.MsgId, StringComparer.Ordinal).Select(m => m.View(now)).ToList();
    }

    /// <summary>The Moments posts created so far, oldest first.</summary>
    public IReadOnlyList<SandboxMomentView> MomentViews() =>
        Moments.Values.OrderBy(m => m.CreateTime).ThenBy(m => m.MomentId, StringComparer.Ordinal).Select(m => m.View()).ToList();

    /// <summary>Acts as the employee confirming mass-send task <paramref name="msgId"/> in the WeCom client.</summary>
    public SandboxControlOutcome ConfirmMassMessage(string msgId, SandboxMassMessageConfirmation confirmation)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        return MassMessages.TryGetValue(msgId, out var m) ? m.Confirm(confirmation, time.GetUtcNow().ToUnixTimeSeconds()) : SandboxControlOutcome.NotFound;
    }

    /// <summary>Acts as the employee publishing Moments post <paramref name="momentId"/> (every sender when <paramref name="userId"/> is empty).</summary>
    public SandboxControlOutcome PublishMoment(string momentId, string? userId) =>
        Moments.TryGetValue(momentId, out var m) ? m.Publish(userId, time.GetUtcNow().ToUnixTimeSeconds()) : SandboxControlOutcome.NotFound;

    /// <summary>Lets a corp app call gettoken.</summary>
    public void RegisterApp(string corpId, string secret) => _apps[corpId] = secret;

    /// <summary>Queues a fault.</summary>
    public void AddFault(SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Removes all faults.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>Invalidates every issued token now, as WeCom may do early "for operational reasons" [91039].</summary>
    public int ExpireTokens()
    {
        var now = time.GetUtcNow();
        lock (_tokenLock)
        {
            foreach (var (token, t) in _tokens)
            {
                _tokens[token] = (t.CorpId, now);
            }

            _currentToken.Clear();
            return _tokens.Count;
        }
    }

    /// <summary>Calls per API so far.</summary>
    public IReadOnlyDictionary<string, int> CallsByApi() =>
        _requests.GroupBy(r => r.Api).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>gettoken: the app's current token while it is valid (WeCom returns the same one), else a new one.</summary>
    internal (int Errcode, string? Token, long ExpiresIn) GetToken(string? corpId, string? secret)
    {
        Interlocked.Increment(ref _getTokenCalls);
        if (string.IsNullOrEmpty(corpId))
        {
            return (41002, null, 0);
        }

        if (string.IsNullOrEmpty(secret))
        {
            return (41004, null, 0);
        }

        if (!_apps.TryGetValue(corpId, out var expected))
        {
            return (40013, null, 0);
        }

        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(secret)))
        {
            return (40001, null, 0);
        }

        var now = time.GetUtcNow();
        lock (_tokenLock)
        {
            if (_currentToken.TryGetValue(corpId, out var current) && _tokens.TryGetValue(current, out var t) && t.ExpiresAt > now)
            {
                return (0, current, (long)Math.Ceiling((t.ExpiresAt - now).TotalSeconds));
            }

            var token = "sbx" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            _tokens[token] = (corpId, now + _options.TokenLifetime);
            _currentToken[corpId] = token;
            return (0, token, (long)_options.TokenLifetime.TotalSeconds);
        }
    }

    /// <summary>Checks an access token: 41001 missing, 40014 unknown, 42001 expired.</summary>
    internal (int Errcode, string? CorpId) CheckToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (41001, null);
        }

        if (!_tokens.TryGetValue(token, out var t))
        {
            return (40014, null);
        }

        return t.ExpiresAt <= time.GetUtcNow() ? (42001, t.CorpId) : (0, t.CorpId);
    }

    /// <summary>Takes one injected fault for <paramref name="api"/>, if any is queued.</summary>
    internal SandboxFault? TakeFault(string api, string? body = null)
    {
        lock (_faults)
        {
            var i = _faults.FindIndex(f => (f.Api == api || f.Api == "*")
                && (f.WhenBodyContains is null || (body?.Contains(f.WhenBodyContains, StringComparison.Ordinal) ?? false)));
            if (i < 0)
            {
                return null;
            }

            var f = _faults[i];
            if (f.Count <= 1)
            {
                _faults.RemoveAt(i);
            }
            else
            {
                _faults[i] = f with { Count = f.Count - 1 };
            }

            return f;
        }
    }

    /// <summary>Counts a call in the current minute; true when it is over the API's per-minute limit.</summary>
    internal bool OverRateLimit(string corpId, string api)
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var count = _calls.AddOrUpdate((corpId, api, minute), 1, (_, n) => n + 1);
        var limit = _options.RateLimitsPerMinute.TryGetValue(api, out var l) ? l : _options.DefaultRateLimitPerMinute;
        return count > limit;
    }

    /// <summary>Records a request (the query must already be redacted).</summary>
    internal void Record(string api, string method, string? corpId, string query, string? body, int errcode)
    {
        _requests.Enqueue(new SandboxRequest(Interlocked.Increment(ref _seq), api, method, corpId, WeComLogRedaction.Redact(query), body, time.GetUtcNow(), errcode));
        while (_requests.Count > _options.MaxRecordedRequests && _requests.TryDequeue(out _))
        {
        }
    }

    /// <summary>Forgets everything but the registered apps and options.</summary>
    public void Reset()
    {
        lock (_tokenLock)
        {
            _tokens.Clear();
            _currentToken.Clear();
        }

        _calls.Clear();
        _requests.Clear();
        ClearFaults();
        UsedWelcomeCodes.Clear();
        MassMessages.Clear();
        MomentJobs.Clear();
        Moments.Clear();
        TagGroups.Clear();
        Marks.Clear();
        ContactWays.Clear();
        GroupChats.Clear();
        JoinWays.Clear();
        GroupWelcomeTemplates.Clear();
        GroupWelcomeNotices.Clear();
        GroupWelcomes.Clear();
        GroupFigures.Clear();
        Interlocked.Exchange(ref _getTokenCalls, 0);
    }

    /// <summary>A new id with WeCom's look (a prefix and random characters).</summary>
    internal static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}

/// <summary>A corp tag group in the sandbox.</summary>
internal sealed record SandboxTagGroup(string GroupId, string GroupName, long CreateTime, List<(string Id, string Name, long CreateTime)> Tags);
