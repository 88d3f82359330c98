using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Customers;
using PrivateDomain.Customers.Crm;
using PrivateDomain.IntegrationTests.Edges;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Journeys.Running;
using PrivateDomain.Tags;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>
/// The welcome stack (WeCom sandbox + local host with queue workers, content seeded) with the operator API on, for
/// channel codes and dynamic tags. Disposing ends the journeys the tenant's customers are in and waits for the shared
/// tag-sync queue to drain, so no later host inherits work of this tenant.
/// </summary>
internal sealed class AcquisitionStack : IAsyncDisposable
{
    private readonly string _connectionString;

    private AcquisitionStack(WelcomeStack stack, OperatorTokens tokens, Guid entra, string connectionString)
    {
        Stack = stack;
        Tokens = tokens;
        Entra = entra;
        _connectionString = connectionString;
    }

    public WelcomeStack Stack { get; }

    public OperatorTokens Tokens { get; }

    public Guid Entra { get; }

    public string Tenant => Stack.Tenant.Name;

    public IServiceProvider Services => Stack.Host.Services;

    public Local.Sandbox.WeComSandbox Sandbox => Stack.Sandbox.Sandbox;

    public static async Task<AcquisitionStack> StartAsync(string connectionString, IDictionary<string, string?>? extra = null)
    {
        var tenant = TestTenant.Create("acq" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
        var entra = Guid.NewGuid();
        var tokens = new OperatorTokens();
        var settings = OperatorTokens.Settings(tenant.Name, entra);
        settings["Local:QueueWorkers"] = "true";
        settings["Local:PayrollRun"] = "false";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        var stack = await WelcomeStack.StartAsync(connectionString, settings: settings, services: tokens.Trust, tenant: tenant);
        return new AcquisitionStack(stack, tokens, entra, connectionString);
    }

    /// <summary>Calls the operator API as an operator (or with the given roles).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> ApiAsync(HttpMethod method, string path, string? body = null, params string[] roles)
    {
        var token = Tokens.Mint(Entra, roles.Length == 0 ? [PrivateDomain.Operators.OperatorRoles.Operator] : roles);
        using var response = await Stack.Host.Client.SendAsync(OperatorEdge.Request(method, $"/api/tenants/{Tenant}/{path}", token, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Posts a signed add_external_contact callback, as WeCom does after a scan.</summary>
    public async Task AddAsync(string userId, string externalUserId, string? state, string welcomeCode)
    {
        var (url, body) = Stack.Tenant.SignedPost(Stack.Tenant.AddExternalContactXml(userId, externalUserId, DateTimeOffset.UtcNow, state, welcomeCode), DateTimeOffset.UtcNow);
        using var response = await Stack.Host.Client.PostAsync(url, TestTenant.Xml(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Posts a signed del_follow_user callback: the customer deleted the account manager.</summary>
    public async Task CustomerDeletesAsync(string userId, string externalUserId)
    {
        var xml = Stack.Tenant.EventXml("change_external_contact", "del_follow_user", DateTimeOffset.UtcNow, TestTenant.ContactFields(userId, externalUserId));
        var (url, body) = Stack.Tenant.SignedPost(xml, DateTimeOffset.UtcNow);
        using var response = await Stack.Host.Client.PostAsync(url, TestTenant.Xml(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>CRM's ProductPurchased for a customer: a conversion.</summary>
    public async Task CrmPurchaseAsync(string crmId, long version, string product)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schema"] = CrmMessage.Schema,
            ["messageId"] = Guid.NewGuid().ToString(),
            ["type"] = CrmMessageTypes.ProductPurchased,
            ["tenant"] = Tenant,
            ["crmId"] = crmId,
            ["version"] = version,
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = new Dictionary<string, object?> { ["product"] = product },
        });
        Assert.Equal(CrmOutcome.Applied, (await Services.GetRequiredService<CrmIntake>().HandleAsync(body, "test", CancellationToken.None)).Outcome);
    }

    /// <summary>CRM's CustomerUpserted for a WeCom contact with an AUM.</summary>
    public async Task CrmUpsertAsync(string crmId, string externalUserId, long version, decimal aum)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["schema"] = CrmMessage.Schema,
            ["messageId"] = Guid.NewGuid().ToString(),
            ["type"] = CrmMessageTypes.CustomerUpserted,
            ["tenant"] = Tenant,
            ["crmId"] = crmId,
            ["version"] = version,
            ["occurredAt"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["data"] = new Dictionary<string, object?> { ["name"] = "客户" + crmId, ["externalUserIds"] = new[] { externalUserId }, ["attributes"] = new Dictionary<string, object> { ["aum"] = aum } },
        });
        Assert.Equal(CrmOutcome.Applied, (await Services.GetRequiredService<CrmIntake>().HandleAsync(body, "test", CancellationToken.None)).Outcome);
    }

    /// <summary>The customer's profile once the pool knows the contact.</summary>
    public Task<Customer> CustomerAsync(string externalUserId) =>
        Eventually.GetAsync(() => ProfileAsync(externalUserId), "the customer of " + externalUserId);

    /// <summary>Waits until the customer's profile satisfies <paramref name="condition"/>.</summary>
    public Task<Customer> CustomerWhenAsync(string externalUserId, Func<Customer, bool> condition, string what) =>
        Eventually.GetAsync(async () => await ProfileAsync(externalUserId) is { } c && condition(c) ? c : null, what, TimeSpan.FromSeconds(30));

    // The profile, or null while it is not there yet: the pool writes a new customer's identity index before the profile.
    private async Task<Customer?> ProfileAsync(string externalUserId)
    {
        var store = Services.GetRequiredService<ICustomerStore>();
        return await store.FindIdAsync(Tenant, IdentityKinds.External, externalUserId, CancellationToken.None) is { } id
            ? (await store.GetAsync(Tenant, id, CancellationToken.None))?.Value
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Journeys of this tenant's customers end here: every later local host resumes running journeys of all tenants.
            var runner = Services.GetRequiredService<JourneyRunner>();
            var starts = Services.GetRequiredService<IJourneyStarts>();
            await foreach (var customer in Services.GetRequiredService<PrivateDomain.Customers.Segments.ICustomerReader>().ScanAsync(Tenant, CancellationToken.None))
            {
                await foreach (var row in starts.ListAsync(Tenant, customer.Id, CancellationToken.None))
                {
                    if (row.Status != JourneyStartStatus.Ended)
                    {
                        await runner.CancelAsync(Tenant, row.InstanceId, CancellationToken.None);
                    }
                }
            }

            var queue = new QueueServiceClient(_connectionString).GetQueueClient(StorageTagSyncQueue.QueueName);
            await queue.CreateIfNotExistsAsync();
            await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the tag-sync queue drained",
                TimeSpan.FromSeconds(60));
        }
        finally
        {
            await Stack.DisposeAsync();
        }
    }
}
