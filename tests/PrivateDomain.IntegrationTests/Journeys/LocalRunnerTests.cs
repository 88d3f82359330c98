using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;

namespace PrivateDomain.IntegrationTests.Journeys;

/// <summary>
/// The local journey runner on Azurite. Wake-ups are real delayed queue messages; a manual journey clock is moved to each
/// scheduled wake-up once the runner is waiting for it, so the 24-day plan runs in seconds and its outcome does not depend
/// on how fast the machine is (a scaled clock would make a slow step late, and a late touch can leave its stage).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LocalRunnerTests(AzuriteFixture fixture)
{
    /// <summary>Monday 2026-11-30 08:00 in Shanghai: day 1 of the journey is Tuesday.</summary>
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 8, 0, 0, TimeSpan.FromHours(8));

    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private Task<LocalHostInstance> StartAsync(JourneyClock clock, Action<IServiceCollection>? more = null) =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], null, services =>
        {
            services.AddSingleton(clock);
            more?.Invoke(services);
        });

    /// <summary>Moves the clock to each wake-up the journey waits for, until it completes.</summary>
    private static async Task<JourneyRecord> RunToCompletionAsync(LocalHostInstance host, JourneyClock clock, string tenant, string instanceId, TimeSpan timeout) =>
        await Eventually.GetAsync(async () =>
        {
            var r = (await host.Services.GetRequiredService<IJourneyStore>().GetAsync(tenant, instanceId, CancellationToken.None))?.Record;
            if (r is { Status: JourneyStatus.Running, NextWakeAt: { } wake } && wake > clock.GetUtcNow())
            {
                clock.AdvanceTo(wake);
            }

            return r is { Status: JourneyStatus.Completed } ? r : null;
        }, $"journey {instanceId} to complete", timeout);

    [Fact]
    public async Task A_silent_customer_goes_through_both_rounds_and_every_touch_is_recorded_once_even_when_a_step_dies_after_the_ledger_write()
    {
        var crashing = new CrashAfterRecording(crashOnRecord: 5);
        var clock = JourneyClock.Manual(MondayMorning);
        await using var host = await StartAsync(clock, s =>
            s.AddSingleton<ITouchLedger>(sp => crashing.Wrap(ActivatorUtilities.CreateInstance<TableTouchLedger>(sp))));
        var runner = host.Services.GetRequiredService<JourneyRunner>();

        var (instanceId, started) = await runner.StartAsync(_tenant.Name, "aida-nurture", "cSilent", "zhangsan", null, CancellationToken.None);
        Assert.True(started);
        Assert.False((await runner.StartAsync(_tenant.Name, "aida-nurture", "cSilent", "zhangsan", null, CancellationToken.None)).Started);

        var done = await RunToCompletionAsync(host, clock, _tenant.Name, instanceId, TimeSpan.FromSeconds(90));
        Assert.Equal(JourneyEnd.Finished, done.EndReason);
        Assert.True(crashing.Crashed);
        var ledger = await host.Services.GetRequiredService<ITouchLedger>().ListAsync(_tenant.Name, instanceId, CancellationToken.None).ToListAsync();
        Assert.Equal(ledger.Count, ledger.Select(e => e.TouchId).Distinct().Count());
        Assert.Equal(14, ledger.Count(e => e.Channel == Channel.OneToOne));
        Assert.Equal(14, ledger.Count(e => e.Channel == Channel.Moments));
        Assert.Equal(7, ledger.Count(e => e.TouchId.Contains("/r2/", StringComparison.Ordinal) && e.Channel == Channel.OneToOne));
    }

    [Fact]
    public async Task Deleting_the_account_manager_during_a_wait_ends_the_journey_at_once()
    {
        // The clock stands still at day 1 12:30 (after the first touches), so only the signal can end the journey.
        await using var host = await StartAsync(JourneyClock.Manual(MondayMorning.AddDays(1).AddHours(4.5)));
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var (url, body) = _tenant.SignedPost(_tenant.AddExternalContactXml("lisi", "wmJourney", at), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(url, TestTenant.Xml(body))).StatusCode);
        var customerId = CustomerIds.FromExternalUserId(_tenant.Name, "wmJourney");
        await Eventually.TrueAsync(async () => await host.Services.GetRequiredService<IRelationshipStore>()
            .GetAsync(_tenant.Name, "lisi", "wmJourney", CancellationToken.None) is not null, "the add processed");
        var runner = host.Services.GetRequiredService<JourneyRunner>();
        var (instanceId, _) = await runner.StartAsync(_tenant.Name, "aida-nurture", customerId, "lisi", null, CancellationToken.None);
        var waiting = (await host.Services.GetRequiredService<IJourneyStore>().GetAsync(_tenant.Name, instanceId, CancellationToken.None))!.Value.Record;
        Assert.Equal(JourneyStatus.Running, waiting.Status);
        Assert.NotNull(waiting.NextWakeAt);

        (url, body) = _tenant.SignedPost(_tenant.EventXml("change_external_contact", "del_follow_user", at.AddSeconds(30),
            "<UserID><![CDATA[lisi]]></UserID><ExternalUserID><![CDATA[wmJourney]]></ExternalUserID>"), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(url, TestTenant.Xml(body))).StatusCode);

        var done = await Eventually.GetAsync(async () =>
            (await host.Services.GetRequiredService<IJourneyStore>().GetAsync(_tenant.Name, instanceId, CancellationToken.None))?.Record is { Status: JourneyStatus.Completed } r ? r : null,
            "the journey to end", TimeSpan.FromSeconds(20));
        Assert.Equal(JourneyEnd.ManagerDeleted, done.EndReason);
    }

    [Fact]
    public async Task A_signal_reaches_the_running_loan_check_in_journey_whose_instance_id_carries_the_application_id()
    {
        // The clock stands still before the check-in is due, so only the signal can end the journey.
        await using var host = await StartAsync(JourneyClock.Manual(MondayMorning));
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        var (url, body) = _tenant.SignedPost(_tenant.AddExternalContactXml("lisi", "wmLoan", at), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync(url, TestTenant.Xml(body))).StatusCode);
        var customerId = CustomerIds.FromExternalUserId(_tenant.Name, "wmLoan");
        await Eventually.TrueAsync(async () => await host.Services.GetRequiredService<IRelationshipStore>()
            .GetAsync(_tenant.Name, "lisi", "wmLoan", CancellationToken.None) is not null, "the add processed");
        var signals = host.Services.GetRequiredService<ISignalInbox>();
        var store = host.Services.GetRequiredService<IJourneyStore>();

        await signals.RaiseAsync(new CustomerSignal(_tenant.Name, customerId, "crm:loan-77:abandoned", SignalKinds.LoanApplicationAbandoned, at,
            new Dictionary<string, string> { ["applicationId"] = "loan-77" }), CancellationToken.None);
        var instanceId = JourneyInstanceId.For(_tenant.Name, JourneySignalRouting.LoanJourney, customerId, "loan-77");
        Assert.Equal(JourneyStatus.Running, (await store.GetAsync(_tenant.Name, instanceId, CancellationToken.None))!.Value.Record.Status);

        await signals.RaiseAsync(new CustomerSignal(_tenant.Name, customerId, "crm:order-5:converted", SignalKinds.Converted, at.AddSeconds(30),
            new Dictionary<string, string>()), CancellationToken.None);

        var done = (await store.GetAsync(_tenant.Name, instanceId, CancellationToken.None))!.Value.Record;
        Assert.Equal((JourneyStatus.Completed, JourneyEnd.Converted), (done.Status, done.EndReason));
        var row = await host.Services.GetRequiredService<IJourneyStarts>().ListAsync(_tenant.Name, customerId, CancellationToken.None).SingleAsync();
        Assert.Equal((instanceId, JourneyStartStatus.Ended), (row.InstanceId, row.Status));
    }

    /// <summary>Simulates a process dying right after the ledger write of the Nth touch, before the state is saved.</summary>
    private sealed class CrashAfterRecording(int crashOnRecord)
    {
        private int _records;

        public int CrashOnRecord { get; } = crashOnRecord;

        public bool Crashed { get; private set; }

        public ITouchLedger Wrap(ITouchLedger inner) => new Ledger(inner, this);

        private sealed class Ledger(ITouchLedger inner, CrashAfterRecording crash) : ITouchLedger
        {
            public async Task<bool> RecordAsync(string tenant, Touch touch, CancellationToken cancellationToken)
            {
                var recorded = await inner.RecordAsync(tenant, touch, cancellationToken);
                if (recorded && Interlocked.Increment(ref crash._records) == crash.CrashOnRecord)
                {
                    crash.Crashed = true;
                    throw new IOException("simulated crash after the ledger write");
                }

                return recorded;
            }

            public IAsyncEnumerable<LedgerEntry> ListAsync(string tenant, string instanceId, CancellationToken cancellationToken) =>
                inner.ListAsync(tenant, instanceId, cancellationToken);
        }
    }
}
