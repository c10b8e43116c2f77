using Microsoft.Extensions.Options;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Store;

namespace PointsEngine.Api.Workflows;

/// Brings the read models up to everything logged so far (scored, then projected), so a notice's
/// snapshot includes the corrections recorded just before it. Bounded by Api:WaitSeconds.
public sealed class ReadModelSync(ScoringHost scoring, ProjectionHost projections, IEventStore store, IOptions<ApiSettings> settings, TimeProvider clock)
{
    /// Null once caught up; a 503 problem (with Retry-After) if the read models are still behind at the deadline.
    public async Task<ApiProblem?> CatchUpAsync(HttpContext http, CancellationToken ct)
    {
        var deadline = clock.GetTimestamp() + (long)(settings.Value.WaitSeconds * clock.TimestampFrequency);
        TimeSpan Left() => TimeSpan.FromTicks(Math.Max(0, (deadline - clock.GetTimestamp()) * TimeSpan.TicksPerSecond / clock.TimestampFrequency));
        try
        {
            var head = await store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
            if (scoring.Running) await scoring.Engine.WaitUntilScoredAsync(head, ct).WaitAsync(Left(), ct).ConfigureAwait(false);
            if (projections.Running)
                await projections.Runner.WaitForAsync(await store.ReadHeadPositionAsync(ct).ConfigureAwait(false), ct).WaitAsync(Left(), ct).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            http.Response.Headers.RetryAfter = "5";
            return new ApiProblem(StatusCodes.Status503ServiceUnavailable, "read-models-behind",
                "积分排名尚未更新到最新记录，请稍后重试。", "The rankings have not caught up with the latest records yet; retry shortly.");
        }
    }
}
