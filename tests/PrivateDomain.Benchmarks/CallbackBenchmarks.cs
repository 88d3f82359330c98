using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using PrivateDomain.IntegrationTests.Harness;
using PrivateDomain.WeCom;

namespace PrivateDomain.Benchmarks;

/// <summary>Runs the BenchmarkDotNet benchmarks of this assembly.</summary>
public static class Bench
{
    /// <summary>
    /// The job: one launch, 5 warm-up and 15 measured iterations. BenchmarkDotNet's default job runs up to 100 iterations
    /// per benchmark, which takes several minutes here for little gain; this keeps the whole run to about two minutes.
    /// </summary>
    public static Job Job { get; } = Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(5)
        .WithIterationCount(15)
        .WithId("Callback");

    /// <summary>Runs the benchmarks selected by <paramref name="args"/> (all of them when there are none).</summary>
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(RepoRoot.Combine(".artifacts", "benchmarks"));
        // BenchmarkSwitcher asks interactively which benchmarks to run when given no filter; ./pd bench means "all".
        var effective = args.Length == 0 ? ["--filter", "*"] : args;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Bench).Assembly).Run(effective, config).ToList();
        return summaries.Count > 0 && summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;
    }
}

/// <summary>
/// The CPU work of one WeCom callback before storage is touched, for a realistic add_external_contact event
/// (a few hundred bytes, as WeCom sends it): the whole pipeline and each step.
/// </summary>
public class CallbackBenchmarks
{
    private CallbackCrypto _crypto = null!;
    private string _token = "";
    private string _timestamp = "";
    private string _nonce = "";
    private string _signature = "";
    private string _envelope = "";
    private string _encrypt = "";
    private string _plaintext = "";

    /// <summary>Builds one signed, encrypted callback exactly as the load run and the integration tests send it.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var tenant = TestTenant.Create("bench");
        var now = DateTimeOffset.UtcNow;
        var xml = tenant.AddExternalContactXml("ZhangSan", "wmqPmCAAAAr6PqVXZEdHwMiyCYHCBkCw", now,
            state: "branch-017", welcomeCode: "CALLBACK_CODE_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var (url, body) = tenant.SignedPost(xml, now);
        var query = System.Web.HttpUtility.ParseQueryString(url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        _token = tenant.Token;
        _crypto = tenant.Crypto;
        _signature = query["msg_signature"]!;
        _timestamp = query["timestamp"]!;
        _nonce = query["nonce"]!;
        _envelope = body;
        _encrypt = CallbackXml.ReadEncrypt(body);
        _plaintext = _crypto.Decrypt(_encrypt);
        if (VerifyDecryptParse() is not ExternalContactAdded)
        {
            throw new InvalidOperationException("The benchmark callback did not parse as add_external_contact.");
        }
    }

    /// <summary>Everything CallbackIntake does on the CPU before storage: envelope, signature, AES, event XML.</summary>
    [Benchmark(Baseline = true, Description = "read envelope + verify + decrypt + parse")]
    public WeComEvent VerifyDecryptParse()
    {
        var encrypt = CallbackXml.ReadEncrypt(_envelope);
        if (!CallbackSignature.Verify(_token, _timestamp, _nonce, encrypt, _signature))
        {
            throw new InvalidOperationException("signature");
        }

        return CallbackXml.ParseEvent(_crypto.Decrypt(encrypt));
    }

    /// <summary>CallbackXml.ReadEncrypt on the POSTed envelope.</summary>
    [Benchmark(Description = "CallbackXml.ReadEncrypt")]
    public string ReadEncrypt() => CallbackXml.ReadEncrypt(_envelope);

    /// <summary>CallbackSignature.Verify (sort, SHA-1, hex, constant-time compare).</summary>
    [Benchmark(Description = "CallbackSignature.Verify")]
    public bool Verify() => CallbackSignature.Verify(_token, _timestamp, _nonce, _encrypt, _signature);

    /// <summary>CallbackCrypto.Decrypt (base64, AES-256-CBC, framing checks, UTF-8).</summary>
    [Benchmark(Description = "CallbackCrypto.Decrypt")]
    public string Decrypt() => _crypto.Decrypt(_encrypt);

    /// <summary>CallbackXml.ParseEvent on the decrypted add_external_contact event.</summary>
    [Benchmark(Description = "CallbackXml.ParseEvent")]
    public WeComEvent ParseEvent() => CallbackXml.ParseEvent(_plaintext);

    /// <summary>The deduplication key the intake computes next (SHA-256 of the plaintext, lowercase hex).</summary>
    [Benchmark(Description = "event key (SHA-256 hex)")]
    public string EventKey() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_plaintext)));
}
