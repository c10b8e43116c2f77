using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Web;

/// Whether a branch has published (公示) its ranking for a period, which is when members may see it.
/// The one place the 公示 workflow connects to the ranking page: register its implementation in DI.
public interface IPublishedRankings
{
    ValueTask<bool> IsPublishedAsync(BranchId branch, Period period, CancellationToken ct);
}

/// Until the public-notice workflow is connected, no branch has published a ranking.
public sealed class NoPublishedRankings : IPublishedRankings
{
    public ValueTask<bool> IsPublishedAsync(BranchId branch, Period period, CancellationToken ct) => ValueTask.FromResult(false);
}
