using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PrivateDomain.Campaigns;
using PrivateDomain.Content;
using PrivateDomain.Content.Storage;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Browser;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Operators;
using PrivateDomain.Storage;

namespace PrivateDomain.IntegrationTests.Console;

/// <summary>
/// The operators' console (<c>/console/</c>) in headless chromium against the local host on Azurite, signed in with a
/// local token as on <c>./pd run</c>: the funnel of a seeded month with its CSV, maker-checker on a template, a payroll
/// campaign's counts moving, and an Auditor who finds nothing to change. Each page's screenshot is kept in
/// <c>.artifacts/screenshots/OperatorConsoleBrowserTests/</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OperatorConsoleBrowserTests(AzuriteFixture fixture, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// Ends the journeys a test started (the 500 of the forecast test): every later local host on this Azurite resumes
    /// every running journey as it starts, and a test host on a fast clock would step them all — enough load to time out
    /// the storage calls of the test it belongs to.
    /// </summary>
    public async Task DisposeAsync()
    {
        var store = new TableJourneyStore(new StorageClients(Microsoft.Extensions.Options.Options.Create(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString() })));
        var mine = await store.ListRunningAsync(CancellationToken.None).Where(r => r.Tenant == _tenant.Name).ToListAsync();
        foreach (var record in mine)
        {
            if (await store.GetAsync(_tenant.Name, record.State.InstanceId, CancellationToken.None) is ({ Status: JourneyStatus.Running } current, var etag))
            {
                await store.TryReplaceAsync(current with { Status = JourneyStatus.Completed, EndReason = JourneyEnd.Cancelled, NextWakeAt = null }, etag, CancellationToken.None);
            }
        }
    }

    private readonly TestTenant _tenant = TestTenant.Create("con" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());

    private Task<LocalHostInstance> StartAsync(bool queueWorkers = false, TimeProvider? clock = null) =>
        LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant], OperatorConsoleSession.Settings(_tenant.Name, queueWorkers),
            clock is null ? null : s => s.AddSingleton(clock), environment: "Development");

    [Fact]
    public async Task An_operator_signs_in_with_a_local_token_reads_the_funnel_of_a_seeded_month_and_exports_it_as_CSV()
    {
        await using var host = await StartAsync();
        await FunnelScenario.SeedNovemberAsync(host.Services, _tenant.Name);
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, OperatorConsoleSession.Token(host, "ops@bank.example", OperatorRoles.Operator));
        Assert.Equal("ops@bank.example", await page.Locator("#who-name").InnerTextAsync());
        Assert.Equal("运营", await page.Locator("#who-roles").InnerTextAsync());

        await page.Locator("#from").FillAsync("2026-11-01");
        await page.Locator("#to").FillAsync("2026-11-30");
        await page.Locator("#by").SelectOptionAsync("channel");
        await page.Locator("#funnel-query").ClickAsync();
        var total = page.Locator("#funnel-table tr[data-key='合计']");
        await Assertions.Expect(total.Locator("td[data-stage='added']")).ToHaveTextAsync("5");
        Assert.Equal(["5", "3", "1", "1", "1"], await total.Locator("td[data-stage]").AllInnerTextsAsync());
        Assert.Equal(["2", "2", "1", "1", "1"], await page.Locator("#funnel-table tr[data-key='branch-017'] td[data-stage]").AllInnerTextsAsync());
        await page.Locator("#funnel-chart canvas").WaitForAsync();
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "overview-funnel-by-channel");

        await page.Locator("#by").SelectOptionAsync("branch");
        await page.Locator("#funnel-query").ClickAsync();
        await Assertions.Expect(page.Locator("#funnel-table tr[data-key='西湖支行'] td[data-stage='added']")).ToHaveTextAsync("3");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        Assert.Equal($"funnel-{_tenant.Name}-branch-2026-11-01-2026-11-30.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Equal("网点,添加,互动,意向,转化,转介绍\r\n西湖支行,3,2,1,1,1\r\n滨江支行,2,1,0,0,0\r\n合计,5,3,1,1,1\r\n", csv.TrimStart('\uFEFF'));
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "overview-funnel-by-branch");
    }

    [Fact]
    public async Task Compliance_approves_a_new_template_version_and_its_author_is_refused()
    {
        await using var host = await StartAsync();
        await host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        // The author holds both roles: the console offers her the button, and the API refuses her as the maker.
        var author = OperatorConsoleSession.Token(host, "zhang.min@bank.example", OperatorRoles.Operator, ContentRoles.Compliance);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, author);

        await page.Locator("#nav a[data-page='content']").ClickAsync();
        await page.Locator("#template-list tr[data-template='aida.attention.welfare']").ClickAsync();
        await page.Locator("#draft-body").FillAsync("您好，感谢添加！本行新客福利已上线，点开链接了解活动规则。");
        await page.Locator("#draft-save").ClickAsync();
        var draft = page.Locator("section[data-scope='bank'][data-status='draft']");
        await draft.WaitForAsync();
        var version = int.Parse(await draft.GetAttributeAsync("data-version") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(draft.Locator(".findings-none")).ToContainTextAsync("未发现");
        await draft.Locator("button[data-action='submit']").ClickAsync();
        var submitted = page.Locator($"section[data-scope='bank'][data-version='{version}'][data-status='submitted']");
        await submitted.Locator("button[data-action='approve']").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("403");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("maker-checker needs a second person");
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "content-author-refused");

        await OperatorConsoleSession.SwitchUserAsync(page, _tenant.Name, OperatorConsoleSession.Token(host, "li.hua@bank.example", ContentRoles.Compliance));
        await page.GotoAsync(new Uri(host.BaseAddress, "/console/#/content/aida.attention.welfare").AbsoluteUri);
        await page.Locator($"section[data-scope='bank'][data-version='{version}'][data-status='submitted'] button[data-action='approve']").ClickAsync();
        var approved = page.Locator($"section[data-scope='bank'][data-version='{version}'][data-status='approved']");
        await Assertions.Expect(approved).ToContainTextAsync("批准 li.hua@bank.example");
        Assert.Equal(0, await page.Locator("#draft-form").CountAsync()); // Compliance checks; it does not write
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "content-approved");

        var log = await host.Services.GetRequiredService<IContentApprovalLog>().ReadAsync(TemplateScope.ForBank(_tenant.Name), "aida.attention.welfare", CancellationToken.None);
        Assert.Equal(["Drafted zhang.min@bank.example", "Submitted zhang.min@bank.example", "Approved li.hua@bank.example"],
            log.Where(r => r.Template.Version == version).OrderBy(r => r.Sequence).Select(r => $"{r.Action} {r.By}"));
    }

    [Fact]
    public async Task An_operator_starts_a_payroll_campaign_and_watches_its_counts_move()
    {
        var clock = new PinnedClock(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?>(OperatorConsoleSession.Settings(_tenant.Name, queueWorkers: true)) { ["Payroll:FanOut:BatchSize"] = "10" },
            s => s.AddSingleton<TimeProvider>(clock), environment: "Development");
        await SeedPayrollAsync(host.Services, 60, clock.GetUtcNow().AddDays(-30));
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, OperatorConsoleSession.Token(host, "ops@bank.example", OperatorRoles.Operator));
        var reads = 0;
        page.Request += (_, r) => reads += r.Url.Contains("/payroll/campaigns/", StringComparison.Ordinal) && r.Method == "GET" ? 1 : 0;

        await page.Locator("#nav a[data-page='payroll']").ClickAsync();
        await page.Locator("#days").FillAsync("40");
        await page.Locator("#windows-query").ClickAsync();
        var row = page.Locator("#windows-table tr[data-campaign='payroll:E-7:2026-12']");
        await Assertions.Expect(row).ToContainTextAsync("未启动");
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "payroll-windows");
        await row.Locator("button[data-start]").ClickAsync();

        await page.Locator("#campaign-counts").WaitForAsync();
        var first = await page.Locator("#campaign-counts [data-count='enrolled'] b").InnerTextAsync();
        // The page refreshes itself: the count reaches the cohort without a reload, read from the campaign's counters.
        await Assertions.Expect(page.Locator("#campaign-counts [data-count='enrolled'] b")).ToHaveTextAsync("60", new() { Timeout = 90_000 });
        Assert.True(reads >= 2 || first == "60", $"the campaign was read {reads} times");
        var counts = await host.Services.GetRequiredService<IPayrollCounts>().ReadAsync(_tenant.Name, "payroll:E-7:2026-12", CancellationToken.None);
        Assert.Equal(60, counts.GetValueOrDefault(PayrollMetrics.Enrolled));
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "payroll-campaign");

        page.Dialog += (_, d) => d.AcceptAsync();
        await page.Locator("#stop-campaign").ClickAsync();
        await Assertions.Expect(page.Locator("#campaign-status")).ToContainTextAsync("Stopped");
    }

    [Fact]
    public async Task An_Auditor_finds_no_control_that_changes_anything()
    {
        var clock = new PinnedClock(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        await using var host = await StartAsync(clock: clock);
        await host.Services.GetRequiredService<RepositoryContent>().PublishAsync(CancellationToken.None);
        await SeedPayrollAsync(host.Services, 3, clock.GetUtcNow().AddDays(-30));
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, OperatorConsoleSession.Token(host, "audit@bank.example", OperatorRoles.Auditor));
        var writes = new List<string>();
        page.Request += (_, r) =>
        {
            if (r.Method != "GET")
            {
                writes.Add($"{r.Method} {r.Url}");
            }
        };

        await page.Locator("#nav a[data-page='content']").ClickAsync();
        await page.Locator("#template-list tr[data-template='aida.attention.welfare']").ClickAsync();
        await page.Locator("section[data-version='2']").WaitForAsync();
        Assert.Equal(0, await page.Locator("#draft-form, button[data-action]").CountAsync());
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "auditor-content");

        await page.Locator("#nav a[data-page='payroll']").ClickAsync();
        await page.Locator("#days").FillAsync("40");
        await page.Locator("#windows-query").ClickAsync();
        await Assertions.Expect(page.Locator("#windows-table tr[data-campaign='payroll:E-7:2026-12']")).ToContainTextAsync("未启动");
        Assert.Equal(0, await page.Locator("button[data-start], #stop-campaign").CountAsync());
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "auditor-payroll");

        await page.Locator("#nav a[data-page='journeys']").ClickAsync();
        await page.Locator("#journey-list tr[data-journey='aida-nurture']").ClickAsync();
        await page.Locator("#running-by-stage").WaitForAsync();
        Assert.Equal(0, await page.Locator("#forecast-form, #start-segment").CountAsync());
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "auditor-journeys");

        await page.Locator("#nav a[data-page='audit']").ClickAsync();
        await page.Locator("#audit-day").FillAsync(clock.Today(TimeZoneInfo.Utc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#audit-action").FillAsync("content");
        await page.Locator("#audit-query").ClickAsync();
        await Assertions.Expect(page.Locator("#audit-table")).ToContainTextAsync("content.list");
        await Assertions.Expect(page.Locator("#audit-table")).ToContainTextAsync("audit@bank.example");
        await page.Locator("#customer-value").FillAsync("p000");
        await page.Locator("#customer-query").ClickAsync();
        await page.Locator("#customer-table").WaitForAsync();
        Assert.Equal(0, await page.Locator("#erase-customer, #erasure-reason").CountAsync());
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "auditor-audit-log");

        Assert.Empty(writes);
    }

    [Fact]
    public async Task An_operator_sees_the_forecast_for_a_segment_of_500_customers_and_starts_it()
    {
        await using var host = await StartAsync();
        var at = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-10);
        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var id = $"s{i:D3}";
            Assert.True(await host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, id, at) with
            {
                ExternalUserIds = ["wm" + id],
                Tags = [new CustomerTag("代发", TagKind.Static, "crm", at)],
            }, ct));
            Assert.True(await host.Services.GetRequiredService<IRelationshipStore>().TryWriteAsync(new Relationship(
                _tenant.Name, i % 5 == 0 ? "lisi" : "zhangsan", "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null, ct));
        });
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, OperatorConsoleSession.Token(host, "ops@bank.example", OperatorRoles.Operator));

        await page.Locator("#nav a[data-page='journeys']").ClickAsync();
        await page.Locator("#journey-list tr[data-journey='aida-nurture']").ClickAsync();
        await page.Locator("#segment").FillAsync("tag:代发");
        await page.Locator("#forecast-button").ClickAsync();
        await Assertions.Expect(page.Locator("#forecast-summary")).ToHaveAttributeAsync("data-customers", "500", new() { Timeout = 60_000 });
        // The AIDA plan's first 1:1 touch goes to every customer; each manager confirms mass sends on the days they fall.
        Assert.True(await page.Locator("#forecast-touches tbody tr").CountAsync() >= 10);
        await Assertions.Expect(page.Locator("#forecast-confirmations")).ToContainTextAsync("zhangsan");
        await Assertions.Expect(page.Locator("#forecast-confirmations")).ToContainTextAsync("lisi");
        Assert.Equal(0, await host.Services.GetRequiredService<PrivateDomain.Journeys.Running.IJourneyStore>().ListRunningAsync(CancellationToken.None)
            .CountAsync(r => r.Tenant == _tenant.Name)); // a forecast starts nothing
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "journeys-forecast");

        await page.Locator("#start-segment").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("新启动 500", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("#running-by-stage tr[data-stage='未发送'] td.num")).ToHaveTextAsync("500");
        await Assertions.Expect(page.Locator("#journey-list tr[data-journey='aida-nurture'] td.num")).ToHaveTextAsync("500");
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "journeys-started");
    }

    [Fact]
    public async Task An_Admin_looks_a_customer_up_masked_and_erases_them_with_a_reason()
    {
        await using var host = await StartAsync();
        var at = host.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-3);
        Assert.True(await host.Services.GetRequiredService<ICustomerStore>().TryInsertAsync(Customer.New(_tenant.Name, "k9", at) with
        {
            CrmId = "KB-99", Name = "王小明", PhoneMasked = "138****5678", ExternalUserIds = ["wmk9"],
        }, CancellationToken.None));
        await using var context = await OperatorConsoleSession.NewContextAsync(chromium);
        var page = await OperatorConsoleSession.SignInAsync(context, host, _tenant.Name, OperatorConsoleSession.Token(host, "dpo@bank.example", OperatorRoles.Admin));

        await page.Locator("#nav a[data-page='audit']").ClickAsync();
        await page.Locator("#customer-key").SelectOptionAsync("crmId");
        await page.Locator("#customer-value").FillAsync("KB-99");
        await page.Locator("#customer-query").ClickAsync();
        await Assertions.Expect(page.Locator("#customer-table")).ToContainTextAsync("王**");
        await Assertions.Expect(page.Locator("#customer-table")).ToContainTextAsync("138****5678");
        Assert.DoesNotContain("王小明", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "audit-customer-masked");

        page.Dialog += (_, d) => d.AcceptAsync();
        await page.Locator("#erasure-reason").FillAsync("PIPL-2026-0099");
        await page.Locator("#erase-customer").ClickAsync();
        await Assertions.Expect(page.Locator("#erasure-done")).ToContainTextAsync("PIPL-2026-0099");
        Assert.Null(await host.Services.GetRequiredService<ICustomerStore>().GetAsync(_tenant.Name, "k9", CancellationToken.None));
        await Screenshots.SaveAsync<OperatorConsoleBrowserTests>(page, "audit-customer-erased");
    }

    private async Task SeedPayrollAsync(IServiceProvider services, int customers, DateTimeOffset at)
    {
        await services.GetRequiredService<IPayrollEmployers>().SaveAsync(_tenant.Name, new PayrollEmployer("E-7", PaydayRule.Parse("day:10")), CancellationToken.None);
        for (var i = 0; i < customers; i++)
        {
            var id = $"p{i:D3}";
            Assert.True(await services.GetRequiredService<ICustomerStore>().TryInsertAsync(
                Customer.New(_tenant.Name, id, at) with { ExternalUserIds = ["wm" + id], Payroll = new PayrollEnrolment("E-7", "day:10") }, CancellationToken.None));
            Assert.True(await services.GetRequiredService<IRelationshipStore>().TryWriteAsync(
                new Relationship(_tenant.Name, i % 2 == 0 ? "zhangsan" : "lisi", "wm" + id, id, at, null, null, null, RelationshipStatus.Active, at, null), null,
                CancellationToken.None));
        }
    }
}
