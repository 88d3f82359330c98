using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateDomain.IntegrationTests.Harness;

/// <summary>
/// WeCom's own callback crypto (npm <c>@wecom/crypto</c>) in one long-lived node process, spoken to line by line.
/// Used as the oracle our implementation must agree with.
/// </summary>
public sealed class WeComCryptoPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private WeComCryptoPeer(Process process) => _process = process;

    /// <summary>Starts the peer.</summary>
    public static WeComCryptoPeer Start()
    {
        RepoRoot.NodeModule("@wecom/crypto/package.json");
        var psi = new ProcessStartInfo("node", RepoRoot.Combine("tests", "peers", "wecom-crypto-peer.js"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot.Path,
            StandardOutputEncoding = new System.Text.UTF8Encoding(false),
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        return new WeComCryptoPeer(Process.Start(psi) ?? throw new InvalidOperationException("Could not start node."));
    }

    /// <summary>WeCom's encrypt with the given 16 random bytes.</summary>
    public async Task<string> EncryptAsync(string key, string message, string id, byte[] random) =>
        (await CallAsync(new JsonObject { ["op"] = "encrypt", ["key"] = key, ["message"] = message, ["id"] = id, ["random"] = Convert.ToBase64String(random) }))["cipher"]!.GetValue<string>();

    /// <summary>WeCom's decrypt: the message and the receiveid.</summary>
    public async Task<(string Message, string Id)> DecryptAsync(string key, string cipher)
    {
        var r = await CallAsync(new JsonObject { ["op"] = "decrypt", ["key"] = key, ["cipher"] = cipher });
        return (r["message"]!.GetValue<string>(), r["id"]!.GetValue<string>());
    }

    /// <summary>WeCom's getSignature.</summary>
    public async Task<string> SignAsync(string token, string timestamp, string nonce, string encrypt) =>
        (await CallAsync(new JsonObject { ["op"] = "sign", ["token"] = token, ["timestamp"] = timestamp, ["nonce"] = nonce, ["encrypt"] = encrypt }))["signature"]!.GetValue<string>();

    private async Task<JsonNode> CallAsync(JsonObject request)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(request.ToJsonString());
            await _process.StandardInput.FlushAsync();
            var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                       ?? throw new InvalidOperationException("The @wecom/crypto peer exited.");
            var reply = JsonNode.Parse(line) ?? throw new JsonException("empty reply");
            return reply["ok"]!.GetValue<bool>() ? reply : throw new InvalidOperationException("@wecom/crypto: " + reply["error"]);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _gate.Dispose();
    }
}
