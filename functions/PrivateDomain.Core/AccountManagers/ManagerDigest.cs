using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Delivery.Sending;

namespace PrivateDomain.AccountManagers;

/// <summary>
/// The morning digest: each account manager with something to do gets one text message a local day — their open
/// follow-up tasks (up to five named) and the mass-send tasks waiting for their confirmation in WeCom (created in the
/// last three days, not confirmed yet). Quiet hours and the daily cap apply as to every staff message: a run in quiet
/// hours or for a manager at the cap sends nothing and a later run that day may send it; a second run after a sent
/// digest sends nothing (the key is the day).
/// </summary>
public sealed class ManagerDigest(
    ManagerMessenger messenger,
    IFollowUpTasks tasks,
    IEmployeeDirectory employees,
    IDispatchStore dispatches,
    ICustomerStore customers,
    IOptions<ManagerMessagesOptions> options,
    TimeProvider time,
    ILogger<ManagerDigest> log)
{
    /// <summary>How far back a mass-send task counts as waiting (WeCom's tasks expire; older ones are the follow-up's reminders' business).</summary>
    public static readonly TimeSpan PendingWindow = TimeSpan.FromDays(3);

    /// <summary>Runs the digest for every manager of the tenant; returns the outcome per manager who had something to do.</summary>
    public async Task<IReadOnlyDictionary<string, StaffSendOutcome>> RunAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var day = options.Value.LocalDay(now);
        var managers = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var m in tasks.ManagersAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            managers.Add(m);
        }

        await foreach (var e in employees.ListAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            managers.Add(e.UserId);
        }

        var outcomes = new Dictionary<string, StaffSendOutcome>(StringComparer.Ordinal);
        foreach (var manager in managers)
        {
            var open = (await tasks.ListAsync(tenant, manager, 500, cancellationToken).ConfigureAwait(false))
                .Where(t => ManagerTaskStatus.Of(t, now, options.Value.TaskExpiresAfter) == ManagerTaskStatus.Open).ToList();
            var pending = 0;
            await foreach (var d in dispatches.ListAsync(tenant, manager, now - PendingWindow, cancellationToken).ConfigureAwait(false))
            {
                if (d.Status == DispatchStatus.Created)
                {
                    pending++;
                }
            }

            if (open.Count == 0 && pending == 0)
            {
                continue;
            }

            var names = new List<string>();
            foreach (var t in open.Take(5))
            {
                names.Add((await customers.GetAsync(tenant, t.CustomerId, cancellationToken).ConfigureAwait(false))?.Value.Name ?? t.CustomerId);
            }

            var text = $"早上好！今天（{day:yyyy-MM-dd}）待办：\n"
                + $"· 跟进任务 {open.Count} 个" + (names.Count == 0 ? "" : "：" + string.Join("、", names) + (open.Count > names.Count ? " 等" : "")) + "\n"
                + $"· 待确认的群发任务 {pending} 个（请在企业微信「客户联系 → 群发助手」中确认发送）";
            outcomes[manager] = await messenger.SendAsync(new StaffMessage(tenant, manager, StaffMessageKeys.Digest(day), StaffMessageKind.Digest, text, null,
                Detail: $"open={open.Count};pending={pending}"), cancellationToken).ConfigureAwait(false);
        }

        log.LogInformation("Digest for {Tenant} on {Day}: {Count} managers", tenant, day, outcomes.Count);
        return outcomes;
    }
}

/// <summary>A follow-up task's state as managers and supervisors see it.</summary>
public static class ManagerTaskStatus
{
    /// <summary>Not done and not expired.</summary>
    public const string Open = "open";

    /// <summary>Marked done.</summary>
    public const string Done = "done";

    /// <summary>Still open after <see cref="ManagerMessagesOptions.TaskExpiresAfter"/>.</summary>
    public const string Expired = "expired";

    /// <summary>The status of <paramref name="task"/> at <paramref name="now"/>.</summary>
    public static string Of(FollowUpTask task, DateTimeOffset now, TimeSpan expiresAfter)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.DoneAt is not null ? Done : task.At + expiresAfter <= now ? Expired : Open;
    }
}
