using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Operators;

/// <summary>A seeded November for funnel tests (API and console): relationships with channel codes, employees with
/// branches, touches in the ledger, clicks, an intent tag, purchases and referrals, some just outside the month.</summary>
public static class FunnelScenario
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    /// <summary>The scenario. c5 was added in October and c6 in December (outside); c7's purchase came in December.</summary>
    public static async Task SeedNovemberAsync(IServiceProvider services, string tenant)
    {
        var employees = services.GetRequiredService<IEmployeeDirectory>();
        await employees.UpsertAsync(new Employee(tenant, "zhangsan", "张三", "理财经理", "西湖支行", "xihu", 1, At(11, 1)), CancellationToken.None);
        await employees.UpsertAsync(new Employee(tenant, "lisi", "李四", "客户经理", "滨江支行", "binjiang", 1, At(11, 1)), CancellationToken.None);
        var signals = new TableSignalInbox(services.GetRequiredService<PrivateDomain.Storage.StorageClients>());
        var ledger = services.GetRequiredService<ITouchLedger>();

        async Task Add(string id, string manager, DateTimeOffset at, string? code = null, string? channel = null, string? partner = null, params string[] tags)
        {
            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(tenant, id, at) with
            {
                ExternalUserIds = ["wm" + id],
                Tags = [.. tags.Select(t => new CustomerTag(t, TagKind.Dynamic, "wecom", at.AddDays(1)))],
            }, CancellationToken.None));
            Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                new Relationship(tenant, manager, "wm" + id, id, at, code, channel, partner, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        }

        async Task Click(string id, string manager, string content, DateTimeOffset at)
        {
            var touch = new Touch(new TouchId(JourneyInstanceId.For(tenant, "aida-nurture", id), 1, content.Replace('.', '-')), 0, "attention", Channel.OneToOne,
                "welfare", content, false, id, manager, at.AddHours(-1).DateTime, at.AddHours(-1));
            Assert.True(await ledger.RecordAsync(tenant, touch, CancellationToken.None));
            await signals.RaiseAsync(new CustomerSignal(tenant, id, $"click:{touch.Id}", SignalKinds.Clicked, at,
                new Dictionary<string, string> { ["touchId"] = touch.Id.ToString(), ["url"] = "https://bank.example/h5" }), CancellationToken.None);
        }

        Task Converted(string id, DateTimeOffset at) =>
            signals.RaiseAsync(new CustomerSignal(tenant, id, $"crm:{id}:{at:yyyyMMdd}:converted", SignalKinds.Converted, at, new Dictionary<string, string>()), CancellationToken.None);

        await Add("c1", "zhangsan", At(11, 3), "branch-017", "branch");
        await Click("c1", "zhangsan", "aida.attention.welfare", At(11, 4));
        await Converted("c1", At(11, 20));
        await Add("c2", "zhangsan", At(11, 5), "branch-017", "branch", tags: "意向");
        await Click("c2", "zhangsan", "aida.desire.tip-1", At(11, 9));
        await Add("c3", "lisi", At(11, 10), "partner-shanghui", "partner", "商会");
        await Add("c4", "lisi", At(11, 12), "referral-c1", "referral", "c1");
        await Click("c4", "lisi", "aida.attention.welfare", At(11, 13));
        await Add("c5", "zhangsan", At(10, 20), "branch-017", "branch");
        await Click("c5", "zhangsan", "aida.attention.welfare", At(11, 2));
        await Add("c6", "lisi", At(12, 2), "referral-c2", "referral", "c2");
        await Add("c7", "zhangsan", At(11, 20));
        await Converted("c7", At(12, 5));
    }

    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 10, 0, 0, Shanghai);

}
