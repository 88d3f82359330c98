using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Customers.Crm;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.Welcome;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// The welcome fast path end to end: the WeCom sandbox on a free loopback port with the tenant's app registered, and the
/// local host (queue workers on) calling it, with the repository's content seeded and, optionally, the bank's details.
/// </summary>
public sealed class WelcomeStack : IAsyncDisposable
{
    /// <summary>The bank details a tenant gets unless told otherwise.</summary>
    public static readonly IReadOnlyDictionary<string, string> BankDetails = new Dictionary<string, string>
    {
        ["BankName"] = "示例农商银行",
        ["BankHotline"] = "400-000-0000",
        ["BankSite"] = "https://h5.example-bank.cn",
    };

    private WelcomeStack(WeComSandboxHost sandbox, LocalHostInstance host, TestTenant tenant)
    {
        Sandbox = sandbox;
        Host = host;
        Tenant = tenant;
    }

    /// <summary>The WeCom sandbox.</summary>
    public WeComSandboxHost Sandbox { get; }

    /// <summary>The local host.</summary>
    public LocalHostInstance Host { get; }

    /// <summary>The tenant.</summary>
    public TestTenant Tenant { get; }

    /// <summary>Starts the sandbox and the host for a new tenant (or <paramref name="tenant"/>, when settings must name it), and
    /// waits until the welcome template is sendable.</summary>
    public static async Task<WelcomeStack> StartAsync(
        string storageConnectionString, bool bankDetails = true, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        TestTenant? tenant = null)
    {
        var sandbox = await WeComSandboxHost.StartAsync(o => o.MaxRecordedRequests = 100_000);
        try
        {
            tenant ??= TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
            var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
            sandbox.Sandbox.RegisterApp(tenant.CorpId, secret);
            var config = new Dictionary<string, string?>
            {
                ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
                [$"WeCom:Tenants:{tenant.Name}:AppSecret"] = secret,
                ["Local:SeedContent"] = "true",
                ["Local:PayrollRun"] = "false",
            };
            if (bankDetails)
            {
                foreach (var (k, v) in BankDetails)
                {
                    config[$"WeCom:Tenants:{tenant.Name}:{k}"] = v;
                }
            }

            foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            {
                config[k] = v;
            }

            var host = await LocalHostInstance.StartAsync(storageConnectionString, [tenant], config, services);
            var stack = new WelcomeStack(sandbox, host, tenant);
            var library = host.Services.GetRequiredService<ContentLibrary>();
            await Eventually.TrueAsync(async () =>
                (await library.GetSendableAsync("welcome.default", tenant.Name, null, CancellationToken.None)).Template?.Template.Version == 2,
                "the seeded welcome template", TimeSpan.FromSeconds(60));
            return stack;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>Tells the employee directory about an employee through the CRM intake, as CRM would.</summary>
    public async Task AddEmployeeAsync(string userId, string name, string? title = "理财经理", string? branchName = "西湖支行", long version = 1)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schema"] = CrmMessage.Schema,
            ["messageId"] = Guid.NewGuid().ToString(),
            ["type"] = CrmMessageTypes.EmployeeUpserted,
            ["tenant"] = Tenant.Name,
            ["version"] = version,
            ["occurredAt"] = Host.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O", CultureInfo.InvariantCulture), // the host's now
            ["data"] = new Dictionary<string, string?> { ["employeeUserId"] = userId, ["name"] = name, ["title"] = title, ["branchName"] = branchName },
        });
        var result = await Host.Services.GetRequiredService<CrmIntake>().HandleAsync(body, "test", CancellationToken.None);
        Assert.Equal(CrmOutcome.Applied, result.Outcome);
    }

    /// <summary>The send_welcome_msg calls the sandbox received for a welcome code.</summary>
    public IReadOnlyList<SandboxRequest> WelcomesFor(string welcomeCode) =>
        Sandbox.Sandbox.Requests.Where(r => r.Api == "externalcontact/send_welcome_msg" && r.Body is not null
            && r.Body.Contains($"\"welcome_code\":\"{welcomeCode}\"", StringComparison.Ordinal)).ToList();

    /// <summary>The ledger's final record of a welcome code, once there is one.</summary>
    public Task<WelcomeRecord> FinalRecordAsync(string welcomeCode, TimeSpan? timeout = null) =>
        Eventually.GetAsync(async () =>
            (await Host.Services.GetRequiredService<IWelcomeLedger>().GetAsync(Tenant.Name, welcomeCode, CancellationToken.None))?.Value is { IsFinal: true } r ? r : null,
            $"the welcome record of {welcomeCode}", timeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
