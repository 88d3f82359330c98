using PrivateDomain.Local;
using PrivateDomain.Local.Customers;
using PrivateDomain.Local.Journeys;
using PrivateDomain.Local.Operators;

// `simulate …` runs the journey simulator and exits (./pd simulate); anything else runs the local host.
if (args.Length > 0 && args[0] == "simulate")
{
    return SimulateCommand.Run(args[1..], Console.Out, Console.Error);
}

// `token --role …` prints a local operator token (Development only) and exits (./pd token).
if (args.Length > 0 && args[0] == "token")
{
    var builder = WebApplication.CreateBuilder(args[1..]);
    return TokenCommand.Run(args[1..], builder.Configuration, builder.Environment, TimeProvider.System, Console.Out, Console.Error);
}

// `import …`, `erase …` and `crm-enqueue …` are operations commands against the configured storage (see README); they exit when done.
if (args.Length > 0 && args[0] is "import" or "erase" or "crm-enqueue")
{
    await using var host = LocalHost.Build(["--Local:QueueWorkers=false"]);
    return args[0] switch
    {
        "import" => await CustomerCommands.ImportAsync(host.Services, args[1..], Console.Out, Console.Error),
        "crm-enqueue" => await CustomerCommands.EnqueueCrmAsync(host.Services, args[1..], Console.Out, Console.Error),
        _ => await CustomerCommands.EraseAsync(host.Services, args[1..], Console.Out, Console.Error),
    };
}

await LocalHost.Build(args).RunAsync();
return 0;
