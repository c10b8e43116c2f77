using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Hosting;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

public static class HealthEndpoints
{
    /// Scoring: this process scores the log. Projecting: this process runs the projection runner — on
    /// PostgreSQL exactly one process at a time does (the one holding the projection lock).
    public sealed record HealthReport(string Status, long HeadPosition, bool Scoring, bool Projecting);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health");
        // Reads the log's head, so "ok" means the store answers, not only that the process is up.
        group.MapGet("", async Task<Ok<HealthReport>> (IEventStore store, ScoringHost scoring, ProjectionHost projections, CancellationToken ct) =>
            TypedResults.Ok(new HealthReport("ok", (await store.ReadHeadPositionAsync(ct)).Value, scoring.Running, projections.Running)));
        return group;
    }
}
