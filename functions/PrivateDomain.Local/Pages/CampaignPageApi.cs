using PrivateDomain.Pages;

namespace PrivateDomain.Local.Pages;

/// <summary>
/// The campaign pages on the local host: <c>GET /p/{token}</c> (the page, through WeCom's web authorisation) and
/// <c>POST /p/{token}/claim|quiz|intent</c>. The behaviour is <see cref="CampaignPageHttp"/>, shared with the Functions app.
/// </summary>
public static class CampaignPageApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapCampaignPageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/p/{token}", (HttpContext http, string token, CampaignPageHttp pages, CancellationToken ct) => pages.PageAsync(http, token, ct));
        app.MapPost("/p/{token}/claim", (HttpContext http, string token, CampaignPageHttp pages, CancellationToken ct) => pages.ClaimAsync(http, token, ct)).DisableAntiforgery();
        app.MapPost("/p/{token}/quiz", (HttpContext http, string token, CampaignPageHttp pages, CancellationToken ct) => pages.QuizAsync(http, token, ct)).DisableAntiforgery();
        app.MapPost("/p/{token}/intent", (HttpContext http, string token, CampaignPageHttp pages, CancellationToken ct) => pages.IntentAsync(http, token, ct)).DisableAntiforgery();
        return app;
    }
}
