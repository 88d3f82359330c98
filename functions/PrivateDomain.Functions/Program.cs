using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivateDomain.Functions;

// Isolated worker with ASP.NET Core integration: HTTP functions take HttpRequest and return IResult, like the local host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
builder.Services.AddFunctionsApp(builder.Configuration);

var app = builder.Build();
var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PrivateDomain.Startup");
foreach (var missing in FunctionsAppServices.MissingFeatureSettings(builder.Configuration))
{
    startup.LogWarning("Setting {Setting} is not configured", missing);
}

await app.RunAsync();
