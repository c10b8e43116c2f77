using PointsEngine.Domain.Values;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Standings;

/// Running totals kept beside the award lines so that rankings read one row per member instead of summing
/// every line of the year: per member, per calendar period (year, quarter, month: Period.Key) and per
/// scope the line counted in on its date — the organisation (any membership period), the branch and the
/// party group of the membership period holding the date — plus the member's whole year ("all", the
/// ledger total whatever the membership, which year-end appraisals use). Membership spans (runs of
/// back-to-back periods) are kept as counts of starts and ends per day, so the number of members in the
/// organisation over any dates is a prefix sum, not a scan.
public sealed partial class StandingsProjection
{
    public const string OrganisationScope = "o";
    public const string WholeYearScope = "all";
    public static string BranchScope(string branch) => "b:" + branch;
    public static string GroupScope(string group) => "g:" + group;

    private static readonly string[] PointsSchema =
    [
        """
        CREATE TABLE {p}member_points (
            member TEXT NOT NULL, slot INTEGER NOT NULL, scope TEXT NOT NULL,
            cents BIGINT NOT NULL, -- never 0: a total back at 0 is deleted
            PRIMARY KEY (member, slot, scope))
        """,
        // Ties in member id order by bytes ({ordinal}: PostgreSQL's default collation follows the locale), so the
        // organisation's top pages are read straight off the index.
        "CREATE INDEX {p}member_points_rank ON {p}member_points (slot, scope, cents DESC, member COLLATE {ordinal})",
        "CREATE TABLE {p}span_edges (edge TEXT NOT NULL, day TEXT NOT NULL, members BIGINT NOT NULL, PRIMARY KEY (edge, day))",
        "CREATE TABLE {p}member_gaps (member TEXT NOT NULL, after_day TEXT NOT NULL, before_day TEXT NOT NULL, PRIMARY KEY (member, after_day))",
        "CREATE TABLE {p}member_branches (branch TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (branch, member))",
    ];

    /// The calendar periods a date counts in, as stored slots.
    public static (int Year, int Quarter, int Month) SlotsOf(DateOnly date) =>
        (Period.YearOf(date.Year).Key, Period.Containing(date, PeriodKind.Quarter).Key, Period.Containing(date, PeriodKind.Month).Key);

    private const string LineOf = "SELECT occurred_on, granted FROM {p}award_lines WHERE member = @m AND year = @y AND award_id = @a";

    private static async Task<(DateOnly Date, long Cents)?> LineAsync(ProjectionWriter w, string member, int year, string awardId, CancellationToken ct)
    {
        var rows = await w.QueryAsync(LineOf, r => (Sql.Date(r, 0), Sql.Long(r, 1)), ct, ("@m", member), ("@y", year), ("@a", awardId))
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// A line's points moved by <paramref name="cents"/> on a date: the member's totals of that date's year,
    /// quarter and month, in the scopes of the membership period holding the date.
    private static async Task AddPointsAsync(ProjectionWriter w, string member, DateOnly date, long cents, CancellationToken ct)
    {
        if (cents == 0) return;
        var period = await w.QueryAsync("""
            SELECT branch, grp FROM {p}member_periods WHERE member = @m AND valid_from <= @d AND valid_to >= @d
            """, r => (Branch: r.GetString(0), Group: Sql.Text(r, 1)), ct, ("@m", member), ("@d", Sql.Date(date))).ConfigureAwait(false);
        var (year, quarter, month) = SlotsOf(date);
        if (period.Count == 0)
        {
            await w.WriteAsync(AddPoints(1), ct, ("@m", member), ("@c", cents), ("@s0", year), ("@x0", WholeYearScope)).ConfigureAwait(false);
            await DropZeroTotalsAsync(w, member, ct).ConfigureAwait(false);
            return;
        }
        var (branch, group) = period[0];
        List<(string, object?)> parameters = [("@m", member), ("@c", cents)];
        string?[] named = [OrganisationScope, BranchScope(branch), group is null ? null : GroupScope(group)];
        var i = 0;
        parameters.Add(($"@s{i}", year));
        parameters.Add(($"@x{i++}", WholeYearScope));
        foreach (var scope in named)
        {
            if (scope is null) continue;
            foreach (var slot in (int[])[year, quarter, month])
            {
                parameters.Add(($"@s{i}", slot));
                parameters.Add(($"@x{i++}", scope));
            }
        }
        await w.WriteAsync(AddPoints(i), ct, [.. parameters]).ConfigureAwait(false);
        await DropZeroTotalsAsync(w, member, ct).ConfigureAwait(false);
    }

    /// A total that came back to 0 is removed: no row means 0 to every query, and a row of 0 would depend on
    /// the order in which lines came and went, which the totals derived at the end of a rebuild cannot know.
    /// (The member's other totals are never 0, so only the ones just moved can be.)
    private static Task DropZeroTotalsAsync(ProjectionWriter w, string member, CancellationToken ct) =>
        w.WriteAsync("DELETE FROM {p}member_points WHERE member = @m AND cents = 0", ct, ("@m", member));

    // One statement per line change, whatever the number of totals it moves (1, 7 or 10).
    private static readonly Dictionary<int, string> AddPointsSql = [];

    private static string AddPoints(int rows)
    {
        lock (AddPointsSql)
        {
            if (AddPointsSql.TryGetValue(rows, out var sql)) return sql;
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@m, @s{i}, @x{i}, @c)"));
            return AddPointsSql[rows] = $"""
                INSERT INTO {"{p}"}member_points (member, slot, scope, cents) VALUES {values}
                ON CONFLICT (member, slot, scope) DO UPDATE SET cents = {"{p}"}member_points.cents + excluded.cents
                """;
        }
    }

    /// The end of a rebuild's fill, which wrote only the award history: each line is the last award of its
    /// (member, year, award id) not reverted after it, with the version, points and cap note of the last
    /// correction after it if any (as the upsert, the UPDATE and the DELETE of the events one by one leave it);
    /// then the running totals are the sums of the lines where the member stood on each line's date, zero
    /// totals left out (as DropZeroTotalsAsync and RecountPointsAsync leave them).
    public async Task CompleteFillAsync(ProjectionWriter w, CancellationToken ct)
    {
        await w.WriteAsync("""
            INSERT INTO {p}award_lines (member, year, award_id, fact_id, rule, version, category, occurred_on, requested, granted, cap_note)
            SELECT b.member, b.year, b.award_id, b.fact_id, b.rule, l.version, b.category, b.occurred_on, l.requested, l.granted, l.cap_note
            FROM (SELECT MAX(CASE WHEN change <> 'corrected' THEN position END) AS base, MAX(position) AS last
                  FROM {p}award_history GROUP BY member, year, award_id) k
            JOIN {p}award_history b ON b.position = k.base AND b.change = 'awarded'
            JOIN {p}award_history l ON l.position = k.last
            ORDER BY b.member, b.year, b.award_id
            """, ct).ConfigureAwait(false);
        // Each line counts in its year for the member's whole year; inside a membership period also in its
        // year, quarter and month for the organisation, the period's branch and its party group (if any). The
        // lines are summed per member, period and month first, so the nine totals are spread from those sums.
        await w.WriteAsync($"""
            INSERT INTO {"{p}"}member_points (member, slot, scope, cents)
            SELECT member, slot, scope, SUM(cents) FROM (
                SELECT member, year * 1000 + 1 AS slot, '{WholeYearScope}' AS scope, SUM(granted) AS cents
                FROM {"{p}"}award_lines GROUP BY member, year
                UNION ALL
                SELECT m.member,
                       CASE s.column2 WHEN 0 THEN m.year * 1000 + 1
                                      WHEN 1 THEN m.year * 1000 + 100 + (m.month - 1) / 3 + 1
                                      ELSE m.year * 1000 + 200 + m.month END,
                       CASE s.column1 WHEN 0 THEN '{OrganisationScope}' WHEN 1 THEN '{BranchScope("")}' || m.branch
                                      ELSE '{GroupScope("")}' || m.grp END,
                       m.cents
                FROM (SELECT l.member, p.branch, p.grp, l.year, CAST(substr(l.occurred_on, 6, 2) AS INTEGER) AS month, SUM(l.granted) AS cents
                      FROM {"{p}"}award_lines l
                      JOIN {"{p}"}member_periods p ON p.member = l.member AND l.occurred_on >= p.valid_from AND l.occurred_on <= p.valid_to
                      GROUP BY l.member, p.valid_from, p.branch, p.grp, l.year, CAST(substr(l.occurred_on, 6, 2) AS INTEGER)) m
                CROSS JOIN (VALUES (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)) s
                WHERE s.column1 < 2 OR m.grp IS NOT NULL
            ) t
            GROUP BY member, slot, scope
            HAVING SUM(cents) <> 0
            ORDER BY member, slot, scope
            """, ct).ConfigureAwait(false);
    }

    /// After the member's periods changed: every total that depends on membership is counted again from
    /// the member's current lines (the whole-year totals do not depend on it and stay).
    private static async Task RecountPointsAsync(ProjectionWriter w, string member, CancellationToken ct)
    {
        await w.WriteAsync("DELETE FROM {p}member_points WHERE member = @m AND scope <> @all", ct, ("@m", member), ("@all", WholeYearScope))
            .ConfigureAwait(false);
        var sums = await w.QueryAsync("""
            SELECT l.occurred_on, p.branch, p.grp, SUM(l.granted)
            FROM {p}award_lines l JOIN {p}member_periods p ON p.member = l.member AND l.occurred_on >= p.valid_from AND l.occurred_on <= p.valid_to
            WHERE l.member = @m
            GROUP BY l.occurred_on, p.branch, p.grp
            """, r => (Date: Sql.Date(r, 0), Branch: r.GetString(1), Group: Sql.Text(r, 2), Cents: Sql.Long(r, 3)), ct, ("@m", member))
            .ConfigureAwait(false);
        var totals = new Dictionary<(int Slot, string Scope), long>();
        foreach (var (date, branch, group, cents) in sums)
        {
            var (year, quarter, month) = SlotsOf(date);
            foreach (var scope in (string?[])[OrganisationScope, BranchScope(branch), group is null ? null : GroupScope(group)])
            {
                if (scope is null) continue;
                foreach (var slot in (int[])[year, quarter, month])
                    totals[(slot, scope)] = totals.GetValueOrDefault((slot, scope)) + cents;
            }
        }
        foreach (var ((slot, scope), cents) in totals.Where(t => t.Value != 0).OrderBy(t => t.Key.Slot).ThenBy(t => t.Key.Scope, StringComparer.Ordinal))
            await w.WriteAsync(AddPoints(1), ct, ("@m", member), ("@c", cents), ("@s0", slot), ("@x0", scope)).ConfigureAwait(false);
    }

    /// Runs of back-to-back periods: the member belongs to the organisation without a break within each.
    internal static List<(DateOnly From, DateOnly To)> SpansOf(IEnumerable<(DateOnly From, DateOnly To)> periods)
    {
        var spans = new List<(DateOnly From, DateOnly To)>();
        foreach (var (from, to) in periods.OrderBy(p => p.From))
        {
            if (spans.Count > 0 && spans[^1].To != DateOnly.MaxValue && spans[^1].To.AddDays(1) == from) spans[^1] = (spans[^1].From, to);
            else spans.Add((from, to));
        }
        return spans;
    }

    /// The member's spans moved from <paramref name="before"/> to <paramref name="after"/>: the day counts
    /// of starts and ends change by the difference, and the member's gaps are written again.
    private static async Task MoveSpansAsync(ProjectionWriter w, string member, List<(DateOnly From, DateOnly To)> before,
        List<(DateOnly From, DateOnly To)> after, CancellationToken ct)
    {
        if (before.SequenceEqual(after)) return;
        var delta = new Dictionary<(string Edge, string Day), long>();
        foreach (var (spans, sign) in new[] { (before, -1L), (after, 1L) })
            foreach (var (from, to) in spans)
            {
                delta[("s", Sql.Date(from))] = delta.GetValueOrDefault(("s", Sql.Date(from))) + sign;
                delta[("e", Sql.Date(to))] = delta.GetValueOrDefault(("e", Sql.Date(to))) + sign;
            }
        foreach (var ((edge, day), n) in delta.Where(d => d.Value != 0).OrderBy(d => d.Key.Edge, StringComparer.Ordinal).ThenBy(d => d.Key.Day, StringComparer.Ordinal))
            await w.WriteAsync("""
                INSERT INTO {p}span_edges (edge, day, members) VALUES (@e, @d, @n)
                ON CONFLICT (edge, day) DO UPDATE SET members = {p}span_edges.members + excluded.members
                """, ct, ("@e", edge), ("@d", day), ("@n", n)).ConfigureAwait(false);

        if (before.Count > 1) await w.WriteAsync("DELETE FROM {p}member_gaps WHERE member = @m", ct, ("@m", member)).ConfigureAwait(false);
        for (var i = 1; i < after.Count; i++)
            await w.WriteAsync("INSERT INTO {p}member_gaps (member, after_day, before_day) VALUES (@m, @a, @b)", ct,
                ("@m", member), ("@a", Sql.Date(after[i - 1].To)), ("@b", Sql.Date(after[i].From))).ConfigureAwait(false);
    }
}
