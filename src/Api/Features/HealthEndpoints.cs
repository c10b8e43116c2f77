using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Hosting;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

public static class HealthEndpoints
{
    /// Scoring: scoring runs (this node hosts its share of the members). Dispatching: this process reads the log
    /// for scoring; Projecting: it runs the projection runner — on PostgreSQL exactly one process at a time does
    /// each (the one holding that job's lock). Decisions: member decisions taken on this node since it started
    /// (across the nodes of a cluster they add up to the work, #17).
    public sealed record HealthReport(string Status, long HeadPosition, bool Scoring, bool Projecting, bool Dispatching, long Decisions);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health");
        // Reads the log's head, so "ok" means the store answers, not only that the process is up.
        group.MapGet("", async Task<Ok<HealthReport>> (IEventStore store, ScoringHost scoring, ProjectionHost projections, CancellationToken ct) =>
            TypedResults.Ok(new HealthReport("ok", (await store.ReadHeadPositionAsync(ct)).Value, scoring.Running, projections.Running,
                scoring.Dispatching, scoring.Engine.Decisions)));
        return group;
    }
}
