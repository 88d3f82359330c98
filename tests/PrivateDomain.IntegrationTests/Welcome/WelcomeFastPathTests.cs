using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.WeCom;
using PrivateDomain.Welcome;

namespace PrivateDomain.IntegrationTests.Welcome;

/// <summary>Signed add callbacks through the local host to the WeCom sandbox's send_welcome_msg, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WelcomeFastPathTests(AzuriteFixture fixture)
{
    private static string NewCode() => "WELCOME-" + RandomNumberGenerator.GetHexString(24);

    private static async Task PostAsync(WelcomeStack stack, string xml)
    {
        var (url, body) = stack.Tenant.SignedPost(xml, DateTimeOffset.UtcNow);
        using var response = await stack.Host.Client.PostAsync(url, TestTenant.Xml(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_add_callback_gets_its_welcome_within_3_s_naming_the_employee_and_the_bank()
    {
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString());
        await stack.AddEmployeeAsync("chenxiao", "陈晓", "理财经理", "西湖支行");
        var code = NewCode();
        var xml = stack.Tenant.AddExternalContactXml("chenxiao", "wmNew" + RandomNumberGenerator.GetHexString(8), DateTimeOffset.UtcNow, welcomeCode: code);

        var posted = DateTimeOffset.UtcNow;
        await PostAsync(stack, xml);
        var sent = await Eventually.GetAsync(() => Task.FromResult(stack.WelcomesFor(code) is [var first, ..] ? first : null), "send_welcome_msg in the sandbox",
            TimeSpan.FromSeconds(3) - (DateTimeOffset.UtcNow - posted));

        Assert.True(sent.At - posted <= TimeSpan.FromSeconds(3), $"welcome reached the sandbox {(sent.At - posted).TotalMilliseconds:F0} ms after the POST");
        Assert.Equal(0, sent.Errcode);
        var text = JsonNode.Parse(sent.Body!)!["text"]!["content"]!.GetValue<string>();
        Assert.StartsWith("您好，我是示例农商银行西湖支行的理财经理陈晓", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
        var record = await stack.FinalRecordAsync(code);
        Assert.Equal(WelcomeStatus.Sent, record.Status);
        Assert.Equal(("welcome.default", 2, text), (record.TemplateId, record.TemplateVersion, record.Text));
    }

    [Fact]
    public async Task A_retried_callback_and_a_redelivered_queue_message_still_send_one_welcome()
    {
        // The queue is shared by every test on this Azurite (they run one at a time): start it empty, so "drained" below
        // is about this test's messages, not one an earlier test's host left invisible when it stopped.
        var queue = new QueueServiceClient(fixture.Azurite.ConnectionString()).GetQueueClient("welcome-messages");
        await queue.CreateIfNotExistsAsync();
        await queue.ClearMessagesAsync();
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString());
        await stack.AddEmployeeAsync("chenxiao", "陈晓");
        var code = NewCode();
        var xml = stack.Tenant.AddExternalContactXml("chenxiao", "wmDup" + RandomNumberGenerator.GetHexString(8), DateTimeOffset.UtcNow, welcomeCode: code);

        await PostAsync(stack, xml);
        await PostAsync(stack, xml); // WeCom's retry: the same event, encrypted and signed afresh
        var record = await stack.FinalRecordAsync(code);
        // The outbox sweep (which knows only where the event is) or a queue redelivery can put it on the welcome queue again.
        await stack.Host.Services.GetRequiredService<IWelcomeQueue>().EnqueueAsync(WelcomeRequest.For(
            new CallbackEventMessage(stack.Tenant.Name, record.EventKey, "change_external_contact/add_external_contact", record.AddedAt)), CancellationToken.None);
        await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the welcome queue drained");

        Assert.Equal(WelcomeStatus.Sent, record.Status);
        Assert.Single(stack.WelcomesFor(code));
        Assert.Equal(WelcomeStatus.Sent, (await stack.FinalRecordAsync(code)).Status);
    }

    [Fact]
    public async Task An_unknown_employee_gets_no_welcome_and_the_reason_is_recorded()
    {
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString());
        var code = NewCode();

        await PostAsync(stack, stack.Tenant.AddExternalContactXml("stranger", "wmX" + RandomNumberGenerator.GetHexString(8), DateTimeOffset.UtcNow, welcomeCode: code));

        var record = await stack.FinalRecordAsync(code);
        Assert.Equal(WelcomeStatus.Skipped, record.Status);
        Assert.StartsWith(WelcomeReasons.UnknownEmployee + ": stranger", record.Reason, StringComparison.Ordinal);
        Assert.Empty(stack.WelcomesFor(code));
    }

    [Fact]
    public async Task A_tenant_without_bank_details_sends_nothing_and_records_which_are_missing()
    {
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString(), bankDetails: false);
        await stack.AddEmployeeAsync("chenxiao", "陈晓");
        var code = NewCode();

        await PostAsync(stack, stack.Tenant.AddExternalContactXml("chenxiao", "wmB" + RandomNumberGenerator.GetHexString(8), DateTimeOffset.UtcNow, welcomeCode: code));

        var record = await stack.FinalRecordAsync(code);
        Assert.Equal(WelcomeStatus.Skipped, record.Status);
        Assert.StartsWith(WelcomeReasons.MissingValues + ":", record.Reason, StringComparison.Ordinal);
        Assert.Contains("{bank.name}", record.Reason, StringComparison.Ordinal);
        Assert.Empty(stack.WelcomesFor(code));
    }

    [Fact]
    public async Task A_welcome_code_older_than_20_s_is_recorded_as_expired_and_not_sent()
    {
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString());
        await stack.AddEmployeeAsync("chenxiao", "陈晓");
        var code = NewCode();

        // WeCom delivered the add 30 s ago (say, our intake was down and this is its third try).
        await PostAsync(stack, stack.Tenant.AddExternalContactXml("chenxiao", "wmOld" + RandomNumberGenerator.GetHexString(8), DateTimeOffset.UtcNow.AddSeconds(-30), welcomeCode: code));

        var record = await stack.FinalRecordAsync(code);
        Assert.Equal(WelcomeStatus.Expired, record.Status);
        Assert.StartsWith(WelcomeReasons.Expired + ":", record.Reason, StringComparison.Ordinal);
        Assert.Empty(stack.WelcomesFor(code));
    }

    [Fact]
    public async Task A_claim_left_by_an_attempt_that_died_is_closed_as_outcome_unknown_and_never_sent_again()
    {
        await using var stack = await WelcomeStack.StartAsync(fixture.Azurite.ConnectionString());
        await stack.AddEmployeeAsync("chenxiao", "陈晓");
        var code = NewCode();
        var ledger = stack.Host.Services.GetRequiredService<IWelcomeLedger>();
        // An attempt claimed this code 30 s ago (longer than the claim lease) and died before recording what WeCom said.
        await ledger.TryAddAsync(new WelcomeRecord(stack.Tenant.Name, code, "earlier", "chenxiao", "wmGone", DateTimeOffset.UtcNow.AddSeconds(-31),
            WelcomeStatus.Sending, null, DateTimeOffset.UtcNow.AddSeconds(-30)), CancellationToken.None);

        await PostAsync(stack, stack.Tenant.AddExternalContactXml("chenxiao", "wmGone", DateTimeOffset.UtcNow, welcomeCode: code));

        var record = await stack.FinalRecordAsync(code);
        Assert.Equal(WelcomeStatus.Failed, record.Status);
        Assert.StartsWith(WelcomeReasons.OutcomeUnknown + ":", record.Reason, StringComparison.Ordinal);
        Assert.Empty(stack.WelcomesFor(code));
    }
}
