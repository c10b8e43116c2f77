using PointsEngine.Domain.Values;
using PointsEngine.Projections.Standings;
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

    /// The ranking summed from every award line of the dates, as before the running totals: the oracle the
    /// tests hold the running totals and the organisation's top pages to.
    internal Task<Ranking> RankingFromLinesAsync(RankingQuery query, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var all = await RankAllFromLinesAsync(r, query, ct).ConfigureAwait(false);
            return new Ranking(query, all.Count, [.. all.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)]);
        }, ct);

    private static async Task<Ranking> RankAsync(Reader r, RankingQuery query, CancellationToken ct)
    {
        if (await TopOfOrganisationAsync(r, query, ct).ConfigureAwait(false) is { } top) return top;
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
    /// transfer earlier points stay with the old branch and later ones go to the new. With running totals for the
    /// dates, two range reads: the scope's membership periods with the names kept beside them (a covering index
    /// for a branch or party group) and the scope's totals (the ranking index).
    private static Task<List<RankingRow>> RankAllAsync(Reader r, RankingQuery q, CancellationToken ct) =>
        SlotOf(q) is { } slot
            ? RankAllAsync(r, q, PeriodsWithStoredNames, () => SumsFromTotalsAsync(r, q, slot, ct), ct)
            : RankAllFromLinesAsync(r, q, ct);

    /// The oracle: every award line of the dates summed where the member stood on its date, and the names
    /// read from the members table.
    internal static Task<List<RankingRow>> RankAllFromLinesAsync(Reader r, RankingQuery q, CancellationToken ct)
    {
        var (join, where, scope) = ScopeFilter(q);
        (string, object?)[] parameters = [("@from", Sql.Date(q.From)), ("@to", Sql.Date(q.To)), .. scope];
        return RankAllAsync(r, q, PeriodsWithMemberNames, () => r.QueryAsync($"""
            SELECT l.member, SUM(l.granted)
            FROM {"{s}"}award_lines l
            JOIN {"{s}"}member_periods p ON p.member = l.member AND l.occurred_on >= p.valid_from AND l.occurred_on <= p.valid_to{join}
            WHERE l.occurred_on >= @from AND l.occurred_on <= @to{where}
            GROUP BY l.member
            """, x => (Member: x.GetString(0), Cents: Sql.Long(x, 1)), ct, parameters), ct);
    }

    // The periods in scope overlapping the dates, with the member's name: kept on the period, or joined from members.
    private static readonly (string Name, string From) PeriodsWithStoredNames = ("p.name", "{s}member_periods p");
    private static readonly (string Name, string From) PeriodsWithMemberNames = ("m.name", "{s}member_periods p LEFT JOIN {s}members m ON m.member = p.member");

    private readonly record struct PeriodRow(string Member, DateOnly From, string Branch, string? Group, MemberStatus Status, MemberCategory Category,
        string? Name);

    /// Everyone in scope, ranked, with each member's points in scope from <paramref name="sumsQuery"/>; their
    /// details are those of their latest period in scope within the dates.
    private static async Task<List<RankingRow>> RankAllAsync(Reader r, RankingQuery q, (string Name, string From) periodsOf,
        Func<Task<List<(string Member, long Cents)>>> sumsQuery, CancellationToken ct)
    {
        var (join, where, scope) = ScopeFilter(q);
        (string, object?)[] parameters = [("@from", Sql.Date(q.From)), ("@to", Sql.Date(q.To)), PackedRow.Parameter, .. scope];

        // One packed column per period: the scope's hundreds of rows are read with a seventh of the column reads.
        var periods = await r.QueryAsync($"""
            SELECT {PackedRow.Sql(["p.member", "p.valid_from", "p.branch", "COALESCE(p.grp, '')", "p.status", "p.category"], periodsOf.Name)}
            FROM {periodsOf.From}{join}
            WHERE p.valid_from <= @to AND p.valid_to >= @from{where}
            """, x =>
            {
                var v = new PackedRow(x.GetString(0));
                return new PeriodRow(v.NextString(), v.NextDate(), v.NextString(), v.NextStringOrNull(), v.NextEnum<MemberStatus>(),
                    v.NextEnum<MemberCategory>(), v.Rest());
            }, ct, parameters).ConfigureAwait(false);
        var sums = await sumsQuery().ConfigureAwait(false);
        var points = new Dictionary<string, long>(sums.Count, StringComparer.Ordinal);
        foreach (var (member, cents) in sums) points[member] = cents;

        // Each member's latest period (by index into periods), then those the filters keep in ranking order.
        var latest = new Dictionary<string, int>(periods.Count, StringComparer.Ordinal);
        for (var i = 0; i < periods.Count; i++)
            if (!latest.TryGetValue(periods[i].Member, out var known) || periods[i].From > periods[known].From) latest[periods[i].Member] = i;
        var order = new List<(long Cents, string Member, int Period)>(latest.Count);
        foreach (var (member, i) in latest)
            if ((q.Status is null || periods[i].Status == q.Status) && (q.Category is null || periods[i].Category == q.Category))
                order.Add((points.GetValueOrDefault(member), member, i));
        order.Sort(static (a, b) => a.Cents != b.Cents ? b.Cents.CompareTo(a.Cents) : string.CompareOrdinal(a.Member, b.Member));

        var ranked = new List<RankingRow>(order.Count);
        for (var i = 0; i < order.Count; i++)
        {
            var (cents, _, at) = order[i];
            var p = periods[at];
            var rank = i > 0 && order[i - 1].Cents == cents ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new RankingRow(rank, new MemberId(p.Member), p.Name, new BranchId(p.Branch), p.Group is null ? null : new PartyGroupId(p.Group),
                p.Status, p.Category, Sql.Points(cents)));
        }
        return ranked;
    }

    /// The stored slot (Period.Key) when the dates are exactly one calendar year, quarter or month.
    private static int? SlotOf(RankingQuery q)
    {
        if (q.From.Year != q.To.Year) return null;
        foreach (var kind in (PeriodKind[])[PeriodKind.Year, PeriodKind.Quarter, PeriodKind.Month])
        {
            var period = Period.Containing(q.From, kind);
            if (period.Start == q.From && period.End == q.To) return period.Key;
        }
        return null;
    }

    /// Each member's points in scope for a calendar period, from the standings projection's running totals
    /// (the same sums as the lines give: the totals are kept per scope of the period holding each line's date).
    private static Task<List<(string Member, long Cents)>> SumsFromTotalsAsync(Reader r, RankingQuery q, int slot, CancellationToken ct)
    {
        // Packed (member, points) in one column, as the periods are.
        var (select, scope) = q.Scope switch
        {
            RankingScope.Zone => ("""
                SELECT t.member || @sep || SUM(t.cents) FROM {s}branches b
                JOIN {s}member_points t ON t.slot = @slot AND t.scope = @prefix || b.branch
                WHERE b.zone = @scope
                GROUP BY t.member
                """, q.ScopeId),
            _ => ("SELECT member || @sep || cents FROM {s}member_points WHERE slot = @slot AND scope = @scope", q.Scope switch
            {
                RankingScope.Organisation => StandingsProjection.OrganisationScope,
                RankingScope.Branch => StandingsProjection.BranchScope(q.ScopeId ?? ""),
                _ => StandingsProjection.GroupScope(q.ScopeId ?? ""),
            }),
        };
        (string, object?)[] parameters = q.Scope == RankingScope.Zone
            ? [("@slot", slot), ("@scope", scope), ("@prefix", StandingsProjection.BranchScope("")), PackedRow.Parameter]
            : [("@slot", slot), ("@scope", scope), PackedRow.Parameter];
        return r.QueryAsync(select, x =>
        {
            var v = new PackedRow(x.GetString(0));
            return (Member: v.NextString(), Cents: v.NextLong());
        }, ct, parameters);
    }

    /// The organisation-wide page of a calendar period without filters, read in ranking order (points, then
    /// member id by bytes, as the full path sorts ordinally) from the running totals' index: only the page's
    /// rows are read, and the first row's place is one more than the members with strictly more points (one
    /// index range count). Null when the page reaches members without positive points (the full path ranks them).
    private static async Task<Ranking?> TopOfOrganisationAsync(Reader r, RankingQuery q, CancellationToken ct)
    {
        if (q.Scope != RankingScope.Organisation || q.Status is not null || q.Category is not null || SlotOf(q) is not { } slot) return null;
        var offset = (long)(q.Page - 1) * q.PageSize;
        var page = await r.QueryAsync("""
            SELECT member, cents FROM {s}member_points WHERE slot = @slot AND scope = @scope AND cents > 0
            ORDER BY cents DESC, member COLLATE {ordinal} LIMIT @n OFFSET @skip
            """, x => (Member: x.GetString(0), Cents: Sql.Long(x, 1)), ct,
            ("@slot", slot), ("@scope", StandingsProjection.OrganisationScope), ("@n", (long)q.PageSize), ("@skip", offset)).ConfigureAwait(false);
        var members = await OrganisationMembersAsync(r, q, ct).ConfigureAwait(false);
        if (page.Count < q.PageSize && offset + page.Count < members) return null;

        var places = await LatestPeriodsAsync(r, q, page.Select(p => p.Member), ct).ConfigureAwait(false);
        var rows = new List<RankingRow>(page.Count);
        for (var i = 0; i < page.Count; i++)
        {
            var (member, cents) = page[i];
            // Standard competition ranking: one more than the number of members with strictly more points. Within
            // the page a new points value starts at its own position; only the page's first row may be tied with
            // rows of earlier pages.
            var rank = i > 0
                ? page[i - 1].Cents == cents ? rows[i - 1].Rank : (int)offset + i + 1
                : offset == 0 ? 1 : 1 + await MembersAboveAsync(r, slot, cents, ct).ConfigureAwait(false);
            if (!places.TryGetValue(member, out var p)) return null; // not expected: a line counts only inside a period
            rows.Add(new RankingRow(rank, new MemberId(member), p.Name, new BranchId(p.Branch), p.Group is null ? null : new PartyGroupId(p.Group),
                p.Status, p.Category, Sql.Points(cents)));
        }
        return new Ranking(q, members, rows);
    }

    private static async Task<int> MembersAboveAsync(Reader r, int slot, long cents, CancellationToken ct) =>
        (int)(await r.QueryAsync("SELECT COUNT(*) FROM {s}member_points WHERE slot = @slot AND scope = @scope AND cents > @c",
            x => Sql.Long(x, 0), ct, ("@slot", slot), ("@scope", StandingsProjection.OrganisationScope), ("@c", cents)).ConfigureAwait(false))[0];

    /// How many members were in the organisation on some day of the dates: spans that began by the end,
    /// minus those that ended before the start, minus the member's own gaps between two such spans.
    private static async Task<int> OrganisationMembersAsync(Reader r, RankingQuery q, CancellationToken ct) =>
        (int)(await r.QueryAsync("""
            SELECT (SELECT COALESCE(SUM(members), 0) FROM {s}span_edges WHERE edge = 's' AND day <= @to)
                 - (SELECT COALESCE(SUM(members), 0) FROM {s}span_edges WHERE edge = 'e' AND day < @from)
                 - (SELECT COUNT(*) FROM {s}member_gaps WHERE after_day >= @from AND before_day <= @to)
            """, x => Sql.Long(x, 0), ct, ("@from", Sql.Date(q.From)), ("@to", Sql.Date(q.To))).ConfigureAwait(false))[0];

    private sealed record LatestPeriod(string Branch, string? Group, MemberStatus Status, MemberCategory Category, string? Name);

    /// Where each member stood last within the dates (their latest membership period overlapping them).
    private static async Task<Dictionary<string, LatestPeriod>> LatestPeriodsAsync(Reader r, RankingQuery q, IEnumerable<string> members,
        CancellationToken ct)
    {
        var ids = members.ToList();
        var result = new Dictionary<string, LatestPeriod>(StringComparer.Ordinal);
        if (ids.Count == 0) return result;
        var names = string.Join(", ", ids.Select((_, i) => $"@m{i}"));
        var periods = await r.QueryAsync($"""
            SELECT p.member, p.valid_from, p.branch, p.grp, p.status, p.category, p.name FROM {"{s}"}member_periods p
            WHERE p.member IN ({names}) AND p.valid_from <= @to AND p.valid_to >= @from
            """, x => (Member: x.GetString(0), From: Sql.Date(x, 1), Period: new LatestPeriod(x.GetString(2), Sql.Text(x, 3),
                Enum.Parse<MemberStatus>(x.GetString(4)), Enum.Parse<MemberCategory>(x.GetString(5)), Sql.Text(x, 6))),
            ct, [("@from", Sql.Date(q.From)), ("@to", Sql.Date(q.To)), .. ids.Select((m, i) => ($"@m{i}", (object?)m))]).ConfigureAwait(false);
        foreach (var g in periods.GroupBy(p => p.Member, StringComparer.Ordinal)) result[g.Key] = g.MaxBy(p => p.From).Period;
        return result;
    }
}
