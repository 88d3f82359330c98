using PrivateDomain.Storage;

namespace PrivateDomain.Local.Health;

/// <summary><c>GET /healthz</c>: 200 when every Storage service answers, 503 otherwise, with the details.</summary>
public static class HealthApi
{
    /// <summary>A health report.</summary>
    public sealed record HealthReport(string Status, IReadOnlyList<StorageServiceHealth> Storage);

    /// <summary>Maps /healthz.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (StorageHealth health, CancellationToken ct) =>
        {
            var storage = await health.CheckAsync(ct).ConfigureAwait(false);
            var healthy = storage.All(s => s.Reachable);
            return Results.Json(new HealthReport(healthy ? "Healthy" : "Unhealthy", storage),
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
