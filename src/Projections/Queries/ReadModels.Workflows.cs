using System.Data.Common;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Activity;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

/// Member claims and public notices (issue #5), from the activity projection's workflow tables.
public sealed partial class ReadModels
{
    private const string ClaimColumns = """
        c.claim_id, c.member, c.branch, c.kind, c.occurred_on, c.title, c.description, c.hours, c.submitted_by, c.submitted_at, c.status,
        c.decision_id, c.decided_on, c.decided_by, c.reason, c.scored_fact
        """;

    public Task<ClaimView?> ClaimAsync(FactId claim, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var rows = await r.QueryAsync($"SELECT {ClaimColumns} FROM {{a}}claims c WHERE c.claim_id = @c", ClaimRow, ct, ("@c", claim.Value))
                .ConfigureAwait(false);
            return rows.Count == 0 ? null : (await WithAttachmentsAsync(r, rows, ct).ConfigureAwait(false))[0];
        }, ct);

    /// Claims by the filter, newest first (at most <paramref name="limit"/>).
    public Task<IReadOnlyList<ClaimView>> ClaimsAsync(ClaimFilter filter, int limit = 500, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var where = new List<string>();
            var parameters = new List<(string, object?)>();
            if (filter.Member is { } member) { where.Add("c.member = @m"); parameters.Add(("@m", member.Value)); }
            if (filter.Status is { } status) { where.Add("c.status = @s"); parameters.Add(("@s", status)); }
            if (filter.Branches is { } branches)
            {
                if (branches.Count == 0) return (IReadOnlyList<ClaimView>)[];
                var names = branches.Select((b, i) => (Name: $"@b{i}", b.Value)).ToList();
                where.Add($"c.branch IN ({string.Join(", ", names.Select(n => n.Name))})");
                parameters.AddRange(names.Select(n => (n.Name, (object?)n.Value)));
            }
            var rows = await r.QueryAsync($"""
                SELECT {ClaimColumns} FROM {"{a}"}claims c{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))}
                ORDER BY c.position DESC LIMIT {limit}
                """, ClaimRow, ct, [.. parameters]).ConfigureAwait(false);
            return (IReadOnlyList<ClaimView>)await WithAttachmentsAsync(r, rows, ct).ConfigureAwait(false);
        }, ct);

    private static ClaimView ClaimRow(DbDataReader x) => new(
        new FactId(x.GetString(0)), new MemberId(x.GetString(1)), new BranchId(x.GetString(2)), x.GetString(3), Sql.Date(x, 4), x.GetString(5),
        x.GetString(6), x.IsDBNull(7) ? null : Sql.Points(Sql.Long(x, 7)), [], x.GetString(8), Timestamps.FromUnixMicroseconds(Sql.Long(x, 9)),
        x.GetString(10), Sql.Text(x, 11) is { } d ? new FactId(d) : null, x.IsDBNull(12) ? null : Sql.Date(x, 12), Sql.Text(x, 13), Sql.Text(x, 14),
        Sql.Text(x, 15) is { } f ? new FactId(f) : null);

    private static async Task<List<ClaimView>> WithAttachmentsAsync(Reader r, List<ClaimView> claims, CancellationToken ct)
    {
        var result = new List<ClaimView>(claims.Count);
        foreach (var c in claims)
        {
            var attachments = await r.QueryAsync(
                "SELECT name, media_type, size, sha256 FROM {a}claim_attachments WHERE claim_id = @c ORDER BY ordinal",
                x => new ClaimAttachmentView(x.GetString(0), x.GetString(1), Sql.Long(x, 2), x.GetString(3)), ct, ("@c", c.Claim.Value)).ConfigureAwait(false);
            result.Add(c with { Attachments = attachments });
        }
        return result;
    }

    public Task<NoticeView?> NoticeAsync(BranchId branch, string period, CancellationToken ct = default) =>
        ReadAsync(async r => (await NoticesWhereAsync(r, "n.branch = @b AND n.period = @per", ct, ("@b", branch.Value), ("@per", period))
            .ConfigureAwait(false)).FirstOrDefault(), ct);

    /// The branch's notices, newest first.
    public Task<IReadOnlyList<NoticeView>> NoticesAsync(BranchId branch, CancellationToken ct = default) =>
        ReadAsync(async r => (IReadOnlyList<NoticeView>)await NoticesWhereAsync(r, "n.branch = @b", ct, ("@b", branch.Value)).ConfigureAwait(false), ct);

    private static async Task<IReadOnlyList<NoticeView>> NoticesOfYearAsync(Reader r, BranchId branch, int year, CancellationToken ct) =>
        [.. (await NoticesWhereAsync(r, "n.branch = @b AND substr(n.period, 1, 4) = @y", ct, ("@b", branch.Value), ("@y", $"{year:0000}"))
            .ConfigureAwait(false)).OrderBy(n => n.PublishedOn)];

    private static async Task<List<NoticeView>> NoticesWhereAsync(Reader r, string where, CancellationToken ct, params (string, object?)[] parameters)
    {
        var notices = await r.QueryAsync($"""
            SELECT n.branch, n.period, n.notice_id, n.period_from, n.period_to, n.published_on, n.closes_on, n.published_by, n.final_id, n.final_on, n.final_by
            FROM {"{a}"}notices n WHERE {where} ORDER BY n.position DESC
            """, x => new NoticeView(new BranchId(x.GetString(0)), x.GetString(1), new FactId(x.GetString(2)), Sql.Date(x, 3), Sql.Date(x, 4),
                Sql.Date(x, 5), Sql.Date(x, 6), x.GetString(7), Sql.Text(x, 8) is { } f ? new FactId(f) : null, x.IsDBNull(9) ? null : Sql.Date(x, 9),
                Sql.Text(x, 10), [], [], []), ct, parameters).ConfigureAwait(false);
        var result = new List<NoticeView>(notices.Count);
        foreach (var n in notices)
        {
            (string, object?)[] key = [("@b", n.Branch.Value), ("@per", n.Period)];
            var lines = await r.QueryAsync("""
                SELECT stage, rank, member, name, total, grade, grade_name FROM {a}notice_lines WHERE branch = @b AND period = @per ORDER BY rank, member
                """, x => (Stage: x.GetString(0), Line: new NoticeLineView((int)Sql.Long(x, 1), new MemberId(x.GetString(2)), Sql.Text(x, 3),
                    Sql.Points(Sql.Long(x, 4)), Sql.Text(x, 5), Sql.Text(x, 6))), ct, key).ConfigureAwait(false);
            var objections = await r.QueryAsync("""
                SELECT objection_id, member, raised_on, reason, raised_by, answer_id, outcome, answered_on, answer, correction, answered_by
                FROM {a}objections WHERE branch = @b AND period = @per ORDER BY position
                """, x => new ObjectionView(new FactId(x.GetString(0)), new MemberId(x.GetString(1)), Sql.Date(x, 2), x.GetString(3), x.GetString(4),
                    Sql.Text(x, 5) is { } a ? new FactId(a) : null, Sql.Text(x, 6), x.IsDBNull(7) ? null : Sql.Date(x, 7), Sql.Text(x, 8),
                    Sql.Text(x, 9) is { } c ? new FactId(c) : null, Sql.Text(x, 10)), ct, key).ConfigureAwait(false);
            result.Add(n with
            {
                Lines = [.. lines.Where(l => l.Stage == ActivityProjection.PublishedStage).Select(l => l.Line)],
                FinalLines = [.. lines.Where(l => l.Stage == ActivityProjection.FinalStage).Select(l => l.Line)],
                Objections = objections,
            });
        }
        return result;
    }

    /// The member's claims of the year (by the date claimed), the notices of the year's periods that listed
    /// them (with their place) and their objections, each with who recorded it and when.
    private static async Task<IReadOnlyList<WorkflowStep>> WorkflowStepsAsync(Reader r, MemberId member, int year, CancellationToken ct)
    {
        (string, object?)[] parameters = [("@m", member.Value), ("@from", Sql.Date(new DateOnly(year, 1, 1))), ("@to", Sql.Date(YearEnd(year))),
            ("@y", $"{year:0000}")];
        var places = (await r.QueryAsync($"""
            SELECT CASE WHEN l.stage = '{ActivityProjection.PublishedStage}' THEN n.notice_id ELSE n.final_id END, l.rank, l.total, l.grade_name
            FROM {"{a}"}notice_lines l JOIN {"{a}"}notices n ON n.branch = l.branch AND n.period = l.period
            WHERE l.member = @m AND substr(l.period, 1, 4) = @y
            """, x => (Fact: Sql.Text(x, 0), Rank: Sql.Long(x, 1), Total: Sql.Points(Sql.Long(x, 2)), Grade: Sql.Text(x, 3)), ct, parameters)
            .ConfigureAwait(false))
            .Where(p => p.Fact is not null)
            .ToDictionary(p => p.Fact!, p => $"第 {p.Rank} 名，{p.Total} 分{(p.Grade is { } g ? $"，{g}" : "")}", StringComparer.Ordinal);

        var steps = await r.QueryAsync("""
            SELECT f.occurred_on, f.kind, f.fact_id, f.summary, f.recorded_by, f.recorded_at FROM {a}facts f
            WHERE f.fact_id IN (
                SELECT claim_id FROM {a}claims WHERE member = @m AND occurred_on >= @from AND occurred_on <= @to
                UNION SELECT decision_id FROM {a}claims WHERE member = @m AND occurred_on >= @from AND occurred_on <= @to AND decision_id IS NOT NULL
                UNION SELECT objection_id FROM {a}objections WHERE member = @m AND substr(period, 1, 4) = @y
                UNION SELECT answer_id FROM {a}objections WHERE member = @m AND substr(period, 1, 4) = @y AND answer_id IS NOT NULL
                UNION SELECT n.notice_id FROM {a}notices n JOIN {a}notice_lines l ON l.branch = n.branch AND l.period = n.period
                    WHERE l.member = @m AND substr(n.period, 1, 4) = @y
                UNION SELECT n.final_id FROM {a}notices n JOIN {a}notice_lines l ON l.branch = n.branch AND l.period = n.period
                    WHERE l.member = @m AND substr(n.period, 1, 4) = @y AND n.final_id IS NOT NULL)
            ORDER BY f.occurred_on, f.position
            """, x => new WorkflowStep(Sql.Date(x, 0), x.GetString(1), new FactId(x.GetString(2)), x.GetString(3), null, x.GetString(4),
                Timestamps.FromUnixMicroseconds(Sql.Long(x, 5))), ct, parameters).ConfigureAwait(false);
        return [.. steps.Select(s => places.TryGetValue(s.FactId.Value, out var place) ? s with { Detail = place } : s)];
    }
}
