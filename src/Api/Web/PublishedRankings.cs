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
    public Task<NoticeView?> PublishedAsync(BranchId branch, Period period, CancellationToken ct) =>
        reads.NoticeAsync(branch, LabelOf(period), ct);

    /// The notice's period label: 2025, 2025-Q2 or 2025-06 (the labels the notice endpoints take).
    public static string LabelOf(Period period) => period.Kind switch
    {
        PeriodKind.Month => $"{period.Year}-{period.Index:00}",
        PeriodKind.Quarter => $"{period.Year}-Q{period.Index}",
        _ => $"{period.Year}",
    };
}
