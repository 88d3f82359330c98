using Microsoft.Extensions.Logging;
using PrivateDomain.Delivery;
using PrivateDomain.WeCom;

namespace PrivateDomain.Customers;

/// <summary>What one daily read stored.</summary>
/// <param name="Day">The day read (China time).</param>
/// <param name="Owners">Owners asked about.</param>
/// <param name="Stored">Owner rows stored.</param>
public sealed record GroupChatStatisticsReadResult(DateOnly Day, int Owners, int Stored);

/// <summary>
/// The daily read of WeCom's group figures (<c>groupchat/statistic</c>): once a day, yesterday's figures of every owner of
/// a group we know (from the chat events and group codes), 100 owners a call (WeCom's owner filter limit; without a
/// filter WeCom answers 81017 once the app sees over 1,000 members), paged by offset. WeCom aggregates by owner, never by
/// single group: per-group joins through our codes are counted from the chat events instead (<see cref="GroupCodeService"/>).
/// Reading a day again replaces its rows.
/// </summary>
public sealed class GroupChatStatisticsRead(IWeComGroupChats weCom, IGroupChatStore chats, IGroupChatStatistics statistics, TimeProvider time,
    ILogger<GroupChatStatisticsRead> log)
{
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>WeCom's limit on owners per call.</summary>
    public const int OwnersPerCall = 100;

    /// <summary>Yesterday in China, seen at <paramref name="now"/>: the most recent day WeCom has figures for.</summary>
    public static DateOnly Yesterday(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, China).Date).AddDays(-1);

    /// <summary>Unix seconds of <paramref name="day"/>'s 00:00 China time (what day_begin_time takes).</summary>
    public static long DayStart(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeSeconds();

    /// <summary>Reads and stores one day's figures (default: yesterday). Throws when WeCom cannot be read, so the caller retries.</summary>
    public async Task<GroupChatStatisticsReadResult> ReadAsync(string tenant, DateOnly? day, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var d = day ?? Yesterday(now);
        var owners = new List<string>();
        await foreach (var owner in chats.OwnersAsync(tenant, cancellationToken).ConfigureAwait(false))
        {
            owners.Add(owner);
        }

        var stored = 0;
        foreach (var batch in owners.Order(StringComparer.Ordinal).Chunk(OwnersPerCall))
        {
            var offset = 0;
            while (true)
            {
                var page = await weCom.GetGroupChatStatisticAsync(tenant,
                    new GroupChatStatisticQuery(DayStart(d), DayStart(d), new GroupChatOwnerFilter(batch), Offset: offset, Limit: 1000), cancellationToken).ConfigureAwait(false);
                if (page.Value is not { } answer)
                {
                    throw new InvalidOperationException($"groupchat/statistic for {tenant} on {d:yyyy-MM-dd} failed: {page.Error}");
                }

                foreach (var item in answer.Items ?? [])
                {
                    var x = item.Data;
                    await statistics.SaveAsync(tenant, new GroupChatDailyStats(d, item.Owner, x.NewChatCnt, x.ChatTotal, x.ChatHasMsg, x.NewMemberCnt, x.MemberTotal,
                        x.MemberHasMsg, x.MsgTotal, now), cancellationToken).ConfigureAwait(false);
                    stored++;
                }

                if (answer.Items is not { Count: > 0 } || answer.NextOffset <= offset || answer.NextOffset >= answer.Total)
                {
                    break;
                }

                offset = answer.NextOffset;
            }
        }

        log.LogInformation("Group figures of {Day} for {Tenant}: {Owners} owners asked, {Stored} stored", d, tenant, owners.Count, stored);
        return new GroupChatStatisticsReadResult(d, owners.Count, stored);
    }
}
