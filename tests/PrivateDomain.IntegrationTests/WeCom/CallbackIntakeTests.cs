using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.WeCom;

/// <summary>The WeCom callback endpoint of the local host, over real HTTP, against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallbackIntakeTests(AzuriteFixture fixture)
{
    private readonly TestTenant _tenant = TestTenant.Create("bank" + RandomNumberGenerator.GetHexString(6).ToLowerInvariant());
    private StorageProbe Probe => new(fixture.Azurite.ConnectionString());

    /// <summary>An intake-only host: no queue worker drains wecom-events, so the tests can count what was enqueued.</summary>
    private Task<LocalHostInstance> StartHostAsync(string? connectionString = null) =>
        LocalHostInstance.StartAsync(connectionString ?? fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false" });

    /// <summary>What WeCom does on a retry: the same event, encrypted again (new random prefix), signed with a new nonce.</summary>
    private async Task<HttpResponseMessage> PostAsync(LocalHostInstance host, string eventXml)
    {
        var (url, body) = _tenant.SignedPost(eventXml, DateTimeOffset.UtcNow);
        return await host.Client.PostAsync(url, TestTenant.Xml(body));
    }

    [Fact]
    public async Task Url_verification_answers_the_decrypted_echostr_as_bare_text()
    {
        await using var host = await StartHostAsync();
        var echo = "8827431862553426944";
        var encrypted = _tenant.Crypto.Encrypt(echo, RandomNumberGenerator.GetBytes(16));
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = CallbackSignature.Compute(_tenant.Token, ts, "n0nce", encrypted);

        var response = await host.Client.GetAsync(
            $"/api/wecom/{_tenant.Name}/callback?msg_signature={signature}&timestamp={ts}&nonce=n0nce&echostr={Uri.EscapeDataString(encrypted)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(echo), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_add_external_contact_is_stored_and_enqueued_once_however_often_WeCom_retries_it()
    {
        await using var host = await StartHostAsync();
        var xml = _tenant.AddExternalContactXml("zhangsan", "wmAbc123", DateTimeOffset.UtcNow, state: "qr-branch-017");

        var first = await PostAsync(host, xml);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Empty(await first.Content.ReadAsByteArrayAsync());
        for (var retry = 0; retry < 3; retry++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, xml)).StatusCode);
        }

        var stored = Assert.Single(await Probe.StoredEventsAsync(_tenant.Name));
        Assert.Equal("change_external_contact/add_external_contact", stored.GetString("Kind"));
        Assert.Equal(xml, Encoding.UTF8.GetString(stored.GetBinary("Xml")));
        var message = Assert.Single(await Probe.DrainQueueAsync(_tenant.Name));
        Assert.Equal(stored.RowKey[2..], message.EventKey);
        Assert.Equal(0, await Probe.PendingCountAsync(_tenant.Name));
    }

    [Fact]
    public async Task Distinct_events_are_each_stored_and_an_unknown_event_type_is_kept_raw()
    {
        await using var host = await StartHostAsync();
        var now = DateTimeOffset.UtcNow;
        var unknown = $"<xml><ToUserName><![CDATA[{_tenant.CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{now.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact_future]]></Event><ChangeType><![CDATA[something_new]]></ChangeType></xml>";

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, _tenant.AddExternalContactXml("lisi", "wmOne", now))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, _tenant.AddExternalContactXml("lisi", "wmTwo", now))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, unknown)).StatusCode);

        var kinds = (await Probe.StoredEventsAsync(_tenant.Name)).Select(e => e.GetString("Kind")).Order().ToList();
        Assert.Equal(["change_external_contact/add_external_contact", "change_external_contact/add_external_contact",
            "unrecognised/event/change_contact_future/something_new"], kinds);
        Assert.Equal(3, (await Probe.DrainQueueAsync(_tenant.Name)).Count);
    }

    public static TheoryData<string, HttpStatusCode> BadRequests() => new()
    {
        { "bad signature", HttpStatusCode.Unauthorized },
        { "stale timestamp", HttpStatusCode.Unauthorized },
        { "missing signature", HttpStatusCode.Unauthorized },
        { "XXE in the envelope", HttpStatusCode.BadRequest },
        { "XXE in the encrypted event", HttpStatusCode.BadRequest },
        { "10 MB body", HttpStatusCode.RequestEntityTooLarge },
        { "truncated ciphertext", HttpStatusCode.BadRequest },
        { "not base64", HttpStatusCode.BadRequest },
        { "wrong receiveid", HttpStatusCode.BadRequest },
        { "unknown tenant", HttpStatusCode.Unauthorized }, // as a bad signature: the route does not tell which tenants exist
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_callbacks_get_their_4xx_as_problem_json_and_store_nothing(string kind, HttpStatusCode expected)
    {
        await using var host = await StartHostAsync();
        var now = DateTimeOffset.UtcNow;
        var xml = _tenant.AddExternalContactXml("wangwu", "wmBad", now);
        var (url, body) = _tenant.SignedPost(xml, now);
        switch (kind)
        {
            case "bad signature":
                url = url.Replace("msg_signature=", "msg_signature=0", StringComparison.Ordinal);
                break;
            case "stale timestamp":
                (url, body) = _tenant.SignedPost(xml, now.AddMinutes(-11));
                break;
            case "missing signature":
                url = $"/api/wecom/{_tenant.Name}/callback";
                break;
            case "XXE in the envelope":
                body = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><Encrypt>&xxe;</Encrypt></xml>";
                break;
            case "XXE in the encrypted event":
                (url, body) = _tenant.SignedPost("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" + xml.Replace("wangwu", "&xxe;", StringComparison.Ordinal), now);
                break;
            case "10 MB body":
                body = "<xml><Encrypt>" + new string('A', 10 * 1024 * 1024) + "</Encrypt></xml>";
                break;
            case "truncated ciphertext":
                var encrypt = _tenant.Crypto.Encrypt(xml, RandomNumberGenerator.GetBytes(16));
                (url, body) = _tenant.SignedPostOf(encrypt[..^24], now);
                break;
            case "not base64":
                (url, body) = _tenant.SignedPostOf("%%%not-base64%%%", now);
                break;
            case "wrong receiveid":
                var other = new CallbackCrypto(_tenant.EncodingAesKey, "wwSomeoneElse");
                (url, body) = _tenant.SignedPostOf(other.Encrypt(xml, RandomNumberGenerator.GetBytes(16)), now);
                break;
            case "unknown tenant":
                url = url.Replace(_tenant.Name, "no-such-bank", StringComparison.Ordinal);
                break;
        }

        var response = await host.Client.PostAsync(url, TestTenant.Xml(body));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Empty(await Probe.StoredEventsAsync(_tenant.Name));
        Assert.Empty(await Probe.DrainQueueAsync(_tenant.Name));
    }

    [Fact]
    public async Task With_storage_unreachable_the_callback_gets_503_and_a_retry_after_recovery_is_stored_and_enqueued_once()
    {
        await using var tables = new LoopbackProxy(fixture.Azurite.TableEndpoint.Port);
        await using var queues = new LoopbackProxy(fixture.Azurite.QueueEndpoint.Port);
        await using var host = await StartHostAsync(fixture.Azurite.ConnectionString(tablePort: tables.Port, queuePort: queues.Port));
        var xml = _tenant.AddExternalContactXml("zhaoliu", "wmOutage", DateTimeOffset.UtcNow);

        tables.Cut();
        queues.Cut();
        var during = await PostAsync(host, xml);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);

        tables.Restore();
        queues.Restore();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, xml)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, xml)).StatusCode);

        Assert.Single(await Probe.StoredEventsAsync(_tenant.Name));
        Assert.Single(await Probe.DrainQueueAsync(_tenant.Name));
    }

    [Fact]
    public async Task A_failure_between_store_and_enqueue_followed_by_a_retry_ends_with_the_event_enqueued_once()
    {
        await using var queues = new LoopbackProxy(fixture.Azurite.QueueEndpoint.Port);
        await using var host = await StartHostAsync(fixture.Azurite.ConnectionString(queuePort: queues.Port));
        var xml = _tenant.AddExternalContactXml("sunqi", "wmHalfway", DateTimeOffset.UtcNow);

        queues.Cut();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PostAsync(host, xml)).StatusCode);
        Assert.Single(await Probe.StoredEventsAsync(_tenant.Name));
        Assert.Equal(1, await Probe.PendingCountAsync(_tenant.Name));

        queues.Restore();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, xml)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(host, xml)).StatusCode);

        Assert.Single(await Probe.StoredEventsAsync(_tenant.Name));
        Assert.Single(await Probe.DrainQueueAsync(_tenant.Name));
        Assert.Equal(0, await Probe.PendingCountAsync(_tenant.Name));
    }

    [Fact]
    public async Task An_event_stored_but_never_enqueued_is_enqueued_once_by_the_outbox_sweep_when_WeCom_stops_retrying()
    {
        await using var queues = new LoopbackProxy(fixture.Azurite.QueueEndpoint.Port);
        await using var host = await StartHostAsync(fixture.Azurite.ConnectionString(queuePort: queues.Port));
        var xml = _tenant.AddExternalContactXml("zhouba", "wmSwept", DateTimeOffset.UtcNow);

        queues.Cut();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await PostAsync(host, xml)).StatusCode);
        queues.Restore();

        var intake = host.Services.GetRequiredService<CallbackIntake>();
        Assert.Equal(1, await intake.SweepOutboxAsync(CancellationToken.None));
        Assert.Equal(0, await intake.SweepOutboxAsync(CancellationToken.None));

        Assert.Single(await Probe.DrainQueueAsync(_tenant.Name));
        Assert.Equal(0, await Probe.PendingCountAsync(_tenant.Name));
    }

    [Fact]
    public async Task The_outbox_sweep_interval_an_operator_sets_is_the_one_the_sweeper_runs_on()
    {
        // README's setting; it once bound to nothing (the property is Interval), so every host swept every 30 s.
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false", ["Intake:OutboxSweepInterval"] = "00:07:00" });

        Assert.Equal(TimeSpan.FromMinutes(7), host.Services.GetRequiredService<IOptions<PrivateDomain.Local.WeCom.OutboxSweepOptions>>().Value.Interval);
    }

    [Fact]
    public async Task A_host_given_a_sweep_interval_beyond_a_day_refuses_to_start_and_names_the_setting()
    {
        // A year once passed validation and then stopped the running host from inside the sweeper (a timer cannot wait
        // that long); the operator should hear it at start, with the setting's name.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => LocalHostInstance.StartAsync(
            fixture.Azurite.ConnectionString(), [_tenant],
            new Dictionary<string, string?> { ["Local:QueueWorkers"] = "false", ["Intake:OutboxSweepInterval"] = "365.00:00:00" }));

        Assert.Contains("Intake:OutboxSweepInterval", refused.Message, StringComparison.Ordinal);
    }
}
