using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PrivateDomain.Operators;

namespace PrivateDomain.Functions.Operators;

/// <summary>
/// The operators' console at <c>/api/console/</c>: the same embedded files the local host serves at <c>/console/</c>
/// (<see cref="OperatorConsole"/>), signing in with Entra (MSAL) as <c>Console:Entra:*</c> configures it. Anonymous:
/// the files are public; every API call the console makes carries the user's token.
/// </summary>
public sealed class OperatorConsoleFunction(IConfiguration configuration, IOptions<OperatorAccessOptions> access)
{
    /// <summary>Serves the console's page, scripts and <c>config.json</c>.</summary>
    [Function("OperatorConsole")]
    public IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{*path}")] HttpRequest request, string? path)
    {
        ArgumentNullException.ThrowIfNull(request);
        return path == "config.json"
            ? OperatorConsole.Config(request.HttpContext, configuration, access, localTokens: false)
            : OperatorConsole.Serve(request.HttpContext, path);
    }
}
