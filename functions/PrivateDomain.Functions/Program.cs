using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Identity.Web;
using PrivateDomain;
using PrivateDomain.Customers;
using PrivateDomain.Journeys;
using PrivateDomain.Journeys.Storage;
using PrivateDomain.Operators;

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

// Operator API: Entra ID bearer tokens through Microsoft.Identity.Web, authenticated inside each function
// (OperatorAccess.AuthenticateAsync; the middleware and [Authorize] do not reach functions). Off without AzureAd:ClientId.
builder.Services.AddOptions<OperatorAccessOptions>().Bind(builder.Configuration.GetSection(OperatorAccessOptions.Section));
builder.Services.AddSingleton<OperatorAccess>();
if (!string.IsNullOrWhiteSpace(builder.Configuration["AzureAd:ClientId"]))
{
    builder.Services.AddAuthentication(OperatorAccess.BearerScheme)
        .AddMicrosoftIdentityWebApi(builder.Configuration.GetSection("AzureAd"));
}

// Tracked links and the unsubscribe page need Links:SigningKey; without it they answer 404.
if (builder.Configuration["Links:SigningKey"] is { Length: > 0 } linksKey)
{
    builder.Services.AddSingleton(new TrackedLinkSigner(linksKey));
}

await builder.Build().RunAsync();
