using System.Globalization;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Activity;

/// The facts as people recorded them: what happened, when, who recorded it and who assessed it (the
/// evidence behind every award line), the meetings a branch held with their attendance counts, and
/// which facts were revoked, by whom and why.
public sealed partial class ActivityProjection : IProjection
{
    public const string ProjectionName = "activity";

    public string Name => ProjectionName;

    public IReadOnlyList<string> Schema { get; } =
    [
        """
        CREATE TABLE {p}facts (
            fact_id TEXT PRIMARY KEY, kind TEXT NOT NULL, occurred_on TEXT NOT NULL, position BIGINT NOT NULL,
            recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL, member TEXT, branch TEXT, subject TEXT,
            title TEXT, summary TEXT NOT NULL, assessed_by TEXT, hours BIGINT)
        """,
        "CREATE INDEX {p}facts_member ON {p}facts (member, occurred_on)",
        """
        CREATE TABLE {p}meetings (
            fact_id TEXT PRIMARY KEY, branch TEXT NOT NULL, grp TEXT, kind TEXT NOT NULL, mode TEXT NOT NULL,
            occurred_on TEXT NOT NULL, topic TEXT NOT NULL, listed INTEGER NOT NULL, present INTEGER NOT NULL,
            late INTEGER NOT NULL, excused INTEGER NOT NULL, absent INTEGER NOT NULL)
        """,
        "CREATE INDEX {p}meetings_branch ON {p}meetings (branch, occurred_on)",
        // Who a meeting listed (#19 problem: the record list's member filter missed a member's meetings).
        "CREATE TABLE {p}attendance (fact_id TEXT NOT NULL, member TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (fact_id, member))",
        "CREATE INDEX {p}attendance_member ON {p}attendance (member)",
        """
        CREATE TABLE {p}revoked_facts (
            target TEXT NOT NULL, fact_id TEXT NOT NULL, occurred_on TEXT NOT NULL, reason TEXT NOT NULL, recorded_by TEXT NOT NULL,
            PRIMARY KEY (target, fact_id))
        """,
        .. WorkflowSchema,
    ];

    /// Facts as recorded only: members' decisions and snapshots are not read at all.
    public bool Handles(RecordedEvent e) => FactStreams.HoldsRecordedFacts(e.Stream);

    public async Task ApplyAsync(ProjectionWriter w, RecordedEvent e, object payload, CancellationToken ct)
    {
        if (!FactStreams.HoldsRecordedFacts(e.Stream) || payload is not IFact fact) return;
        var d = Describe(fact);
        await w.WriteAsync("""
            INSERT INTO {p}facts (fact_id, kind, occurred_on, position, recorded_by, recorded_at, member, branch, subject, title, summary, assessed_by, hours)
            VALUES (@f, @k, @d, @pos, @by, @at, @m, @b, @s, @t, @sum, @a, @h)
            ON CONFLICT (fact_id) DO NOTHING
            """, ct, ("@f", fact.FactId.Value), ("@k", e.Type), ("@d", Sql.Date(fact.OccurredOn)), ("@pos", e.Position.Value),
            ("@by", e.Metadata.RecordedBy), ("@at", Timestamps.ToUnixMicroseconds(e.RecordedAt)), ("@m", d.Member?.Value), ("@b", d.Branch?.Value),
            ("@s", d.Subject?.Value), ("@t", d.Title), ("@sum", d.Summary), ("@a", d.AssessedBy), ("@h", d.Hours is { } h ? Sql.Cents(h) : null))
            .ConfigureAwait(false);

        switch (fact)
        {
            case MeetingHeld m:
                int Count(AttendanceStatus s) => m.Attendance.DistinctBy(a => a.Member).Count(a => a.Status == s);
                await w.WriteAsync("""
                    INSERT INTO {p}meetings (fact_id, branch, grp, kind, mode, occurred_on, topic, listed, present, late, excused, absent)
                    VALUES (@f, @b, @g, @k, @mode, @d, @t, @n, @pr, @l, @ex, @ab)
                    ON CONFLICT (fact_id) DO NOTHING
                    """, ct, ("@f", m.FactId.Value), ("@b", m.Branch.Value), ("@g", m.Group?.Value), ("@k", m.Kind.ToString()), ("@mode", m.Mode.ToString()),
                    ("@d", Sql.Date(m.OccurredOn)), ("@t", m.Topic), ("@n", m.Attendance.DistinctBy(a => a.Member).Count()),
                    ("@pr", Count(AttendanceStatus.Present)), ("@l", Count(AttendanceStatus.Late)), ("@ex", Count(AttendanceStatus.Excused)),
                    ("@ab", Count(AttendanceStatus.Absent))).ConfigureAwait(false);
                var listed = m.Attendance.DistinctBy(a => a.Member).ToList();
                if (listed.Count > 0)
                    await w.WriteAsync($"""
                        INSERT INTO {"{p}"}attendance (fact_id, member, status)
                        VALUES {string.Join(", ", listed.Select((_, i) => $"(@f, @m{i}, @s{i})"))}
                        ON CONFLICT (fact_id, member) DO NOTHING
                        """, ct, [("@f", m.FactId.Value), .. listed.SelectMany((a, i) => new (string, object?)[] { ($"@m{i}", a.Member.Value), ($"@s{i}", a.Status.ToString()) })])
                        .ConfigureAwait(false);
                break;
            case FactRevoked r:
                await w.WriteAsync("""
                    INSERT INTO {p}revoked_facts (target, fact_id, occurred_on, reason, recorded_by) VALUES (@t, @f, @d, @r, @by)
                    ON CONFLICT (target, fact_id) DO NOTHING
                    """, ct, ("@t", r.Target.Value), ("@f", r.FactId.Value), ("@d", Sql.Date(r.OccurredOn)), ("@r", r.Reason),
                    ("@by", e.Metadata.RecordedBy)).ConfigureAwait(false);
                break;
            default:
                await ApplyWorkflowAsync(w, e, fact, ct).ConfigureAwait(false);
                break;
        }
    }

    private sealed record Description(string Summary, MemberId? Member = null, BranchId? Branch = null, FactId? Subject = null,
        string? Title = null, string? AssessedBy = null, decimal? Hours = null);

    // What an appraiser reads on an evidence line, in Chinese first (the ledger is a Chinese document).
    private static Description Describe(IFact fact) => fact switch
    {
        MeetingHeld m => new($"{ChineseNames.Of(m.Kind)}（{ChineseNames.Of(m.Mode)}）：{m.Topic}", Branch: m.Branch, Title: m.Topic),
        SuggestionSubmitted s => new($"提交合理化建议：{s.Title}", s.Member, s.Branch, Title: s.Title),
        SuggestionAssessed s => new($"合理化建议评定为「{ChineseNames.Of(s.Level)}」", s.Member, Subject: s.Suggestion, AssessedBy: s.Assessor),
        GoldenIdeaSubmitted g => new($"提交金点子：{g.Title}", g.Member, g.Branch, Title: g.Title),
        GoldenIdeaAwarded g => new($"金点子获「{ChineseNames.Of(g.Level)}」", g.Member, Subject: g.Idea, AssessedBy: g.Panel),
        GoldenIdeaImplemented g => new("金点子已实施", g.Member, Subject: g.Idea),
        VolunteerServiceLogged v => new($"志愿服务 {v.Hours.ToString("0.##", CultureInfo.InvariantCulture)} 小时：{v.Activity}", v.Member,
            AssessedBy: v.Verifier, Hours: v.Hours),
        ActivityLogged a => new(a.Description.Length == 0 ? a.KindName : $"{a.KindName}：{a.Description}", a.Member),
        ManualAdjustment a => new($"{(a.Points.IsNegative ? "扣分" : "加分")} {a.Points}：{a.Reason}", a.Member, AssessedBy: a.Approver),
        FactRevoked r => new($"撤销 {r.Target}：{r.Reason}", Subject: r.Target),
        YearOpened y => new($"{y.Year} 年度开始"),
        YearClosed y => new($"{y.Year} 年度关闭"),
        YearReopened y => new($"{y.Year} 年度重新开放：{y.Reason}"),
        RuleSetPublished r => new($"发布积分规则 {r.Version}，{r.EffectiveFrom:yyyy-MM-dd} 起施行"),
        NetworkZoneRegistered z => new($"登记网络区：{z.Name}"),
        BranchRegistered b => new($"登记党支部：{b.Name}", Branch: b.Branch),
        PartyGroupRegistered g => new($"登记党小组：{g.Name}", Branch: g.Branch),
        MemberEnrolled m => new($"党员入册：{m.Name}（{ChineseNames.Of(m.Status)}，{ChineseNames.Of(m.Category)}）", m.Member, m.Branch),
        MemberTransferred t => new($"组织关系转接：{t.FromBranch} → {t.ToBranch}", t.Member, t.ToBranch),
        MemberLeft l => new($"离开组织：{l.Reason}", l.Member),
        MemberCategoryChanged c => new($"党员类别变更为「{ChineseNames.Of(c.Category)}」：{c.Reason}", c.Member),
        MemberStatusChanged s => new($"党员身份变更为「{ChineseNames.Of(s.Status)}」", s.Member),
        BranchSecretaryAppointed a => new("任支部书记", a.Member, a.Branch),
        BranchSecretaryRelieved r => new($"卸任支部书记：{r.Reason}", r.Member, r.Branch),
        _ => DescribeWorkflow(fact) ?? new(fact.GetType().Name),
    };
}
