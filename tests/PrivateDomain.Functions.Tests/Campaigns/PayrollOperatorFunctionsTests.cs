using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Campaigns;
using PrivateDomain.Functions.Campaigns;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Cohorts;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Operators;
using static PrivateDomain.Functions.Tests.Harness.PayrollTestKit;

namespace PrivateDomain.Functions.Tests.Campaigns;

/// <summary>The payroll operator API through the Functions app's own functions: Entra bearer tokens validated by
/// Microsoft.Identity.Web (a local signing key), roles per route, every call audited, over the Durable cohort mode.</summary>
[Collection(FunctionsCollection.Name)]
public sealed class PayrollOperatorFunctionsTests(AzuriteFixture azurite)
{
    private const int Cohort = 30;
    private static readonly Guid Bank = Guid.NewGuid();
    private readonly OperatorTokens _tokens = new();

    [Fact]
    public async Task An_operator_starts_a_campaign_follows_its_progress_and_stops_it_before_D4_and_its_cohorts_end_without_another_touch()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..10];
        await using var host = await FunctionsHost.StartAsync(azurite.Azurite, OpeningMorning, settings: OperatorTokens.Settings(tenant, Bank), tenant: tenant,
            services: s =>
            {
                _tokens.Trust(s);
                // Tokens are minted on the machine's clock; the app's clock is the virtual one (November 2026).
                s.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.TimeProvider = TimeProvider.System);
            });
        await SeedAsync(host.Services, tenant, Cohort, withoutManager: 0);
        var functions = host.Function<PayrollCampaignFunctions>();
        var operatorToken = _tokens.Mint(Bank, [OperatorRoles.Operator]);
        var auditor = _tokens.Mint(Bank, [OperatorRoles.Auditor]);
        var start = new { employerId = Employer, payMonth = "2026-11" };

        var anonymous = await CallAsync(host, "POST", null, start, r => functions.StartAsync(r, tenant, CancellationToken.None));
        var byAuditor = await CallAsync(host, "POST", auditor, start, r => functions.StartAsync(r, tenant, CancellationToken.None));
        var badMonth = await CallAsync(host, "POST", operatorToken, new { employerId = Employer, payMonth = "11/2026" }, r => functions.StartAsync(r, tenant, CancellationToken.None));
        var started = await CallAsync(host, "POST", operatorToken, start, r => functions.StartAsync(r, tenant, CancellationToken.None));
        var again = await CallAsync(host, "POST", operatorToken, start, r => functions.StartAsync(r, tenant, CancellationToken.None));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.BadRequest), (anonymous.Status, byAuditor.Status, badMonth.Status));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (started.Status, again.Status));
        Assert.Equal(CampaignId, started.Body.GetProperty("campaignId").GetString());

        // The operator stops it on D-4's morning, as the cohorts wake for the quiz.
        HttpStatusCode? stopped = null;
        var gate = new SemaphoreSlim(1, 1);
        host.Faults.BeforeRun = async (activity, input) =>
        {
            if (activity != nameof(PayrollCampaignOrchestration.PayrollCampaignStopped) || input is not PayrollCampaignCheck check || check.Now < StepTimes[1])
            {
                return;
            }

            await gate.WaitAsync();
            try
            {
                stopped ??= (await CallAsync(host, "DELETE", operatorToken, null, r => functions.StopAsync(r, tenant, CampaignId, CancellationToken.None))).Status;
            }
            finally
            {
                gate.Release();
            }
        };
        Assert.InRange(await host.RunFanOutQueueAsync(), 1, 2); // the second start queued its fan-out again: it finds the instance
        var end = await host.WaitForEndAsync(PayrollCampaignOrchestration.InstanceId(tenant, CampaignId), TimeSpan.FromMinutes(2));

        Assert.True(end.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{end.RuntimeStatus}: {end.FailureDetails}");
        Assert.Equal($"stopped: {Managers} cohorts, {Cohort} members", end.ReadOutputAs<string>());
        Assert.Equal(HttpStatusCode.Accepted, stopped);
        var ledger = await LedgerRowsAsync(host.Services, tenant, CampaignId, Cohort);
        Assert.Equal(Cohort, ledger.Count);
        Assert.All(ledger, row => Assert.Contains("/r1/welfare|", row, StringComparison.Ordinal));
        var campaign = (await host.Get<IPayrollCampaigns>().GetAsync(tenant, CampaignId, CancellationToken.None))!;
        var members = await host.Get<ICohortStates>().ReadAsync(PayrollCohortEnrolment.CohortOf(campaign, Manager(0)), 0, 100, CancellationToken.None);
        Assert.Equal(Cohort / Managers, members.Count);
        Assert.All(members, m => Assert.Equal((JourneyStatus.Completed, JourneyEnd.Cancelled), (m.Member.Status, m.Member.EndReason)));

        // The stop queued its sweep (for per-customer journeys a table-driven fan-out started): it finds none and ends.
        Assert.True(await host.RunFanOutQueueAsync() >= 1);

        // Progress, read by an auditor; a stop by an auditor is refused.
        var progress = await CallAsync(host, "GET", auditor, null, r => functions.GetAsync(r, tenant, CampaignId, CancellationToken.None));
        var auditorStop = await CallAsync(host, "DELETE", auditor, null, r => functions.StopAsync(r, tenant, CampaignId, CancellationToken.None));
        var unknown = await CallAsync(host, "GET", auditor, null, r => functions.GetAsync(r, tenant, "payroll:E-NONE:2026-11", CancellationToken.None));
        var tasks = await CallAsync(host, "GET", auditor, null, r => functions.TasksAsync(r, tenant, Manager(0), CancellationToken.None));
        var windows = await CallAsync(host, "GET", auditor, null, r => functions.WindowsAsync(r, tenant, CancellationToken.None));

        Assert.Equal(HttpStatusCode.OK, progress.Status);
        Assert.Equal(("Stopped", true), (progress.Body.GetProperty("status").GetString(), progress.Body.GetProperty("fannedOut").GetBoolean()));
        Assert.Equal(Cohort, progress.Body.GetProperty("counts").GetProperty("enrolled").GetInt64());
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (auditorStop.Status, unknown.Status));
        Assert.Equal((HttpStatusCode.OK, 0), (tasks.Status, tasks.Body.GetArrayLength()));
        Assert.Equal(HttpStatusCode.OK, windows.Status);

        var audit = await host.Get<IOperatorAudit>().ListAsync(tenant,
            DateOnly.FromDateTime(host.Get<TimeProvider>().GetUtcNow().UtcDateTime), CancellationToken.None).ToListAsync();
        Assert.Equal(4, audit.Count(a => a.Action == "payroll.start")); // the auditor's refusal, the bad month, the start and the repeat
        Assert.Contains(audit, a => a.Action == "payroll.stop" && a.Target == CampaignId && a.Outcome.StartsWith("202", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Action == "payroll.get" && a.Outcome.StartsWith("200", StringComparison.Ordinal));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(
        FunctionsHost host, string method, string? token, object? body, Func<HttpRequest, Task<IResult>> function)
    {
        using var scope = host.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = method;
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("pd.example");
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = bytes.Length;
            http.Request.Body = new MemoryStream(bytes);
        }

        using var response = new MemoryStream();
        http.Response.Body = response;
        await (await function(http.Request)).ExecuteAsync(http);
        var text = System.Text.Encoding.UTF8.GetString(response.ToArray());
        return ((HttpStatusCode)http.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
