using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.Content;
using PrivateDomain.Customers;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Operators;

namespace PrivateDomain.IntegrationTests.Acquisition;

/// <summary>Group codes (群活码) created through the operator API at the WeCom sandbox, joins through their QR, the group
/// welcome WeCom delivers, and the daily group figures, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GroupCodeTests(AzuriteFixture fixture)
{
    private static string NewContact() => "wmGrp" + RandomNumberGenerator.GetHexString(8);

    private static async Task GroupWelcomeReadyAsync(AcquisitionStack s) =>
        await Eventually.TrueAsync(async () => (await s.Services.GetRequiredService<ContentLibrary>().GetSendableAsync("welcome.group", s.Tenant, null, CancellationToken.None)).IsSendable,
            "the seeded group welcome", TimeSpan.FromSeconds(60));

    private static string Code(string chatId) => $$"""
        {"code":"g-xihu-salon","name":"西湖理财沙龙","chatIds":["{{chatId}}"],"roomBaseName":"西湖理财沙龙","roomBaseId":2,"welcomeTemplateId":"welcome.group"}
        """;

    /// <summary>Posts the change_external_chat events WeCom sends after a join: create (when WeCom made the group) and add_member.</summary>
    private static async Task PostJoinEventsAsync(AcquisitionStack s, Local.Sandbox.SandboxGroupJoin join, string contact)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(join.JoinTime);
        if (join.CreatedChat)
        {
            Assert.Equal(HttpStatusCode.OK, await s.Stack.Tenant.PostEventAsync(s.Stack.Host,
                s.Stack.Tenant.EventXml("change_external_chat", "create", at, $"<ChatId><![CDATA[{join.ChatId}]]></ChatId>")));
        }

        Assert.Equal(HttpStatusCode.OK, await s.Stack.Tenant.PostEventAsync(s.Stack.Host, s.Stack.Tenant.EventXml("change_external_chat", "update", at,
            $"<ChatId><![CDATA[{join.ChatId}]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>3</JoinScene><MemChangeCnt>1</MemChangeCnt>" +
            $"<MemChangeList><Item><![CDATA[{contact}]]></Item></MemChangeList>")));
    }

    private static Dictionary<string, (int Joins, int Left)> Groups(JsonElement code) =>
        code.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("chatId").GetString()!, g => (g.GetProperty("joins").GetInt32(), g.GetProperty("left").GetInt32()));

    [Fact]
    public async Task A_group_QR_join_gets_the_group_welcome()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜", "理财经理", "西湖支行");
        await GroupWelcomeReadyAsync(s);
        // The account manager made a customer group in the WeCom client (3 places here, so it fills quickly).
        var chatId = s.Sandbox.CreateGroupChat("lina", "西湖理财沙龙1群", capacity: 3);

        var (created, code) = await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(("Active", 1), (code.GetProperty("status").GetString(), code.GetProperty("welcomeTemplateVersion").GetInt32()));
        var configId = code.GetProperty("configId").GetString()!;
        var libraryId = code.GetProperty("weComWelcomeTemplateId").GetString()!;
        Assert.StartsWith("https://", code.GetProperty("qrCode").GetString(), StringComparison.Ordinal);

        // The approved welcome went into WeCom's group-welcome library, rendered for the bank, and the owners were asked to use it.
        var added = JsonNode.Parse(Assert.Single(s.Sandbox.Requests, r => r.Api == "externalcontact/group_welcome_template/add").Body!)!;
        Assert.StartsWith("欢迎加入示例农商银行理财沙龙群！", added["text"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("https://h5.example-bank.cn/h5/welcome-gift", 1), (added["link"]!["url"]!.GetValue<string>(), added["notify"]!.GetValue<int>()));
        Assert.Equal([libraryId], s.Sandbox.GroupWelcomeNotifications);
        var way = JsonNode.Parse(Assert.Single(s.Sandbox.Requests, r => r.Api == "externalcontact/groupchat/add_join_way").Body!)!;
        Assert.Equal((2, "g-xihu-salon", 1, "西湖理财沙龙", chatId),
            (way["scene"]!.GetValue<int>(), way["state"]!.GetValue<string>(), way["auto_create_room"]!.GetValue<int>(), way["room_base_name"]!.GetValue<string>(),
             way["chat_id_list"]![0]!.GetValue<string>()));

        // The owner applies it to the group in the WeCom client, as WeCom's notice asks.
        Assert.Equal(Local.Sandbox.SandboxControlOutcome.Done, s.Sandbox.ApplyGroupWelcome(chatId, libraryId));

        // A customer scans the group QR: they join, WeCom greets them with the welcome, and the join is counted for the code.
        var first = NewContact();
        var join = s.Sandbox.JoinThroughQr(configId, first, "小王")!;
        Assert.Equal((chatId, "g-xihu-salon", false), (join.ChatId, join.State, join.CreatedChat));
        Assert.NotNull(join.Welcome);
        Assert.StartsWith("欢迎加入示例农商银行理财沙龙群！", join.Welcome.Text, StringComparison.Ordinal);
        Assert.Equal(("新群友见面礼", "https://h5.example-bank.cn/h5/welcome-gift"), (join.Welcome.LinkTitle, join.Welcome.LinkUrl));
        await PostJoinEventsAsync(s, join, first);
        await Eventually.TrueAsync(async () => Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon", null, OperatorRoles.Auditor)).Body)
            .GetValueOrDefault(chatId) == (1, 0), "the join counted for the code's group", TimeSpan.FromSeconds(30));

        // The group fills; the next scan gets a group WeCom creates (西湖理财沙龙2, the same owner), which greets with the same welcome.
        var second = NewContact();
        await PostJoinEventsAsync(s, s.Sandbox.JoinThroughQr(configId, second, "小李")!, second);
        var third = NewContact();
        var overflow = s.Sandbox.JoinThroughQr(configId, third, "小张")!;
        Assert.True(overflow.CreatedChat);
        Assert.NotEqual(chatId, overflow.ChatId);
        Assert.Equal(overflow.ChatId, overflow.Welcome?.ChatId);
        Assert.StartsWith("欢迎加入示例农商银行理财沙龙群！", overflow.Welcome!.Text, StringComparison.Ordinal);
        await PostJoinEventsAsync(s, overflow, third);
        var groups = await Eventually.GetAsync(async () => Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body) is var g
            && g.GetValueOrDefault(chatId) == (2, 0) && g.GetValueOrDefault(overflow.ChatId) == (1, 0) ? g : null, "the joins of both groups", TimeSpan.FromSeconds(30));
        Assert.Equal(2, groups.Count);

        // A customer who leaves again is counted as left (from the chat event).
        Assert.Equal(HttpStatusCode.OK, await s.Stack.Tenant.PostEventAsync(s.Stack.Host, s.Stack.Tenant.EventXml("change_external_chat", "update", DateTimeOffset.UtcNow.AddSeconds(5),
            $"<ChatId><![CDATA[{chatId}]]></ChatId><UpdateDetail><![CDATA[del_member]]></UpdateDetail><QuitScene>0</QuitScene><MemChangeCnt>1</MemChangeCnt>" +
            $"<MemChangeList><Item><![CDATA[{first}]]></Item></MemChangeList>")));
        await Eventually.TrueAsync(async () => Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body).GetValueOrDefault(chatId) == (2, 1),
            "the customer who left counted", TimeSpan.FromSeconds(30));
        Assert.Equal(3, s.Sandbox.DeliveredGroupWelcomes.Count);
    }

    [Fact]
    public async Task Erasing_a_customer_removes_their_join_through_a_group_code()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜");
        await GroupWelcomeReadyAsync(s);
        var chatId = s.Sandbox.CreateGroupChat("lina", "西湖理财沙龙1群");
        Assert.Equal(HttpStatusCode.Created, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId))).Status);
        var configId = (await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body.GetProperty("configId").GetString()!;
        var contact = NewContact();
        await s.AddAsync("lina", contact, null, "WELCOME-" + RandomNumberGenerator.GetHexString(24));
        var customer = await s.CustomerAsync(contact);
        await PostJoinEventsAsync(s, s.Sandbox.JoinThroughQr(configId, contact, "小王")!, contact);
        await Eventually.TrueAsync(async () => Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body).GetValueOrDefault(chatId) == (1, 0),
            "the join counted", TimeSpan.FromSeconds(30));

        await s.Services.GetRequiredService<CustomerErasure>().EraseAsync(s.Tenant, customer.Id, "dpo@bank.example", "PIPL-2026-0099", CancellationToken.None);

        Assert.Equal((0, 0), Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body)[chatId]);
    }

    [Fact]
    public async Task A_join_through_a_plain_group_QR_or_invitation_is_not_counted_for_a_code()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜");
        await GroupWelcomeReadyAsync(s);
        var chatId = s.Sandbox.CreateGroupChat("lina", "西湖理财沙龙1群");
        Assert.Equal(HttpStatusCode.Created, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId))).Status);
        var configId = (await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body.GetProperty("configId").GetString()!;

        // Invited by a member (JoinScene 0): WeCom reports no state for them; nothing is read or counted.
        var invited = NewContact();
        Assert.Equal(HttpStatusCode.OK, await s.Stack.Tenant.PostEventAsync(s.Stack.Host, s.Stack.Tenant.EventXml("change_external_chat", "update", DateTimeOffset.UtcNow,
            $"<ChatId><![CDATA[{chatId}]]></ChatId><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>0</JoinScene><MemChangeCnt>1</MemChangeCnt>" +
            $"<MemChangeList><Item><![CDATA[{invited}]]></Item></MemChangeList>")));
        // Then a real QR join, processed after it: only that one is counted.
        var scanned = NewContact();
        await PostJoinEventsAsync(s, s.Sandbox.JoinThroughQr(configId, scanned, "小王")!, scanned);
        await Eventually.TrueAsync(async () => Groups((await s.ApiAsync(HttpMethod.Get, "group-codes/g-xihu-salon")).Body).GetValueOrDefault(chatId) == (1, 0),
            "only the QR join counted", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () =>
        {
            var members = new List<string>();
            await foreach (var m in s.Services.GetRequiredService<IGroupChatStore>().MembersAsync(s.Tenant, chatId, CancellationToken.None))
            {
                members.Add(m);
            }

            return members.Contains(invited) && members.Contains(scanned);
        }, "both members kept from the chat events", TimeSpan.FromSeconds(30));
        Assert.Single(s.Sandbox.Requests, r => r.Api == "externalcontact/groupchat/get" && r.Body!.Contains(chatId, StringComparison.Ordinal)
            && r.At > s.Sandbox.Requests.First(x => x.Api == "externalcontact/groupchat/add_join_way").At);
    }

    [Fact]
    public async Task A_group_code_is_refused_for_a_one_to_one_welcome_an_unknown_group_or_a_taken_state()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString());
        await s.Stack.AddEmployeeAsync("lina", "李娜");
        await GroupWelcomeReadyAsync(s);
        var chatId = s.Sandbox.CreateGroupChat("lina", "西湖理财沙龙1群");

        var (status, problem) = await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId).Replace("welcome.group", "welcome.partner", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("welcomeTemplateId", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        (status, problem) = await s.ApiAsync(HttpMethod.Post, "group-codes", Code("wrNoSuchGroup"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("chatIds", problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        (status, _) = await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId).Replace("\"roomBaseName\":\"西湖理财沙龙\",", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.DoesNotContain(s.Sandbox.Requests, r => r.Api is "externalcontact/groupchat/add_join_way" or "externalcontact/group_welcome_template/add");

        Assert.Equal(HttpStatusCode.Created, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId), OperatorRoles.Auditor)).Status);

        // Deleting stops the QR at WeCom; the code stays, marked deleted.
        var (deleted, body) = await s.ApiAsync(HttpMethod.Delete, "group-codes/g-xihu-salon");
        Assert.Equal((HttpStatusCode.OK, "Deleted"), (deleted, body.GetProperty("status").GetString()));
        Assert.Null(s.Sandbox.JoinThroughQr(body.GetProperty("configId").GetString()!, NewContact()));
        var (_, list) = await s.ApiAsync(HttpMethod.Get, "group-codes", null, OperatorRoles.Auditor);
        Assert.Equal("Deleted", Assert.Single(list.GetProperty("codes").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Yesterdays_group_figures_are_read_per_owner_and_served_to_operators()
    {
        await using var s = await AcquisitionStack.StartAsync(fixture.Azurite.ConnectionString(), new Dictionary<string, string?> { ["Local:GroupStatistics"] = "false" });
        await s.Stack.AddEmployeeAsync("lina", "李娜");
        await GroupWelcomeReadyAsync(s);
        var chatId = s.Sandbox.CreateGroupChat("lina", "西湖理财沙龙1群");
        Assert.Equal(HttpStatusCode.Created, (await s.ApiAsync(HttpMethod.Post, "group-codes", Code(chatId))).Status);
        var yesterday = GroupChatStatisticsRead.Yesterday(DateTimeOffset.UtcNow);
        s.Sandbox.SetGroupMessageFigures(yesterday, "lina", chatsWithMessages: 1, membersWhoSpoke: 12, messages: 57);

        // What the nightly run does (03:00 China time; the Functions app's timer at 19:00 UTC).
        var result = await s.Services.GetRequiredService<GroupChatStatisticsRead>().ReadAsync(s.Tenant, null, CancellationToken.None);
        Assert.Equal((yesterday, 1, 1), (result.Day, result.Owners, result.Stored));
        var asked = JsonNode.Parse(Assert.Single(s.Sandbox.Requests, r => r.Api == "externalcontact/groupchat/statistic").Body!)!;
        Assert.Equal(["lina"], asked["owner_filter"]!["userid_list"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(GroupChatStatisticsRead.DayStart(yesterday), asked["day_begin_time"]!.GetValue<long>());

        var (status, stats) = await s.ApiAsync(HttpMethod.Get, $"group-stats?from={yesterday:yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}", null, OperatorRoles.Auditor);
        Assert.Equal(HttpStatusCode.OK, status);
        var row = Assert.Single(stats.GetProperty("days").EnumerateArray());
        Assert.Equal(("lina", 57, 12, 1), (row.GetProperty("owner").GetString(), row.GetProperty("messages").GetInt32(), row.GetProperty("membersWhoSpoke").GetInt32(),
            row.GetProperty("chatsWithMessages").GetInt32()));

        // Reading the day again replaces it rather than adding a second row.
        s.Sandbox.SetGroupMessageFigures(yesterday, "lina", chatsWithMessages: 1, membersWhoSpoke: 13, messages: 60);
        await s.Services.GetRequiredService<GroupChatStatisticsRead>().ReadAsync(s.Tenant, yesterday, CancellationToken.None);
        (_, stats) = await s.ApiAsync(HttpMethod.Get, $"group-stats?from={yesterday:yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}");
        Assert.Equal(60, Assert.Single(stats.GetProperty("days").EnumerateArray()).GetProperty("messages").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await s.ApiAsync(HttpMethod.Get, "group-stats?from=2026-01-01&to=2026-12-31")).Status);
    }
}
