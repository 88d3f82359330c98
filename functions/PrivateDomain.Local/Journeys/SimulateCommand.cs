using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Simulation;

namespace PrivateDomain.Local.Journeys;

/// <summary>
/// <c>simulate</c>: runs the virtual-clock simulator over a journey in <c>content-templates/journeys</c> and prints a
/// table, or JSON with <c>--json</c>. Everything but the <c>performance</c> block is deterministic for a given seed.
/// </summary>
public static class SimulateCommand
{
    private const string Usage = """
        usage: simulate --journey ID [--version N] [--customers N] [--response silent|engaged|converts|deletes|mixed]
                        [--seed N] [--account-managers N | --customers-per-manager N] [--start-days N]
                        [--start yyyy-MM-dd] [--batch N] [--threads N] [--definitions DIR] [--json]
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Runs the command; returns the process exit code (2 for bad arguments or definitions).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var (journeyId, version, definitions, json, options) = Parse(args);
            var catalog = JourneyCatalog.Load(definitions ?? FindDefinitions());
            var definition = catalog.Get(journeyId, version);
            var simulator = new JourneySimulator(new JourneyEngine(TouchPolicy.Default));

            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var (gen0, gen2) = (GC.CollectionCount(0), GC.CollectionCount(2));
            var clock = Stopwatch.StartNew();
            var report = simulator.Run(definition, options);
            clock.Stop();

            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            report = report with
            {
                Performance = new SimulationPerformance(
                    Math.Round(seconds, 3),
                    Math.Round(options.Customers / seconds),
                    Math.Round(report.Decisions / seconds),
                    Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
                    Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0, 1),
                    Math.Round((GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0, 1),
                    GC.CollectionCount(0) - gen0,
                    GC.CollectionCount(2) - gen2,
                    options.Parallelism),
            };
            output.WriteLine(json ? JsonSerializer.Serialize(report, Json) : SimulationTable.Render(report));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or JourneyDefinitionException or KeyNotFoundException or FormatException or DirectoryNotFoundException)
        {
            error.WriteLine($"simulate: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }
    }

    private static (string Journey, int? Version, string? Definitions, bool Json, SimulationOptions Options) Parse(string[] args)
    {
        string? journey = null, definitions = null;
        int? version = null;
        var json = false;
        var options = new SimulationOptions { Parallelism = Environment.ProcessorCount };
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--journey": journey = Value(); break;
                case "--version": version = Int(); break;
                case "--customers": options = options with { Customers = Int() }; break;
                case "--response":
                    var text = Value();
                    options = options with
                    {
                        Response = Enum.TryParse<ResponseMix>(text, ignoreCase: true, out var mix) && !int.TryParse(text, CultureInfo.InvariantCulture, out _)
                            ? mix
                            : throw new ArgumentException($"--response {text}: use silent, engaged, converts, deletes or mixed."),
                    };
                    break;
                case "--seed": options = options with { Seed = ulong.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) }; break;
                case "--account-managers": options = options with { AccountManagers = Int() }; break;
                case "--customers-per-manager": options = options with { CustomersPerManager = Int() }; break;
                case "--start-days": options = options with { StartDays = Int() }; break;
                case "--start": options = options with { FirstStartDate = DateOnly.ParseExact(Value(), "yyyy-MM-dd", CultureInfo.InvariantCulture) }; break;
                case "--batch": options = options with { CohortBatchSize = Int() }; break;
                case "--threads": options = options with { Parallelism = Int() }; break;
                case "--definitions": definitions = Value(); break;
                case "--json": json = true; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }

        return (journey ?? throw new ArgumentException("--journey is required (e.g. aida-nurture)."), version, definitions, json, options.Validated());
    }

    /// <summary>content-templates/journeys of the repository containing the working directory or this program.</summary>
    private static string FindDefinitions()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PrivateDomain.sln")))
                {
                    return Path.Combine(dir.FullName, "content-templates", "journeys");
                }
            }
        }

        throw new DirectoryNotFoundException("Cannot find the repository (PrivateDomain.sln) above the working directory; pass --definitions DIR.");
    }
}
