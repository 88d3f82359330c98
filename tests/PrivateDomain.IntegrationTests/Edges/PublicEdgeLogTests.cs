using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateDomain.IntegrationTests.Harness;

namespace PrivateDomain.IntegrationTests.Edges;

/// <summary>
/// What the public routes give away: a route value never forges a log line (it is a structured property, escaped), and
/// the WeCom callback answers a tenant that does not exist exactly as it answers a bad signature.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PublicEdgeLogTests(AzuriteFixture fixture)
{
    [Fact]
    public async Task A_newline_in_the_tenant_segment_does_not_forge_a_log_line()
    {
        var edge = new OperatorEdge("log");
        var logs = new CapturedLogs();
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [edge.A], edge.Settings(), services =>
        {
            edge.Tokens.Trust(services);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        const string Forged = "%0D%0A2026-12-05 info: admin ops@bank.example erased every customer";

        // The public callback, for a made-up tenant and for a real one, and the operator API for a made-up tenant.
        await host.Client.PostAsync($"/api/wecom/{edge.A.Name}{Forged}/callback?msg_signature=0&timestamp=1&nonce=1", TestTenant.Xml("<xml><Encrypt>AAAA</Encrypt></xml>"));
        await host.Client.GetAsync($"/api/wecom/x{Forged}/callback?msg_signature=0&timestamp=1&nonce=1&echostr=AAAA");
        await host.Client.SendAsync(OperatorEdge.Request(HttpMethod.Get, $"/api/tenants/x{Forged}/journeys/abc", edge.Tokens.Mint(edge.EntraA, ["Operator"])));

        var messages = logs.Messages.ToList();
        Assert.Contains(messages, m => m.Contains("\\u000D\\u000A2026-12-05 info: admin", StringComparison.Ordinal)); // logged, escaped
        Assert.DoesNotContain(messages, m => m.Contains('\n', StringComparison.Ordinal) && m.Contains("erased every customer", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains('\r', StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_callback_answers_an_unknown_tenant_exactly_as_a_bad_signature()
    {
        var tenant = TestTenant.Create("known" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)));
        await using var host = await LocalHostInstance.StartAsync(fixture.Azurite.ConnectionString(), [tenant]);
        var now = DateTimeOffset.UtcNow;
        var (url, body) = tenant.SignedPost(tenant.AddExternalContactXml("wangwu", "wmProbe", now), now);
        var badSignature = url.Replace("msg_signature=", "msg_signature=0", StringComparison.Ordinal);
        var unknownTenant = url.Replace(tenant.Name, "nosuchbank", StringComparison.Ordinal);

        var (knownStatus, knownBody) = await AnswerAsync(host.Client.PostAsync(badSignature, TestTenant.Xml(body)));
        var (unknownStatus, unknownBody) = await AnswerAsync(host.Client.PostAsync(unknownTenant, TestTenant.Xml(body)));
        Assert.Equal(HttpStatusCode.Unauthorized, knownStatus);
        Assert.Equal(knownStatus, unknownStatus);
        Assert.Equal(knownBody, unknownBody);

        // The same for URL verification, and for a body that is not even an envelope.
        var verify = $"/api/wecom/{tenant.Name}/callback?msg_signature=0&timestamp={now.ToUnixTimeSeconds()}&nonce=1&echostr=AAAA";
        Assert.Equal(await AnswerAsync(host.Client.GetAsync(verify)), await AnswerAsync(host.Client.GetAsync(verify.Replace(tenant.Name, "nosuchbank", StringComparison.Ordinal))));
        Assert.Equal(await AnswerAsync(host.Client.PostAsync(badSignature, TestTenant.Xml("<xml/>"))),
            await AnswerAsync(host.Client.PostAsync(unknownTenant, TestTenant.Xml("<xml/>"))));
    }

    // Status and body, without the per-request trace id.
    private static async Task<(HttpStatusCode, string)> AnswerAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        json.Remove("traceId");
        return (response.StatusCode, json.ToJsonString());
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception));
        }
    }
}
