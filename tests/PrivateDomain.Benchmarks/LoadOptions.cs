using System.Globalization;

namespace PrivateDomain.Benchmarks;

/// <summary>Options of the load run, parsed from <c>--name value</c> or <c>--name=value</c>.</summary>
public sealed record LoadOptions
{
    /// <summary>Distinct callbacks sent in the measured phase.</summary>
    public int Callbacks { get; init; } = 10_000;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Fraction of the distinct callbacks sent a second time, re-encrypted and re-signed like a WeCom retry.</summary>
    public double Retries { get; init; } = 0.1;

    /// <summary>Distinct callbacks sent (to a separate tenant) before measuring, to warm up JIT, pools and Azurite.</summary>
    public int Warmup { get; init; } = 500;

    /// <summary>Print one JSON object on stdout (progress goes to stderr).</summary>
    public bool Json { get; init; }

    /// <summary>The whole run (warm-up and measured phase) stops sending after this long.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The client gives up on one request after this long (WeCom itself waits 5 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The host's default log level (the integration harness uses Warning; appsettings.json says Information).</summary>
    public string LogLevel { get; init; } = "Warning";

    /// <summary>Seed for choosing which callbacks are retried and when.</summary>
    public int Seed { get; init; } = 20260101;

    /// <summary>The p99 target, in milliseconds, that the summary reports against.</summary>
    public double TargetP99Ms { get; init; } = 50;

    /// <summary>The option list for --help.</summary>
    public const string Help = """
        ./pd load [options]
          --callbacks N        distinct add_external_contact callbacks in the measured phase (default 10000)
          --concurrency N      requests in flight at once (default 64)
          --retries F          fraction of callbacks re-sent re-encrypted, like WeCom retries (default 0.1)
          --warmup N           distinct callbacks sent first to another tenant, not measured (default 500)
          --max-seconds S      stop sending after S seconds in total (default 300)
          --timeout-seconds S  client timeout per request (default 10)
          --log-level L        the host's Logging:LogLevel:Default (default Warning; production config is Information)
          --seed N             seed for the choice and placement of retries (default 20260101)
          --target-p99-ms M    p99 target the summary reports against (default 50)
          --json               print the result as one JSON object on stdout
        Exits 0 when every callback was acknowledged and stored and enqueued exactly once, 1 when any was lost,
        duplicated, unacknowledged or not sent, 2 for bad options, 130 when interrupted.
        """;

    /// <summary>Parses the options; throws <see cref="FormatException"/> with a readable message on bad input.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name, value = "";
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            name = eq > 0 ? arg[..eq] : arg;
            var hasInlineValue = eq > 0;
            if (hasInlineValue)
            {
                value = arg[(eq + 1)..];
            }

            string Value()
            {
                if (hasInlineValue)
                {
                    return value;
                }

                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value.");
                }

                return args[++i];
            }

            o = name switch
            {
                "--callbacks" => o with { Callbacks = Int(name, Value(), 1, 10_000_000) },
                "--concurrency" => o with { Concurrency = Int(name, Value(), 1, 10_000) },
                "--retries" => o with { Retries = Double(name, Value(), 0, 1) },
                "--warmup" => o with { Warmup = Int(name, Value(), 0, 1_000_000) },
                "--max-seconds" => o with { MaxDuration = TimeSpan.FromSeconds(Double(name, Value(), 1, 540)) },
                "--timeout-seconds" => o with { RequestTimeout = TimeSpan.FromSeconds(Double(name, Value(), 0.1, 120)) },
                "--log-level" => o with { LogLevel = Value() },
                "--seed" => o with { Seed = Int(name, Value(), int.MinValue, int.MaxValue) },
                "--target-p99-ms" => o with { TargetP99Ms = Double(name, Value(), 0, 1e6) },
                "--json" when !hasInlineValue => o with { Json = true },
                _ => throw new FormatException($"Unknown option '{arg}'."),
            };
        }

        return o;
    }

    private static int Int(string name, string s, int min, int max) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new FormatException($"{name} must be a whole number from {min} to {max}; got '{s}'.");

    private static double Double(string name, string s, double min, double max) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new FormatException($"{name} must be a number from {min} to {max}; got '{s}'.");
}
