using System.Net;
using System.Text.Json.Nodes;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Customers;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Tests.Customers;

/// <summary>
/// Channel codes (渠道活码) through the app's functions, <c>/api/tenants/{tenant}/channel-codes</c>, on Azurite and the
/// WeCom sandbox: operators create, pause and delete codes at WeCom, auditors only read, and nobody reaches another
/// bank's tenant or acts without a token — a refused call makes no WeCom call.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class ChannelCodeFunctionsTests(AzuriteFixture azurite)
{
    private const string PartnerCode = """
        {"code":"p-xihu-merchants","channel":"partner","name":"西湖商户联盟","partner":"西湖商户联盟","partnerKind":"商户",
         "members":["lina","wangqiang"],"tags":["合作方","西湖商户"]}
        """;

    private static readonly DateTimeOffset Morning = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task An_operator_creates_lists_pauses_and_deletes_a_code_at_WeCom_and_an_auditor_only_reads()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Morning, ["lina", "wangqiang"]);
        var functions = app.Host.Function<ChannelCodeFunctions>();
        var (tenant, operatorToken, auditor) = (app.Tenant, app.Token(OperatorRoles.Operator), app.Token(OperatorRoles.Auditor));
        var path = $"/api/tenants/{tenant}/channel-codes";

        var byAuditor = await app.Host.CallAsync("POST", path, r => functions.CreateAsync(r, tenant, CancellationToken.None), auditor, PartnerCode);
        Assert.Equal(HttpStatusCode.Forbidden, byAuditor.Status);
        Assert.DoesNotContain(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");

        var created = await app.Host.CallAsync("POST", path, r => functions.CreateAsync(r, tenant, CancellationToken.None), operatorToken, PartnerCode);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"/api/tenants/{tenant}/channel-codes/p-xihu-merchants", created.Headers.Location.ToString());
        var configId = created.Json.GetProperty("configId").GetString()!;
        Assert.Equal("Active", created.Json.GetProperty("status").GetString());
        var call = Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");
        var sent = JsonNode.Parse(call.Body!)!;
        Assert.Equal((2, "p-xihu-merchants", app.CorpId), (sent["type"]!.GetValue<int>(), sent["state"]!.GetValue<string>(), call.CorpId));
        Assert.Contains(configId, app.Sandbox.Sandbox.ContactWayIds);

        var list = await app.Host.CallAsync("GET", path, r => functions.ListAsync(r, tenant, CancellationToken.None), auditor);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal("p-xihu-merchants", Assert.Single(list.Json.GetProperty("codes").EnumerateArray()).GetProperty("code").GetString());
        var one = await app.Host.CallAsync("GET", path + "/p-xihu-merchants", r => functions.GetAsync(r, tenant, "p-xihu-merchants", CancellationToken.None), auditor);
        Assert.Equal((HttpStatusCode.OK, 0), (one.Status, one.Json.GetProperty("stats").GetProperty("adds").GetInt32()));

        Task<FunctionResponse> PauseAsync(string? token) =>
            app.Host.CallAsync("POST", path + "/p-xihu-merchants/pause", r => functions.PauseAsync(r, tenant, "p-xihu-merchants", CancellationToken.None), token);
        Assert.Equal(HttpStatusCode.Forbidden, (await PauseAsync(auditor)).Status);
        var paused = await PauseAsync(operatorToken);
        Assert.Equal((HttpStatusCode.OK, "Paused"), (paused.Status, paused.Json.GetProperty("status").GetString()));
        var resumed = await app.Host.CallAsync("POST", path + "/p-xihu-merchants/resume",
            r => functions.ResumeAsync(r, tenant, "p-xihu-merchants", CancellationToken.None), operatorToken);
        Assert.Equal((HttpStatusCode.OK, "Active"), (resumed.Status, resumed.Json.GetProperty("status").GetString()));

        var deleted = await app.Host.CallAsync("DELETE", path + "/p-xihu-merchants",
            r => functions.DeleteAsync(r, tenant, "p-xihu-merchants", CancellationToken.None), app.Token(OperatorRoles.Admin));
        Assert.Equal((HttpStatusCode.OK, "Deleted"), (deleted.Status, deleted.Json.GetProperty("status").GetString()));
        Assert.DoesNotContain(configId, app.Sandbox.Sandbox.ContactWayIds);
        // Its state is never given to another code: its past adds stay attributed to it.
        var again = await app.Host.CallAsync("POST", path, r => functions.CreateAsync(r, tenant, CancellationToken.None), operatorToken, PartnerCode);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");
    }

    [Fact]
    public async Task A_customers_referral_code_is_made_at_WeCom_for_their_manager_once_and_answered_again_after()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Morning, ["lina"]);
        var functions = app.Host.Function<ChannelCodeFunctions>();
        var tenant = app.Tenant;
        var at = app.Host.Get<TimeProvider>().GetUtcNow().AddDays(-30);
        Assert.True(await app.Host.Get<ICustomerStore>().TryInsertAsync(Customer.New(tenant, "c0001", at) with { ExternalUserIds = ["wmc0001"] }, CancellationToken.None));
        Assert.True(await app.Host.Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(tenant, "lina", "wmc0001", "c0001", at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        Task<FunctionResponse> ReferralAsync(string customerId, string role) =>
            app.Host.CallAsync("POST", $"/api/tenants/{tenant}/customers/{customerId}/referral-code",
                r => functions.ReferralCodeAsync(r, tenant, customerId, CancellationToken.None), app.Token(role));

        Assert.Equal(HttpStatusCode.Forbidden, (await ReferralAsync("c0001", OperatorRoles.Auditor)).Status);
        var first = await ReferralAsync("c0001", OperatorRoles.Operator);
        var second = await ReferralAsync("c0001", OperatorRoles.Operator);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal(("referral", "Active", "lina"), (first.Json.GetProperty("channel").GetString(), first.Json.GetProperty("status").GetString(),
            Assert.Single(first.Json.GetProperty("members").EnumerateArray()).GetString()));
        Assert.Equal(first.Json.GetProperty("qrCode").GetString(), second.Json.GetProperty("qrCode").GetString());
        var way = JsonNode.Parse(Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way").Body!)!;
        Assert.Equal(first.Json.GetProperty("code").GetString(), way["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await ReferralAsync("c9999", OperatorRoles.Operator)).Status);
    }

    [Fact]
    public async Task No_token_another_banks_token_another_banks_tenant_or_a_bad_code_is_refused_and_makes_no_WeCom_call()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Morning, ["lina", "wangqiang"]);
        var functions = app.Host.Function<ChannelCodeFunctions>();
        var tenant = app.Tenant;
        Task<FunctionResponse> CreateAsync(string? token, string asTenant) =>
            app.Host.CallAsync("POST", $"/api/tenants/{asTenant}/channel-codes", r => functions.CreateAsync(r, asTenant, CancellationToken.None), token, PartnerCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await CreateAsync(null, tenant)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(app.Tokens.Mint(Guid.NewGuid(), [OperatorRoles.Operator]), tenant)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await CreateAsync(app.Token(OperatorRoles.Operator), app.OtherTenant)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await CreateAsync(app.Token(OperatorRoles.Operator), "nosuchbank")).Status);
        var list = await app.Host.CallAsync("GET", $"/api/tenants/{app.OtherTenant}/channel-codes",
            r => functions.ListAsync(r, app.OtherTenant, CancellationToken.None), app.Token(OperatorRoles.Admin));
        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        var tooLong = await app.Host.CallAsync("POST", $"/api/tenants/{tenant}/channel-codes", r => functions.CreateAsync(r, tenant, CancellationToken.None),
            app.Token(OperatorRoles.Operator), PartnerCode.Replace("p-xihu-merchants", new string('p', 31), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.True(tooLong.Json.GetProperty("errors").TryGetProperty("code", out _));
        Assert.DoesNotContain(app.Sandbox.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");
    }
}
