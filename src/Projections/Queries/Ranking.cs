using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

public enum RankingScope { Organisation, Zone, Branch, PartyGroup }

/// Who is ranked (a party group, branch, network zone or the whole organisation), over which dates,
/// filtered by status and category, one page at a time.
public sealed record RankingQuery(RankingScope Scope, string? ScopeId, DateOnly From, DateOnly To)
{
    public MemberStatus? Status { get; init; }
    public MemberCategory? Category { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;

    public static RankingQuery For(RankingScope scope, string? id, Period period) => new(scope, id, period.Start, period.End);
}

/// Standard competition ranking: equal points share a rank and the next rank skips (1, 2, 2, 4).
public sealed record Ranking(RankingQuery Query, int Members, IReadOnlyList<RankingRow> Rows);

/// A member's place. Branch and party group are where the member stood last within the scope and dates;
/// status and category (which the filters use) are as of then too.
public sealed record RankingRow(
    int Rank, MemberId Member, string? Name, BranchId Branch, PartyGroupId? Group, MemberStatus Status, MemberCategory Category, decimal Points);
