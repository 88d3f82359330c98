using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.IntegrationTests.Operators;
using PrivateDomain.Local.Sandbox;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Tests.Harness;

/// <summary>
/// The Functions app (<see cref="FunctionsHost"/>) calling the WeCom sandbox on a free loopback port, with the tenant's
/// app registered there (secret, self-built app agent for staff messages and web authorisation), and the operator API on
/// (Entra tokens minted with a local key, <see cref="OperatorTokens"/>). A second tenant, <see cref="OtherTenant"/>, is
/// known to the operator API with another Entra tenant, so a test can show that one bank's operators cannot reach the other.
/// </summary>
public sealed class SandboxedApp : IAsyncDisposable
{
    /// <summary>The self-built app's agent id.</summary>
    public const int AgentId = 1000002;

    /// <summary>The host name the app's HTTP functions are called on (the sandbox trusts it for web authorisation).</summary>
    public const string PublicHost = "pd.bank.example";

    private SandboxedApp(WeComSandboxHost sandbox, FunctionsHost host, string corpId, CallbackCrypto callbacks, string callbackToken, OperatorTokens tokens, Guid bank,
        string otherTenant)
    {
        Callbacks = callbacks;
        CallbackToken = callbackToken;
        Sandbox = sandbox;
        Host = host;
        CorpId = corpId;
        Tokens = tokens;
        Bank = bank;
        OtherTenant = otherTenant;
    }

    /// <summary>The WeCom sandbox.</summary>
    public WeComSandboxHost Sandbox { get; }

    /// <summary>The Functions app.</summary>
    public FunctionsHost Host { get; }

    /// <summary>The tenant.</summary>
    public string Tenant => Host.Tenant;

    /// <summary>The tenant's WeCom corp id.</summary>
    public string CorpId { get; }

    /// <summary>The tenant's callback codec (its EncodingAESKey), for events as WeCom sends them.</summary>
    public CallbackCrypto Callbacks { get; }

    /// <summary>The tenant's callback Token (what msg_signature is computed with).</summary>
    public string CallbackToken { get; }

    /// <summary>The token minter the app trusts.</summary>
    public OperatorTokens Tokens { get; }

    /// <summary>The tenant's Entra tenant.</summary>
    public Guid Bank { get; }

    /// <summary>Another bank's tenant, known to the operator API (Entra tenant of its own), without WeCom settings.</summary>
    public string OtherTenant { get; }

    /// <summary>A token of this bank's Entra tenant with <paramref name="roles"/>.</summary>
    public string Token(params string[] roles) => Tokens.Mint(Bank, roles);

    /// <summary>Starts the sandbox (members <paramref name="members"/> in the app's visible range) and the app at
    /// <paramref name="start"/> with <paramref name="settings"/> added to the app's (<c>{tenant}</c> in a key is the
    /// tenant's name) and <paramref name="services"/> applied after the app's registrations.</summary>
    public static async Task<SandboxedApp> StartAsync(
        AzuriteProcess azurite, DateTimeOffset start, string[] members, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var sandbox = await WeComSandboxHost.StartAsync(time: new VirtualClock(start).TimeProvider);
        try
        {
            var tenant = "t" + Guid.NewGuid().ToString("N")[..10];
            var other = "o" + Guid.NewGuid().ToString("N")[..10];
            var corpId = "ww" + Guid.NewGuid().ToString("N")[..16];
            var secret = "S3cr3t" + RandomNumberGenerator.GetHexString(16);
            // Base64 of 32 bytes is 43 characters and one '=': WeCom's EncodingAESKey is those 43 characters.
            var aesKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
            var callbackToken = "Tok" + RandomNumberGenerator.GetHexString(12);
            var bank = Guid.NewGuid();
            var agent = AgentId.ToString(CultureInfo.InvariantCulture);
            sandbox.Sandbox.RegisterApp(corpId, secret);
            sandbox.AppMessages.RegisterAgent(corpId, AgentId, members);
            sandbox.WebAuth.RegisterApp(corpId, agent, PublicHost);
            var config = new Dictionary<string, string?>(OperatorTokens.Settings(tenant, bank))
            {
                [$"Operators:Tenants:{other}:EntraTenantId"] = Guid.NewGuid().ToString(),
                ["WeCom:Api:BaseUrl"] = sandbox.BaseAddress.ToString(),
                [$"WeCom:Tenants:{tenant}:CorpId"] = corpId,
                [$"WeCom:Tenants:{tenant}:Token"] = callbackToken,
                [$"WeCom:Tenants:{tenant}:EncodingAesKey"] = aesKey,
                [$"WeCom:Tenants:{tenant}:AppSecret"] = secret,
                [$"Managers:AgentIds:{tenant}"] = agent,
                ["CampaignPages:AuthorizeUrl"] = new Uri(sandbox.BaseAddress, "/connect/oauth2/authorize").AbsoluteUri,
            };
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
            {
                config[k.Replace("{tenant}", tenant, StringComparison.Ordinal)] = v;
            }

            var tokens = new OperatorTokens();
            var host = await FunctionsHost.StartAsync(azurite, start, settings: config, tenant: tenant, services: s =>
            {
                tokens.Trust(s);
                // Tokens are minted on the machine's clock; the app's clock is the test's.
                s.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.TimeProvider = TimeProvider.System);
                services?.Invoke(s);
            });
            return new SandboxedApp(sandbox, host, corpId, new CallbackCrypto(aesKey, corpId), callbackToken, tokens, bank, other);
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.DisposeAsync();
        }
        finally
        {
            await Sandbox.DisposeAsync();
        }
    }
}
