using System.Globalization;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Activity;

/// The workflows as recorded (issue #5): member claims with their attachments and decisions, public
/// notices with the ranking they published, objections and answers. Rows only ever come from the log,
/// so a rebuild reaches the same rows.
public sealed partial class ActivityProjection
{
    private static readonly string[] WorkflowSchema =
    [
        """
        CREATE TABLE {p}claims (
            claim_id TEXT PRIMARY KEY, member TEXT NOT NULL, branch TEXT NOT NULL, kind TEXT NOT NULL, occurred_on TEXT NOT NULL,
            title TEXT NOT NULL, description TEXT NOT NULL, hours BIGINT, position BIGINT NOT NULL, submitted_by TEXT NOT NULL,
            submitted_at BIGINT NOT NULL, status TEXT NOT NULL, decision_id TEXT, decided_on TEXT, decided_by TEXT, decided_at BIGINT,
            reason TEXT, scored_fact TEXT)
        """,
        "CREATE INDEX {p}claims_branch ON {p}claims (branch, status)",
        "CREATE INDEX {p}claims_member ON {p}claims (member, occurred_on)",
        """
        CREATE TABLE {p}claim_attachments (
            claim_id TEXT NOT NULL, ordinal INTEGER NOT NULL, name TEXT NOT NULL, media_type TEXT NOT NULL, size BIGINT NOT NULL,
            sha256 TEXT NOT NULL, PRIMARY KEY (claim_id, ordinal))
        """,
        """
        CREATE TABLE {p}notices (
            branch TEXT NOT NULL, period TEXT NOT NULL, notice_id TEXT NOT NULL, period_from TEXT NOT NULL, period_to TEXT NOT NULL,
            published_on TEXT NOT NULL, closes_on TEXT NOT NULL, published_by TEXT NOT NULL, published_at BIGINT NOT NULL,
            position BIGINT NOT NULL, final_id TEXT, final_on TEXT, final_by TEXT, final_at BIGINT, PRIMARY KEY (branch, period))
        """,
        """
        CREATE TABLE {p}notice_lines (
            branch TEXT NOT NULL, period TEXT NOT NULL, stage TEXT NOT NULL, member TEXT NOT NULL, rank INTEGER NOT NULL, name TEXT,
            total BIGINT NOT NULL, grade TEXT, grade_name TEXT, PRIMARY KEY (branch, period, stage, member))
        """,
        "CREATE INDEX {p}notice_lines_member ON {p}notice_lines (member)",
        """
        CREATE TABLE {p}objections (
            objection_id TEXT PRIMARY KEY, branch TEXT NOT NULL, period TEXT NOT NULL, member TEXT NOT NULL, raised_on TEXT NOT NULL,
            reason TEXT NOT NULL, raised_by TEXT NOT NULL, raised_at BIGINT NOT NULL, position BIGINT NOT NULL, answer_id TEXT,
            outcome TEXT, answered_on TEXT, answer TEXT, correction TEXT, answered_by TEXT, answered_at BIGINT)
        """,
        "CREATE INDEX {p}objections_notice ON {p}objections (branch, period)",
        "CREATE INDEX {p}objections_member ON {p}objections (member)", // a member's evidence lists their objections
    ];

    public const string PublishedStage = "published";
    public const string FinalStage = "final";

    private static async Task ApplyWorkflowAsync(ProjectionWriter w, RecordedEvent e, IFact fact, CancellationToken ct)
    {
        var by = e.Metadata.RecordedBy;
        var at = Timestamps.ToUnixMicroseconds(e.RecordedAt);
        switch (fact)
        {
            case ClaimSubmitted c:
                await w.WriteAsync("""
                    INSERT INTO {p}claims (claim_id, member, branch, kind, occurred_on, title, description, hours, position, submitted_by, submitted_at, status)
                    VALUES (@c, @m, @b, @k, @d, @t, @desc, @h, @pos, @by, @at, 'pending')
                    ON CONFLICT (claim_id) DO NOTHING
                    """, ct, ("@c", c.FactId.Value), ("@m", c.Member.Value), ("@b", c.Branch.Value), ("@k", c.Kind.ToString()),
                    ("@d", Sql.Date(c.OccurredOn)), ("@t", c.Title), ("@desc", c.Description), ("@h", c.Hours is { } h ? Sql.Cents(h) : null),
                    ("@pos", e.Position.Value), ("@by", by), ("@at", at)).ConfigureAwait(false);
                for (var i = 0; i < c.Attachments.Count; i++)
                {
                    var a = c.Attachments[i];
                    await w.WriteAsync("""
                        INSERT INTO {p}claim_attachments (claim_id, ordinal, name, media_type, size, sha256) VALUES (@c, @i, @n, @t, @s, @h)
                        ON CONFLICT (claim_id, ordinal) DO NOTHING
                        """, ct, ("@c", c.FactId.Value), ("@i", i), ("@n", a.Name), ("@t", a.MediaType), ("@s", a.Size), ("@h", a.Sha256))
                        .ConfigureAwait(false);
                }
                break;
            case ClaimAccepted a:
                await DecideAsync(w, a.Claim, "accepted", a.FactId, a.OccurredOn, by, at, null, a.ScoredFact, ct).ConfigureAwait(false);
                break;
            case ClaimRejected r:
                await DecideAsync(w, r.Claim, "rejected", r.FactId, r.OccurredOn, by, at, r.Reason, null, ct).ConfigureAwait(false);
                break;
            case NoticePublished n:
                await w.WriteAsync("""
                    INSERT INTO {p}notices (branch, period, notice_id, period_from, period_to, published_on, closes_on, published_by, published_at, position)
                    VALUES (@b, @per, @n, @from, @to, @d, @close, @by, @at, @pos)
                    ON CONFLICT (branch, period) DO NOTHING
                    """, ct, ("@b", n.Branch.Value), ("@per", n.Period), ("@n", n.FactId.Value), ("@from", Sql.Date(n.From)), ("@to", Sql.Date(n.To)),
                    ("@d", Sql.Date(n.OccurredOn)), ("@close", Sql.Date(n.ObjectionsCloseOn)), ("@by", by), ("@at", at), ("@pos", e.Position.Value))
                    .ConfigureAwait(false);
                await LinesAsync(w, n.Branch.Value, n.Period, PublishedStage, n.Lines, ct).ConfigureAwait(false);
                break;
            case ObjectionRaised o:
                await w.WriteAsync("""
                    INSERT INTO {p}objections (objection_id, branch, period, member, raised_on, reason, raised_by, raised_at, position)
                    VALUES (@o, @b, @per, @m, @d, @r, @by, @at, @pos)
                    ON CONFLICT (objection_id) DO NOTHING
                    """, ct, ("@o", o.FactId.Value), ("@b", o.Branch.Value), ("@per", o.Period), ("@m", o.Member.Value), ("@d", Sql.Date(o.OccurredOn)),
                    ("@r", o.Reason), ("@by", by), ("@at", at), ("@pos", e.Position.Value)).ConfigureAwait(false);
                break;
            case ObjectionAnswered a:
                // The first answer stands, as the domain folds it (one answer per objection).
                await w.WriteAsync("""
                    UPDATE {p}objections SET answer_id = @a, outcome = @out, answered_on = @d, answer = @r, correction = @c, answered_by = @by, answered_at = @at
                    WHERE objection_id = @o AND answer_id IS NULL
                    """, ct, ("@a", a.FactId.Value), ("@out", a.Outcome.ToString()), ("@d", Sql.Date(a.OccurredOn)), ("@r", a.Reason),
                    ("@c", a.Correction?.Value), ("@by", by), ("@at", at), ("@o", a.Objection.Value)).ConfigureAwait(false);
                break;
            case NoticeFinalised f:
                var updated = await w.ExecuteAsync("""
                    UPDATE {p}notices SET final_id = @f, final_on = @d, final_by = @by, final_at = @at
                    WHERE branch = @b AND period = @per AND final_id IS NULL
                    """, ct, ("@f", f.FactId.Value), ("@d", Sql.Date(f.OccurredOn)), ("@by", by), ("@at", at), ("@b", f.Branch.Value), ("@per", f.Period))
                    .ConfigureAwait(false);
                if (updated > 0) await LinesAsync(w, f.Branch.Value, f.Period, FinalStage, f.Lines, ct).ConfigureAwait(false);
                break;
        }
    }

    private static Task DecideAsync(ProjectionWriter w, FactId claim, string status, FactId decision, DateOnly on, string by, long at,
        string? reason, FactId? scored, CancellationToken ct) =>
        // The first decision stands, as the domain folds it (a claim is decided once).
        w.WriteAsync("""
            UPDATE {p}claims SET status = @s, decision_id = @d, decided_on = @on, decided_by = @by, decided_at = @at, reason = @r, scored_fact = @f
            WHERE claim_id = @c AND decision_id IS NULL
            """, ct, ("@s", status), ("@d", decision.Value), ("@on", Sql.Date(on)), ("@by", by), ("@at", at), ("@r", reason),
            ("@f", scored?.Value), ("@c", claim.Value));

    private static async Task LinesAsync(ProjectionWriter w, string branch, string period, string stage, IReadOnlyList<NoticeLine> lines, CancellationToken ct)
    {
        foreach (var l in lines)
            await w.WriteAsync("""
                INSERT INTO {p}notice_lines (branch, period, stage, member, rank, name, total, grade, grade_name)
                VALUES (@b, @per, @st, @m, @r, @n, @t, @g, @gn)
                ON CONFLICT (branch, period, stage, member) DO NOTHING
                """, ct, ("@b", branch), ("@per", period), ("@st", stage), ("@m", l.Member.Value), ("@r", l.Rank), ("@n", l.Name),
                ("@t", Sql.Cents(l.Total)), ("@g", l.Grade), ("@gn", l.GradeName)).ConfigureAwait(false);
    }

    // What the evidence shows for each step, Chinese first.
    private static Description? DescribeWorkflow(IFact fact) => fact switch
    {
        ClaimSubmitted c => new($"申报{ChineseNames.Of(c.Kind)}：{c.Title}{(c.Hours is { } h ? $"（{h.ToString(CultureInfo.InvariantCulture)} 小时）" : "")}，附件 {c.Attachments.Count} 个",
            c.Member, c.Branch, Title: c.Title, Hours: c.Hours),
        ClaimAccepted a => new($"申报 {a.Claim} 审核通过，计分事实 {a.ScoredFact}", a.Member, a.Branch, Subject: a.Claim),
        ClaimRejected r => new($"申报 {r.Claim} 退回：{r.Reason}", r.Member, r.Branch, Subject: r.Claim),
        NoticePublished n => new($"公示 {n.Period} 积分排名（{n.Lines.Count} 人），异议期至 {n.ObjectionsCloseOn:yyyy-MM-dd}", Branch: n.Branch, Title: n.Period),
        ObjectionRaised o => new($"对 {o.Period} 公示提出异议：{o.Reason}", o.Member, o.Branch, Title: o.Period),
        ObjectionAnswered a => new($"异议 {a.Objection} 答复：{Notices.OutcomeName(a.Outcome)}，{a.Reason}{(a.Correction is { } c ? $"（更正记录 {c}）" : "")}",
            a.Member, a.Branch, Subject: a.Objection, Title: a.Period),
        NoticeFinalised f => new($"公示 {f.Period} 结果确定（{f.Lines.Count} 人）", Branch: f.Branch, Title: f.Period),
        _ => null,
    };
}
