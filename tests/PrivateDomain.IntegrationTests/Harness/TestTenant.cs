using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PrivateDomain.WeCom;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>A tenant with freshly generated WeCom callback settings.</summary>
public sealed record TestTenant(string Name, string CorpId, string Token, string EncodingAesKey)
{
    /// <summary>A new tenant with random secrets.</summary>
    public static TestTenant Create(string name = "banka")
    {
        // Base64 of 32 bytes is 43 characters and one '=': WeCom's EncodingAESKey is those 43 characters.
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=');
        return new TestTenant(name, "ww" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), "Tok" + RandomNumberGenerator.GetHexString(12), key);
    }

    /// <summary>The tenant's callback codec.</summary>
    public CallbackCrypto Crypto => new(EncodingAesKey, CorpId);

    /// <summary>An add_external_contact event as WeCom sends it.</summary>
    public string AddExternalContactXml(string userId, string externalUserId, DateTimeOffset createdAt, string? state = "branch-017", string? welcomeCode = "WELCOME-1") =>
        $"""
        <xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{createdAt.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[{userId}]]></UserID><ExternalUserID><![CDATA[{externalUserId}]]></ExternalUserID><State><![CDATA[{state}]]></State><WelcomeCode><![CDATA[{welcomeCode}]]></WelcomeCode></xml>
        """;

    /// <summary>Any customer-contact, chat or tag event as WeCom sends it; <paramref name="fields"/> is the inner XML after ChangeType.</summary>
    public string EventXml(string evt, string changeType, DateTimeOffset createdAt, string fields) =>
        $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>{createdAt.ToUnixTimeSeconds()}</CreateTime>" +
        $"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{evt}]]></Event><ChangeType><![CDATA[{changeType}]]></ChangeType>{fields}</xml>";

    /// <summary>A signed, encrypted POST for an event: the relative URL and the envelope body.</summary>
    public (string Url, string Body) SignedPost(string eventXml, DateTimeOffset timestamp, string? nonce = null)
    {
        var encrypt = Crypto.Encrypt(eventXml, RandomNumberGenerator.GetBytes(16));
        return SignedPostOf(encrypt, timestamp, nonce);
    }

    /// <summary>A signed POST for an already encrypted (or deliberately damaged) ciphertext.</summary>
    public (string Url, string Body) SignedPostOf(string encrypt, DateTimeOffset timestamp, string? nonce = null)
    {
        var ts = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        nonce ??= RandomNumberGenerator.GetHexString(10);
        var signature = CallbackSignature.Compute(Token, ts, nonce, encrypt);
        var url = $"/api/wecom/{Name}/callback?msg_signature={signature}&timestamp={ts}&nonce={nonce}";
        var body = $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>";
        return (url, body);
    }

    /// <summary>The UserID and ExternalUserID fields of a customer-contact event.</summary>
    public static string ContactFields(string userId, string externalUserId) =>
        $"<UserID><![CDATA[{userId}]]></UserID><ExternalUserID><![CDATA[{externalUserId}]]></ExternalUserID>";

    /// <summary>Posts an event to a host as WeCom would (signed now) and returns the status.</summary>
    public async Task<System.Net.HttpStatusCode> PostEventAsync(LocalHostInstance host, string eventXml)
    {
        ArgumentNullException.ThrowIfNull(host);
        var (url, body) = SignedPost(eventXml, DateTimeOffset.UtcNow);
        using var response = await host.Client.PostAsync(url, Xml(body));
        return response.StatusCode;
    }

    /// <summary>The request content WeCom sends.</summary>
    public static StringContent Xml(string body) => new(body, Encoding.UTF8, "text/xml");
}
