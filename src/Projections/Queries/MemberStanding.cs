using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

/// 我的积分: a member's year as of a date — the total, by category and by month, the places in branch
/// and party group, and the points over the year as a series a chart can draw.
public sealed record MemberStanding(
    MemberId Member,
    string? Name,
    int Year,
    DateOnly AsOf,
    BranchId? Branch,
    PartyGroupId? Group,
    MemberStatus? Status,
    MemberCategory? Category,
    decimal Total,
    IReadOnlyList<CategoryTotal> ByCategory,
    IReadOnlyList<decimal> ByMonth,
    Placing? InBranch,
    Placing? InGroup,
    IReadOnlyList<SeriesPoint> Series);

public sealed record CategoryTotal(string Category, string Name, decimal Points);

public sealed record Placing(int Rank, int Of);

/// Points earned on a date and the running total after it.
public sealed record SeriesPoint(DateOnly Date, decimal Points, decimal Cumulative);
