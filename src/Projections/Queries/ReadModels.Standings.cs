using PointsEngine.Domain.Values;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    /// The member's standing in <paramref name="year"/>, counting what had happened by <paramref name="asOf"/>
    /// (the whole year when omitted): standing as of any past date. Null for a member the log does not know.
    public Task<MemberStanding?> StandingAsync(MemberId member, int year, DateOnly? asOf = null, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var yearStart = new DateOnly(year, 1, 1);
            var until = Min(asOf ?? new DateOnly(year, 12, 31), new DateOnly(year, 12, 31));
            if (until < yearStart) until = yearStart.AddDays(-1);
            var lines = await r.QueryAsync("""
                SELECT category, occurred_on, granted FROM {s}award_lines WHERE member = @m AND year = @y AND occurred_on <= @until
                """, x => (Category: x.GetString(0), Date: Sql.Date(x, 1), Cents: Sql.Long(x, 2)), ct,
                ("@m", member.Value), ("@y", year), ("@until", Sql.Date(until))).ConfigureAwait(false);
            var where = await PlaceAsync(r, member, yearStart, until, ct).ConfigureAwait(false);
            if (lines.Count == 0 && where is null && !await KnownAsync(r, member, ct).ConfigureAwait(false)) return null;

            var names = CategoryNames(await RuleBookAsync(r, ct).ConfigureAwait(false));
            var byCategory = lines.GroupBy(l => l.Category, StringComparer.Ordinal)
                .Select(g => new CategoryTotal(g.Key, names.GetValueOrDefault(g.Key, g.Key), Sql.Points(g.Sum(l => l.Cents))))
                .OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
            var byMonth = Enumerable.Range(1, 12).Select(m => Sql.Points(lines.Where(l => l.Date.Month == m).Sum(l => l.Cents))).ToList();
            var series = new List<SeriesPoint>();
            long running = 0;
            foreach (var day in lines.GroupBy(l => l.Date).OrderBy(g => g.Key))
            {
                var cents = day.Sum(l => l.Cents);
                running += cents;
                series.Add(new SeriesPoint(day.Key, Sql.Points(cents), Sql.Points(running)));
            }

            Placing? inBranch = null, inGroup = null;
            if (where is { } w && until >= yearStart)
            {
                inBranch = await PlacingAsync(r, new RankingQuery(RankingScope.Branch, w.Branch, yearStart, until), member, ct).ConfigureAwait(false);
                if (w.Group is not null)
                    inGroup = await PlacingAsync(r, new RankingQuery(RankingScope.PartyGroup, w.Group, yearStart, until), member, ct).ConfigureAwait(false);
            }
            return new MemberStanding(member, await NameAsync(r, member, ct).ConfigureAwait(false), year, until,
                where is { } p ? new BranchId(p.Branch) : null, where?.Group is { } g ? new PartyGroupId(g) : null, where?.Status, where?.Category,
                Sql.Points(lines.Sum(l => l.Cents)), byCategory, byMonth, inBranch, inGroup, series);
        }, ct);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private sealed record Place(string Branch, string? Group, MemberStatus Status, MemberCategory Category);

    /// Where the member stood last between the dates (their latest membership period overlapping them).
    private static async Task<Place?> PlaceAsync(Reader r, MemberId member, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var periods = await r.QueryAsync("""
            SELECT branch, grp, status, category FROM {s}member_periods
            WHERE member = @m AND valid_from <= @to AND valid_to >= @from ORDER BY valid_from DESC
            """, x => new Place(x.GetString(0), Sql.Text(x, 1), Enum.Parse<MemberStatus>(x.GetString(2)), Enum.Parse<MemberCategory>(x.GetString(3))),
            ct, ("@m", member.Value), ("@from", Sql.Date(from)), ("@to", Sql.Date(to))).ConfigureAwait(false);
        return periods.FirstOrDefault();
    }

    private static async Task<Placing?> PlacingAsync(Reader r, RankingQuery query, MemberId member, CancellationToken ct)
    {
        var all = await RankAllAsync(r, query, ct).ConfigureAwait(false);
        var row = all.Find(x => x.Member == member);
        return row is null ? null : new Placing(row.Rank, all.Count);
    }

    private static async Task<string?> NameAsync(Reader r, MemberId member, CancellationToken ct) =>
        (await r.QueryAsync("SELECT name FROM {s}members WHERE member = @m", x => x.GetString(0), ct, ("@m", member.Value)).ConfigureAwait(false))
        .FirstOrDefault();

    private static async Task<bool> KnownAsync(Reader r, MemberId member, CancellationToken ct) =>
        (await r.QueryAsync("SELECT 1 FROM {s}member_changes WHERE member = @m LIMIT 1", x => 1, ct, ("@m", member.Value)).ConfigureAwait(false)).Count > 0
        || (await r.QueryAsync("SELECT 1 FROM {s}award_lines WHERE member = @m LIMIT 1", x => 1, ct, ("@m", member.Value)).ConfigureAwait(false)).Count > 0;
}
