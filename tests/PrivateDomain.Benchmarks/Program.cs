using PrivateDomain.Benchmarks;

// ./pd bench [BenchmarkDotNet args]  → BenchmarkDotNet (all benchmarks when no args are given)
// ./pd load  [--callbacks N] [--concurrency N] [--retries F] [--warmup N] [--json] ...  → loopback load run
// ./pd bench-import [--customers N] [--chunk N] [--json]  → bulk import vs raw batch inserts on Azurite
// ./pd bench-dispatch [--senders S] [--customers C] [--names distinct|same] [--json]  → SendTouch into the WeCom sandbox
// ./pd bench-welcome [--callbacks N] [--concurrency N] [--json]  → welcome-message latency under a burst of add callbacks
// ./pd bench-payroll [--customers N] [--parallelism N] [--json]  → a payroll campaign cohort through the runner into the sandbox
return args.FirstOrDefault() switch
{
    "bench" => Bench.Run(args[1..]),
    "load" => await LoadRun.MainAsync(args[1..]),
    "import" => await ImportRun.MainAsync(args[1..]),
    "dispatch" => await DispatchRun.MainAsync(args[1..]),
    "welcome" => await WelcomeBurstRun.MainAsync(args[1..]),
    "payroll" => await PayrollRun.MainAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: PrivateDomain.Benchmarks bench [BenchmarkDotNet options, e.g. --filter '*Decrypt*']");
    Console.Error.WriteLine("       PrivateDomain.Benchmarks load [options]   (load --help lists them)");
    Console.Error.WriteLine("       PrivateDomain.Benchmarks import [--customers N] [--chunk N] [--json]");
    Console.Error.WriteLine("       PrivateDomain.Benchmarks dispatch [--senders S] [--customers C] [--names distinct|same] [--json]");
    Console.Error.WriteLine("       PrivateDomain.Benchmarks welcome [--callbacks N] [--concurrency N] [--json]");
    Console.Error.WriteLine("       PrivateDomain.Benchmarks payroll [--customers N] [--parallelism N] [--json]");
    return 2;
}
