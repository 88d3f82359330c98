using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PrivateDomain;
using PrivateDomain.Customers;
using PrivateDomain.Journeys.Storage;

// Isolated worker with ASP.NET Core integration: HTTP functions take HttpRequest and return IResult, like the local host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
builder.Services.AddPrivateDomain(builder.Configuration);
// Signals go to the inbox table and then to the journey-signals queue, whose trigger nudges Durable journeys.
builder.Services.AddSingleton<TableSignalInbox>();
builder.Services.AddSingleton<ISignalInbox, QueuedSignalInbox>();

await builder.Build().RunAsync();
