using Microsoft.Extensions.Options;
using PrivateDomain.AccountManagers;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.AccountManagers;

/// <summary>
/// The local host's stand-in for the <c>ManagerMorningDigest</c> timer: every 15 minutes, once the bank's local time is
/// past <see cref="ManagerMessagesOptions.DigestAt"/>, runs the digest of every tenant that has an app agent id. A run
/// after the day's digest went out sends nothing (the ledger key is the day), so the frequent check only catches a host
/// started late. Off with <c>Local:ManagerDigest=false</c>.
/// </summary>
public sealed class ManagerDigestRun(
    ManagerDigest digest, IOptions<ManagerMessagesOptions> options, IOptions<WeComOptions> tenants, TimeProvider time, ILogger<ManagerDigestRun> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(15), time);
        do
        {
            var o = options.Value;
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), o.Zone).DateTime);
            if (local < o.DigestAt || o.IsQuiet(time.GetUtcNow()))
            {
                continue;
            }

            foreach (var tenant in tenants.Value.Tenants.Keys.Where(o.AgentIds.ContainsKey))
            {
                try
                {
                    await digest.RunAsync(tenant, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Manager digest for {Tenant} failed; it runs again within 15 minutes", tenant);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
