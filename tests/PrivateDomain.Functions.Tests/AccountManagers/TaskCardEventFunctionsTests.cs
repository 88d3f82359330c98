using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using PrivateDomain.AccountManagers;
using PrivateDomain.Campaigns;
using PrivateDomain.Customers;
using PrivateDomain.Functions.Customers;
using PrivateDomain.Functions.Tests.Harness;
using PrivateDomain.Functions.WeCom;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.Storage;
using PrivateDomain.WeCom;

namespace PrivateDomain.Functions.Tests.AccountManagers;

/// <summary>
/// A task card's button on Azure: WeCom posts a signed, encrypted template_card_event to the callback function, the
/// <c>wecom-events</c> queue trigger closes the task once and updates the card once at the sandbox, also when WeCom
/// repeats the callback.
/// </summary>
[Collection(FunctionsCollection.Name)]
public sealed class TaskCardEventFunctionsTests(AzuriteFixture azurite)
{
    private const string Manager = "zhaoliu";
    private const string CampaignId = "payroll:E-7:2026-12";
    private static readonly DateTimeOffset Morning = new(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task The_cards_button_closes_the_task_once_and_updates_the_card_once_even_when_WeCom_repeats_the_callback()
    {
        await using var app = await SandboxedApp.StartAsync(azurite.Azurite, Morning, [Manager]);
        var now = app.Host.Get<TimeProvider>().GetUtcNow();
        var at = now.AddDays(-30);
        Assert.True(await app.Host.Get<ICustomerStore>().TryInsertAsync(Customer.New(app.Tenant, "p0001", at) with { Name = "李女士", ExternalUserIds = ["wmp0001"] },
            CancellationToken.None));
        Assert.True(await app.Host.Get<IRelationshipStore>().TryWriteAsync(
            new Relationship(app.Tenant, Manager, "wmp0001", "p0001", at, null, null, null, RelationshipStatus.Active, at, null), null, CancellationToken.None));
        var task = new FollowUpTask(app.Tenant, Manager, "p0001", CampaignId, "quiz", now);
        Assert.True(await app.Host.Get<IFollowUpTasks>().AddIfAbsentAsync(task, CancellationToken.None));
        await app.Host.Get<ManagerTaskCards>().TaskRecordedAsync(task, CancellationToken.None);
        var card = Assert.Single(app.Sandbox.AppMessages.Messages);
        Assert.Equal(("template_card", StaffMessageKeys.FollowUp(CampaignId, "p0001")), (card.MsgType, card.TaskId));

        // The manager presses 已跟进: WeCom posts the event to the callback URL; the function answers at once and queues it.
        var press = PressXml(app, card.TaskId!, app.Sandbox.AppMessages.PressButton(app.CorpId, Manager, card.TaskId!), now);
        Assert.Equal(HttpStatusCode.OK, await PostCallbackAsync(app, press));
        Assert.Equal(1, await RunEventQueueAsync(app));

        var done = await app.Host.Get<IFollowUpTasks>().GetAsync(app.Tenant, Manager, CampaignId, "p0001", CancellationToken.None);
        Assert.Equal("card", done!.DoneVia);
        Assert.Equal(ManagerTaskCards.ClosedText, card.Buttons[ManagerTaskCards.DoneKey]);

        // WeCom repeats the same callback (encrypted again): the event is deduplicated or finds the task closed.
        Assert.Equal(HttpStatusCode.OK, await PostCallbackAsync(app, press));
        await RunEventQueueAsync(app);
        Assert.Equal(done.DoneAt, (await app.Host.Get<IFollowUpTasks>().GetAsync(app.Tenant, Manager, CampaignId, "p0001", CancellationToken.None))!.DoneAt);
        Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "message/update_template_card");
        Assert.Single(app.Sandbox.Sandbox.Requests, r => r.Api == "message/send");
    }

    private static string PressXml(SandboxedApp app, string taskId, string responseCode, DateTimeOffset at) =>
        $"<xml><ToUserName><![CDATA[{app.CorpId}]]></ToUserName><FromUserName><![CDATA[{Manager}]]></FromUserName><CreateTime>{at.ToUnixTimeSeconds()}</CreateTime>"
        + "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        + $"<EventKey><![CDATA[{ManagerTaskCards.DoneKey}]]></EventKey><TaskId><![CDATA[{taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType>"
        + $"<ResponseCode><![CDATA[{responseCode}]]></ResponseCode><AgentID>{SandboxedApp.AgentId}</AgentID><SelectedItems></SelectedItems></xml>";

    /// <summary>Posts an event to <c>WeComCallbackReceive</c> as WeCom does: encrypted, signed at the app's time.</summary>
    private static async Task<HttpStatusCode> PostCallbackAsync(SandboxedApp app, string eventXml)
    {
        var encrypt = app.Callbacks.Encrypt(eventXml, RandomNumberGenerator.GetBytes(16));
        var ts = app.Host.Get<TimeProvider>().GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = RandomNumberGenerator.GetHexString(10);
        var signature = CallbackSignature.Compute(app.CallbackToken, ts, nonce, encrypt);
        var body = $"<xml><ToUserName><![CDATA[{app.CorpId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[{SandboxedApp.AgentId}]]></AgentID></xml>";
        var function = app.Host.Function<WeComCallbackFunctions>();
        var response = await app.Host.CallAsync("POST", $"/api/wecom/{app.Tenant}/callback?msg_signature={signature}&timestamp={ts}&nonce={nonce}",
            r => function.ReceiveAsync(r, app.Tenant, CancellationToken.None), body: body, contentType: "text/xml");
        return response.Status;
    }

    /// <summary>Runs <c>WeComEventProcessor</c> on this tenant's messages of <c>wecom-events</c>, as the queue trigger does; answers how many.</summary>
    private static async Task<int> RunEventQueueAsync(SandboxedApp app)
    {
        var queue = app.Host.Get<StorageClients>().Queues.GetQueueClient(StorageCallbackEventQueue.QueueName);
        var function = app.Host.Function<CustomerEventFunctions>();
        var ran = 0;
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is var messages
            && messages.Where(m => StorageCallbackEventQueue.Deserialize(m.Body.ToString()).Tenant == app.Tenant).ToList() is { Count: > 0 } ours)
        {
            foreach (var other in messages.Except(ours))
            {
                await queue.UpdateMessageAsync(other.MessageId, other.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }

            foreach (var message in ours)
            {
                await function.ProcessAsync(message.Body.ToString(), null!, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                ran++;
            }
        }

        return ran;
    }
}
