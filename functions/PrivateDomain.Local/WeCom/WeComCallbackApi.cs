using Microsoft.AspNetCore.Mvc;
using PrivateDomain.WeCom;

namespace PrivateDomain.Local.WeCom;

/// <summary>The WeCom callback routes: <c>GET|POST /api/wecom/{tenant}/callback</c>, as in the Functions app.</summary>
public static class WeComCallbackApi
{
    /// <summary>Maps the callback routes. They are anonymous: WeCom authenticates with msg_signature.</summary>
    public static IEndpointRouteBuilder MapWeComCallbackApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wecom/{tenant}/callback");
        group.MapGet("", Verify);
        group.MapPost("", ReceiveAsync).DisableAntiforgery();
        return app;
    }

    private static IResult Verify(HttpRequest request, string tenant, CallbackIntake intake, ILogger<CallbackIntake> logger) =>
        CallbackHttp.Verify(request, tenant, intake, logger);

    private static Task<IResult> ReceiveAsync(
        HttpRequest request, string tenant, [FromServices] CallbackIntake intake, ILogger<CallbackIntake> logger, CancellationToken cancellationToken) =>
        CallbackHttp.ReceiveAsync(request, tenant, intake, logger, cancellationToken);
}
