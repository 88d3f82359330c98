using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Campaigns;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Storage;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>What the payroll tests do with a <see cref="FunctionsHost"/>: seed an employer's cohort, run the
/// <c>payroll-fanout</c> queue's function as its trigger would, and read a campaign's ledger in a comparable form.</summary>
public static class PayrollTestKit
{
    /// <summary>The employer.</summary>
    public const string Employer = "E-ACME";

    /// <summary>Account managers the cohort is spread over.</summary>
    public const int Managers = 10;

    /// <summary>Shanghai's offset.</summary>
    public static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The morning the window opens: payday Thursday 19 Nov 2026, so D-5 Thu 12, D-4 Fri 13, D-3 Mon 16 Nov (working days).</summary>
    public static readonly DateTimeOffset OpeningMorning = new(2026, 11, 12, 9, 0, 0, Shanghai);

    /// <summary>D-5, D-4 and D-3 at the steps' 10:00.</summary>
    public static readonly DateTimeOffset[] StepTimes =
        [new(2026, 11, 12, 10, 0, 0, Shanghai), new(2026, 11, 13, 10, 0, 0, Shanghai), new(2026, 11, 16, 10, 0, 0, Shanghai)];

    /// <summary>The campaign id of the employer's November 2026 pay month.</summary>
    public static string CampaignId => PayrollCampaignId.For(Employer, new PayMonth(2026, 11));

    /// <summary>Customer <paramref name="i"/>'s id.</summary>
    public static string Customer(int i) => $"c{i:D4}";

    /// <summary>Customer <paramref name="i"/>'s account manager.</summary>
    public static string Manager(int i) => $"am{i % Managers:D2}";

    /// <summary>Registers the employer (payday the 19th) and <paramref name="count"/> customers of it, each with their own
    /// name; the first <paramref name="withoutManager"/> have no account manager on WeCom.</summary>
    public static async Task SeedAsync(IServiceProvider services, string tenant, int count, int withoutManager)
    {
        var at = OpeningMorning.AddDays(-60);
        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(tenant, new PayrollEmployer(Employer, PaydayRule.Parse("day:19")), CancellationToken.None);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var id = Customer(i);
            var customer = PrivateDomain.Customers.Customer.New(tenant, id, at) with
            {
                Name = CustomerNames.Of(i),
                CrmId = "crm-" + id,
                ExternalUserIds = ["wm" + id],
                Payroll = new PayrollEnrolment(Employer, "day:19"),
            };
            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(customer, ct));
            if (i >= withoutManager)
            {
                Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                    new Relationship(tenant, Manager(i), "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, ct));
            }
        });
    }

    /// <summary>Runs the <c>PayrollFanOut</c> function on every message waiting on <c>payroll-fanout</c>, as its queue
    /// trigger would (the test's Durable client as its binding); returns how many it ran.</summary>
    public static async Task<int> RunFanOutQueueAsync(this FunctionsHost host)
    {
        var queue = host.Get<StorageClients>().Queues.GetQueueClient(StoragePayrollFanOutQueue.QueueName);
        var function = host.Function<PayrollFunctions>();
        var ran = 0;
        while ((await queue.ReceiveMessagesAsync(maxMessages: 32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                await function.FanOutAsync(message.Body.ToString(), host.Client, null!, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                ran++;
            }
        }

        return ran;
    }

    /// <summary>The campaign's ledger for customers <c>0 … count-1</c>, one normalised row per touch (the tenant taken
    /// out of the touch id): customer, touch, channel, content, sender, slot to the minute, delivery status and reason.
    /// (A touch's slot is the time it was decided: a manual clock says 10:00:00 exactly, a durable timer fires a few
    /// milliseconds after its due time.)</summary>
    public static async Task<IReadOnlySet<string>> LedgerRowsAsync(IServiceProvider services, string tenant, string campaignId, int count)
    {
        var rows = new ConcurrentBag<string>();
        var ledger = services.GetRequiredService<ITouchLedger>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var instanceId = PayrollCampaignJourney.InstanceId(tenant, Customer(i), campaignId);
            await foreach (var e in ledger.ListAsync(tenant, instanceId, ct))
            {
                Assert.StartsWith(instanceId + "/", e.TouchId, StringComparison.Ordinal);
                rows.Add(string.Join('|', Customer(i), e.TouchId[instanceId.Length..], e.Channel, e.Content, e.SenderId, new DateTimeOffset(e.SlotAt.UtcTicks - (e.SlotAt.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero).ToString("O"), e.Status, e.Reason));
            }
        });
        var set = rows.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(rows.Count, set.Count);
        return set;
    }

    /// <summary>The follow-up tasks of every manager, normalised: manager, customer, campaign, activity.</summary>
    public static async Task<IReadOnlySet<string>> TasksAsync(IServiceProvider services, string tenant)
    {
        var tasks = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < Managers; m++)
        {
            foreach (var t in await services.GetRequiredService<IFollowUpTasks>().ListAsync(tenant, Manager(m), 1000, CancellationToken.None))
            {
                tasks.Add(string.Join('|', t.ManagerId, t.CustomerId, t.CampaignId, t.Activity));
            }
        }

        return tasks;
    }

    /// <summary>A fan-out queue that queues nothing: the test runs the batches itself.</summary>
    public sealed class NoQueue : IPayrollFanOutQueue
    {
        /// <inheritdoc />
        public Task QueueAsync(string tenant, string campaignId, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Wake-ups nobody reads: the test steps the journeys itself at each step time.</summary>
    public sealed class NoWakeups : IJourneyWakeups
    {
        /// <inheritdoc />
        public Task ScheduleAsync(string tenant, string instanceId, DateTimeOffset wakeAt, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
