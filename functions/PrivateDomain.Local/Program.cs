using PrivateDomain.Local;

await LocalHost.Build(args).RunAsync();
