using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;
using PrivateDomain.Welcome;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>Channel codes (渠道活码) created through the operator API at the WeCom sandbox, and adds through them, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChannelCodeTests(AzuriteFixture fixture)
{
    private static string NewWelcomeCode() => "WELCOME-" + RandomNumberGenerator.GetHexString(24);

    private static string NewContact() => "wmAcq" + RandomNumberGenerator.GetHexString(8);

    private const string PartnerCode = """
        {"code":"p-xihu-merchants","channel":"partner","name":"西湖商户联盟","partner":"西湖商户联盟","partnerKind":"商户",
         "members":["lina","wangqiang"],"tags":["合作方","西湖商户"],"welcomeTemplateId":"welcome.partner"}
        """;

    private static async Task WelcomeTemplateReadyAsync(AcquisitionStack s) =>
        await Eventually.TrueAsync(async () => (await s.Services.GetRequiredService<ContentLibrary>().GetSendableAsync("welcome.partner", s.Tenant, null, CancellationToken.None)).IsSendable,
            "the seeded partner welcome", TimeSpan.FromSeconds(60));

    [Fact]
    public async Task An_add_through_a_partner_code_gets_that_codes_tags_welcome_and_attribution()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜", "理财经理", "西湖支行");
        await s.Stack.AddEmployeeAsync("wangqiang", "王强", "客户经理", "西湖支行");
        await WelcomeTemplateReadyAsync(s);

        var (created, code) = await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode);
        Assert.Equal(HttpStatusCode.Created, created);
        var configId = code.GetProperty("configId").GetString()!;
        Assert.StartsWith("https://", code.GetProperty("qrCode").GetString(), StringComparison.Ordinal);
        Assert.Equal("Active", code.GetProperty("status").GetString());
        var call = Assert.Single(s.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");
        var sent = JsonNode.Parse(call.Body!)!;
        Assert.Equal((2, 2, "p-xihu-merchants"), (sent["type"]!.GetValue<int>(), sent["scene"]!.GetValue<int>(), sent["state"]!.GetValue<string>()));

        // A customer scans the QR: WeCom connects them to a member of the rotation and the add event carries the state.
        var (member, state) = s.Sandbox.Scan(configId)!.Value;
        var contact = NewContact();
        var welcome = NewWelcomeCode();
        await s.AddAsync(member, contact, state, welcome);

        var record = await s.Stack.FinalRecordAsync(welcome);
        Assert.Equal((WelcomeStatus.Sent, "welcome.partner"), (record.Status, record.TemplateId));
        Assert.Contains("感谢您通过合作商户的二维码添加我", record.Text, StringComparison.Ordinal);
        var customer = await s.CustomerWhenAsync(contact, c => c.HasTag("合作方") && c.HasTag("西湖商户"), "the code's tags on the profile");
        Assert.All(customer.Tags.Where(t => t.Name is "合作方" or "西湖商户"), t => Assert.Equal("channel:p-xihu-merchants", t.Source));
        Assert.Equal(("partner", "西湖商户联盟", "p-xihu-merchants"), (customer.Attributes["channel"], customer.Attributes["partner"], customer.Attributes["channelCode"]));
        var relationship = (await s.Services.GetRequiredService<IRelationshipStore>().GetAsync(s.Tenant, member, contact, CancellationToken.None))!.Value;
        Assert.Equal(("p-xihu-merchants", "partner", "西湖商户联盟"), (relationship.State, relationship.Channel, relationship.Partner));
        // The tags reach WeCom in the app's own tag group, so the account manager sees them.
        await Eventually.TrueAsync(() => Task.FromResult(s.Sandbox.TagsOn(member, contact).SequenceEqual(["私域标签/合作方", "私域标签/西湖商户"])),
            "the code's tags marked at WeCom", TimeSpan.FromSeconds(30));

        // The next scan reaches the other member; the code's figures count each customer once.
        Assert.NotEqual(member, s.Sandbox.Scan(configId)!.Value.UserId);
        var (_, read) = await s.ApiAsync(HttpMethod.Get, "channel-codes/p-xihu-merchants", null, OperatorRoles.Auditor);
        Assert.Equal((1, 0, 0), Stats(read));

        // The customer buys (CRM) and later deletes the account manager: the code's conversions and deletions count them.
        await s.CrmUpsertAsync("C-" + contact, contact, 1, 1_000m);
        await s.CrmPurchaseAsync("C-" + contact, 2, "wealth-90d");
        await s.CustomerDeletesAsync(member, contact);
        await Eventually.TrueAsync(async () => Stats((await s.ApiAsync(HttpMethod.Get, "channel-codes/p-xihu-merchants")).Body) == (1, 1, 1),
            "a conversion and a deletion counted for the code", TimeSpan.FromSeconds(30));
    }

    private static (int Adds, int Deletions, int Conversions) Stats(System.Text.Json.JsonElement code)
    {
        var stats = code.GetProperty("stats");
        return (stats.GetProperty("adds").GetInt32(), stats.GetProperty("deletions").GetInt32(), stats.GetProperty("conversions").GetInt32());
    }

    [Fact]
    public async Task An_add_without_a_code_gets_the_default_welcome_and_no_code_tags()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜", "理财经理", "西湖支行");
        await WelcomeTemplateReadyAsync(s);
        Assert.Equal(HttpStatusCode.Created, (await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode)).Status);
        var contact = NewContact();
        var welcome = NewWelcomeCode();

        await s.AddAsync("lina", contact, "branch-017", welcome);

        Assert.Equal("welcome.default", (await s.Stack.FinalRecordAsync(welcome)).TemplateId);
        var customer = await s.CustomerAsync(contact);
        Assert.DoesNotContain(customer.Tags, t => t.Name == "合作方");
    }

    [Fact]
    public async Task A_paused_code_still_attributes_but_applies_no_tags_and_a_deleted_one_is_gone_at_WeCom()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜", "理财经理", "西湖支行");
        await s.Stack.AddEmployeeAsync("wangqiang", "王强", "客户经理", "西湖支行");
        await WelcomeTemplateReadyAsync(s);
        var (_, code) = await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode);
        var configId = code.GetProperty("configId").GetString()!;

        var (paused, pausedCode) = await s.ApiAsync(HttpMethod.Post, "channel-codes/p-xihu-merchants/pause");
        Assert.Equal((HttpStatusCode.OK, "Paused"), (paused, pausedCode.GetProperty("status").GetString()));
        var (member, state) = s.Sandbox.Scan(configId)!.Value;
        var contact = NewContact();
        var welcome = NewWelcomeCode();
        await s.AddAsync(member, contact, state, welcome);

        Assert.Equal("welcome.default", (await s.Stack.FinalRecordAsync(welcome)).TemplateId);
        var customer = await s.CustomerWhenAsync(contact, c => c.Attributes.ContainsKey("channelCode"), "the attribution");
        Assert.Equal("p-xihu-merchants", customer.Attributes["channelCode"]);
        Assert.DoesNotContain(customer.Tags, t => t.Name == "合作方");

        Assert.Equal(HttpStatusCode.OK, (await s.ApiAsync(HttpMethod.Post, "channel-codes/p-xihu-merchants/resume")).Status);
        var (deleted, deletedCode) = await s.ApiAsync(HttpMethod.Delete, "channel-codes/p-xihu-merchants");
        Assert.Equal((HttpStatusCode.OK, "Deleted"), (deleted, deletedCode.GetProperty("status").GetString()));
        Assert.DoesNotContain(configId, s.Sandbox.ContactWayIds);
        Assert.Null(s.Sandbox.Scan(configId));
        var (_, list) = await s.ApiAsync(HttpMethod.Get, "channel-codes");
        Assert.Equal("Deleted", Assert.Single(list.GetProperty("codes").EnumerateArray()).GetProperty("status").GetString());
        // The state is never reused: its past adds stay attributed to the deleted code.
        Assert.Equal(HttpStatusCode.Conflict, (await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode)).Status);
    }

    [Fact]
    public async Task Bad_codes_are_refused_naming_the_field_and_only_operators_create_them()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());

        var (tooLong, problem) = await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode.Replace("p-xihu-merchants", new string('p', 31), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong);
        Assert.Contains("30", problem.GetProperty("errors").GetProperty("code")[0].GetString(), StringComparison.Ordinal);
        var (noPartner, p2) = await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode.Replace("\"partner\":\"西湖商户联盟\",", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, noPartner);
        Assert.True(p2.GetProperty("errors").TryGetProperty("partner", out _));
        var (notWelcome, p3) = await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode.Replace("welcome.partner", "3w.why-now", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, notWelcome);
        Assert.True(p3.GetProperty("errors").TryGetProperty("welcomeTemplateId", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await s.ApiAsync(HttpMethod.Post, "channel-codes", PartnerCode, OperatorRoles.Auditor)).Status);
        Assert.DoesNotContain(s.Sandbox.Requests, r => r.Api == "externalcontact/add_contact_way");
    }
}
