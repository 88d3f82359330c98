using PrivateDomain.Local;
using PrivateDomain.Local.Journeys;

// `simulate …` runs the journey simulator and exits (./pd simulate); anything else runs the local host.
if (args.Length > 0 && args[0] == "simulate")
{
    return SimulateCommand.Run(args[1..], Console.Out, Console.Error);
}

await LocalHost.Build(args).RunAsync();
return 0;
