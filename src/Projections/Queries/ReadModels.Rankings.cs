using PointsEngine.Domain.Values;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    public Task<Ranking> RankingAsync(RankingQuery query, CancellationToken ct = default)
    {
        if (query.To < query.From) throw new ArgumentException("The ranking's end date is before its start.", nameof(query));
        if (query.Page < 1 || query.PageSize is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(query), "Page ≥ 1 and 1 ≤ page size ≤ 10000.");
        return ReadAsync(r => RankAsync(r, query, ct), ct);
    }

    private static async Task<Ranking> RankAsync(Reader r, RankingQuery query, CancellationToken ct)
    {
        var all = await RankAllAsync(r, query, ct).ConfigureAwait(false);
        var page = all.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToList();
        return new Ranking(query, all.Count, page);
    }

    private static (string Join, string Where, (string, object?)[] Parameters) ScopeFilter(RankingQuery q) => q.Scope switch
    {
        RankingScope.Organisation => ("", "", []),
        RankingScope.Zone => (" JOIN {s}branches b ON b.branch = p.branch", " AND b.zone = @scope", [("@scope", q.ScopeId)]),
        RankingScope.Branch => ("", " AND p.branch = @scope", [("@scope", q.ScopeId)]),
        _ => ("", " AND p.grp = @scope", [("@scope", q.ScopeId)]),
    };

    /// Everyone in scope, ranked. Points count where the member stood on each line's date, so after a
    /// transfer earlier points stay with the old branch and later ones go to the new.
    private static async Task<List<RankingRow>> RankAllAsync(Reader r, RankingQuery q, CancellationToken ct)
    {
        var (join, where, scope) = ScopeFilter(q);
        (string, object?)[] parameters = [("@from", Sql.Date(q.From)), ("@to", Sql.Date(q.To)), .. scope];

        var periods = await r.QueryAsync($"""
            SELECT p.member, p.valid_from, p.branch, p.grp, p.status, p.category, m.name
            FROM {"{s}"}member_periods p{join} LEFT JOIN {"{s}"}members m ON m.member = p.member
            WHERE p.valid_from <= @to AND p.valid_to >= @from{where}
            """, x => (Member: x.GetString(0), From: Sql.Date(x, 1), Branch: x.GetString(2), Group: Sql.Text(x, 3),
                Status: Enum.Parse<MemberStatus>(x.GetString(4)), Category: Enum.Parse<MemberCategory>(x.GetString(5)), Name: Sql.Text(x, 6)),
            ct, parameters).ConfigureAwait(false);
        var sums = await r.QueryAsync($"""
            SELECT l.member, SUM(l.granted)
            FROM {"{s}"}award_lines l
            JOIN {"{s}"}member_periods p ON p.member = l.member AND l.occurred_on >= p.valid_from AND l.occurred_on <= p.valid_to{join}
            WHERE l.occurred_on >= @from AND l.occurred_on <= @to{where}
            GROUP BY l.member
            """, x => (Member: x.GetString(0), Cents: Sql.Long(x, 1)), ct, parameters).ConfigureAwait(false);
        var points = sums.ToDictionary(s => s.Member, s => s.Cents, StringComparer.Ordinal);

        var rows = periods
            .GroupBy(p => p.Member, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.From))
            .Where(p => (q.Status is null || p.Status == q.Status) && (q.Category is null || p.Category == q.Category))
            .Select(p => (p, Cents: points.GetValueOrDefault(p.Member)))
            .OrderByDescending(x => x.Cents)
            .ThenBy(x => x.p.Member, StringComparer.Ordinal)
            .ToList();
        var ranked = new List<RankingRow>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (p, cents) = rows[i];
            var rank = i > 0 && rows[i - 1].Cents == cents ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new RankingRow(rank, new MemberId(p.Member), p.Name, new BranchId(p.Branch), p.Group is null ? null : new PartyGroupId(p.Group),
                p.Status, p.Category, Sql.Points(cents)));
        }
        return ranked;
    }
}
