using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PrivateDomain.AccountManagers;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Functions.AccountManagers;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Tests.AccountManagers;

/// <summary>
/// The account managers' functions on the app's own wiring, Azurite and the WeCom sandbox: the morning digest timer
/// messages a manager with an open task once a day, and the tasks and team routes answer only the tenant's readers.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class ManagerFunctionsTests(AzuriteFixture azurite)
{
    private const string Manager = "zhaoliu";
    private const string Colleague = "lisi";
    private const string Supervisor = "wangboss";
    private const string CampaignId = "payroll:E-7:2026-12";

    // Thursday 3 December 2026, 08:45 in Shanghai: the default digest time, just after quiet hours.
    private static readonly DateTimeOffset DigestTime = new(2026, 12, 3, 8, 45, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_digest_timer_messages_a_manager_with_an_open_task_once_and_not_again_on_a_repeated_run()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, DigestTime, [Manager, Colleague, Supervisor]);
        await SeedAsync(app);
        var function = app.Host.Function<ManagerFunctions>();

        await function.DigestAsync(new TimerInfo(), CancellationToken.None);
        await function.DigestAsync(new TimerInfo(), CancellationToken.None); // the host runs a missed or repeated schedule again

        var digest = Assert.Single(app.Sandbox.AppMessages.Messages);
        Assert.Equal((Manager, "text"), (digest.ToUser, digest.MsgType));
        var text = JsonDocument.Parse(digest.Body).RootElement.GetProperty("text").GetProperty("content").GetString()!;
        Assert.StartsWith("早上好！今天（2026-12-03）待办：", text, StringComparison.Ordinal);
        Assert.Contains("跟进任务 1 个：李女士", text, StringComparison.Ordinal);
        Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "message/send");
        // The colleague has nothing open: no message.
        Assert.DoesNotContain(app.Sandbox.AppMessages.Messages, m => m.ToUser == Colleague);
    }

    [Fact]
    public async Task A_bank_whose_digest_time_is_09_30_gets_its_digest_at_09_30_not_at_the_default_08_45()
    {
        var clock = new ManualTimeProvider(DigestTime);
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, DigestTime, [Manager, Colleague, Supervisor],
            new Dictionary<string, string?> { ["Managers:DigestAt"] = "09:30" }, s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        await SeedAsync(app);
        var function = app.Host.Function<ManagerFunctions>();
        // The host calls the timer often enough to reach any DigestAt (functions.metadata is what the Functions host reads).
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var schedule = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ManagerMorningDigest")
            .GetProperty("bindings")[0].GetProperty("schedule").GetString();
        Assert.Equal("0 */15 * * * *", schedule);

        await function.DigestAsync(new TimerInfo(), CancellationToken.None); // 08:45
        Assert.Empty(app.Sandbox.AppMessages.Messages);

        clock.Now = DigestTime.AddMinutes(45); // 09:30
        await function.DigestAsync(new TimerInfo(), CancellationToken.None);
        clock.Now = DigestTime.AddMinutes(60); // 09:45
        await function.DigestAsync(new TimerInfo(), CancellationToken.None);

        var digest = Assert.Single(app.Sandbox.AppMessages.Messages);
        Assert.Equal(Manager, digest.ToUser);
        Assert.Contains("跟进任务 1 个：李女士", digest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tasks_and_team_routes_answer_the_tenants_readers_and_refuse_everyone_else()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, DigestTime, [Manager, Colleague, Supervisor]);
        await SeedAsync(app);
        var function = app.Host.Function<ManagerFunctions>();
        var tenant = app.Tenant;
        Task<FunctionResponse> Tasks(string? token, string query = "", string? asTenant = null) =>
            app.Host.CallAsync("GET", $"/api/tenants/{asTenant ?? tenant}/managers/{Manager}/tasks{query}",
                r => function.TasksAsync(r, asTenant ?? tenant, Manager, CancellationToken.None), token);

        var auditor = app.Token(OperatorRoles.Auditor);
        var all = await Tasks(auditor);
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal((1, 1, 1), (all.Json.GetProperty("open").GetInt32(), all.Json.GetProperty("done").GetInt32(), all.Json.GetProperty("expired").GetInt32()));
        var open = await Tasks(auditor, "?status=open");
        Assert.Equal("p01", Assert.Single(open.Json.GetProperty("tasks").EnumerateArray()).GetProperty("customerId").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Tasks(auditor, "?status=later")).Status);

        // No token, a token without an app role (Microsoft.Identity.Web accepts none), a token of another bank, and this
        // bank's token on the other bank's tenant.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Tasks(null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Tasks(app.Token())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Tasks(app.Tokens.Mint(Guid.NewGuid(), [OperatorRoles.Auditor]))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Tasks(auditor, asTenant: app.OtherTenant)).Status);

        var team = await app.Host.CallAsync("GET", $"/api/tenants/{tenant}/managers/{Supervisor}/team",
            r => function.TeamAsync(r, tenant, Supervisor, CancellationToken.None), app.Token(OperatorRoles.Operator));
        Assert.Equal(HttpStatusCode.OK, team.Status);
        var members = team.Json.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([Colleague, Manager], members.Select(m => m.GetProperty("userId").GetString()));
        Assert.Equal((1, 1, 1), (members[1].GetProperty("open").GetInt32(), members[1].GetProperty("done").GetInt32(), members[1].GetProperty("expired").GetInt32()));
        var refused = await app.Host.CallAsync("GET", $"/api/tenants/{tenant}/managers/{Supervisor}/team",
            r => function.TeamAsync(r, tenant, Supervisor, CancellationToken.None), app.Tokens.Mint(Guid.NewGuid(), [OperatorRoles.Admin]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.DoesNotContain(Manager, refused.Text, StringComparison.Ordinal);
    }

    /// <summary>The two managers (supervised by <see cref="Supervisor"/>), and three customers of <see cref="Manager"/>'s with a
    /// follow-up task each: p01's open, p02's done, p03's over a week old (expired).</summary>
    private static async Task SeedAsync(SandboxedApp app)
    {
        var (tenant, now) = (app.Tenant, app.Host.Get<TimeProvider>().GetUtcNow());
        var at = now.AddDays(-60);
        foreach (var (userId, name) in new[] { (Manager, "赵六"), (Colleague, "李四") })
        {
            Assert.True(await app.Host.Get<IEmployeeDirectory>().UpsertAsync(
                new Employee(tenant, userId, name, "理财经理", "西湖支行", null, 1, at) { SupervisorId = Supervisor }, CancellationToken.None));
        }

        var tasks = app.Host.Get<IFollowUpTasks>();
        foreach (var (id, name, taskAt) in new[] { ("p01", "李女士", now.AddHours(-12)), ("p02", "周先生", now.AddDays(-2)), ("p03", "吴先生", now.AddDays(-8)) })
        {
            Assert.True(await app.Host.Get<ICustomerStore>().TryInsertAsync(Customer.New(tenant, id, at) with { Name = name, ExternalUserIds = ["wm" + id] },
                CancellationToken.None));
            Assert.True(await app.Host.Get<IRelationshipStore>().TryWriteAsync(
                new Relationship(tenant, Manager, "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
            Assert.True(await tasks.AddIfAbsentAsync(new FollowUpTask(tenant, Manager, id, CampaignId, "quiz", taskAt), CancellationToken.None));
        }

        Assert.True(await tasks.MarkDoneAsync(tenant, Manager, CampaignId, "p02", now.AddDays(-1), "card", CancellationToken.None));
    }
}
