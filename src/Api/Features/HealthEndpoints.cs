using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

public static class HealthEndpoints
{
    public sealed record HealthReport(string Status, long HeadPosition);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health");
        // Reads the log's head, so "ok" means the store answers, not only that the process is up.
        group.MapGet("", async Task<Ok<HealthReport>> (IEventStore store, CancellationToken ct) =>
            TypedResults.Ok(new HealthReport("ok", (await store.ReadHeadPositionAsync(ct)).Value)));
        return group;
    }
}
