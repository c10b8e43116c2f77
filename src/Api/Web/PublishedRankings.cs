using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Web;

/// The ranking a branch has published (公示) for a period, which is what its members see: the notice's
/// snapshot (the final one once the result is final), not the live ranking, so a member reads exactly
/// what was published and objected to.
public interface IPublishedRankings
{
    Task<NoticeView?> PublishedAsync(BranchId branch, Period period, CancellationToken ct);
}

public sealed class NoticeRankings(ReadModels reads) : IPublishedRankings
{
    // A period prints as the label the notice endpoints take (2025, 2025-Q2, 2025-06).
    public Task<NoticeView?> PublishedAsync(BranchId branch, Period period, CancellationToken ct) =>
        reads.NoticeAsync(branch, period.ToString(), ct);
}
