using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Standings;

/// Members' ledgers as the member actors decided them (award lines now, and every change to them in log
/// order), their membership periods (which branch and party group, with which status and category, from
/// when to when), and the organisation's names. Rankings and standings are sums over award lines joined
/// to membership periods on the line's date, so a transfer splits a member's points between branches by
/// date, whatever order the facts were recorded in.
public sealed partial class StandingsProjection(EventSerializer serializer) : IProjection
{
    public const string ProjectionName = "standings";

    public string Name => ProjectionName;

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE TABLE {p}members (member TEXT PRIMARY KEY, name TEXT NOT NULL)",
        """
        CREATE TABLE {p}member_changes (
            member TEXT NOT NULL, fact_id TEXT NOT NULL, occurred_on TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (member, fact_id))
        """,
        """
        CREATE TABLE {p}member_revocations (
            member TEXT NOT NULL, target TEXT NOT NULL, fact_id TEXT NOT NULL, occurred_on TEXT NOT NULL, reason TEXT NOT NULL,
            PRIMARY KEY (member, fact_id))
        """,
        // name: the member's name (members.name) beside each period, so that a ranking reads its rows off one index.
        """
        CREATE TABLE {p}member_periods (
            member TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, branch TEXT NOT NULL, grp TEXT,
            status TEXT NOT NULL, category TEXT NOT NULL, name TEXT,
            PRIMARY KEY (member, valid_from))
        """,
        // Covering: a branch's or party group's ranking reads its periods as one range of one of these, never the table.
        "CREATE INDEX {p}member_periods_branch ON {p}member_periods (branch, valid_from, valid_to, member, grp, status, category, name)",
        "CREATE INDEX {p}member_periods_group ON {p}member_periods (grp, valid_from, valid_to, member, branch, status, category, name)",
        """
        CREATE TABLE {p}member_facts (
            member TEXT NOT NULL, fact_id TEXT NOT NULL, kind TEXT NOT NULL, occurred_on TEXT NOT NULL,
            branch TEXT, meeting TEXT, attendance TEXT,
            PRIMARY KEY (member, fact_id))
        """,
        """
        CREATE TABLE {p}award_lines (
            member TEXT NOT NULL, year INTEGER NOT NULL, award_id TEXT NOT NULL, fact_id TEXT, rule TEXT NOT NULL,
            version TEXT NOT NULL, category TEXT NOT NULL, occurred_on TEXT NOT NULL,
            requested BIGINT NOT NULL, granted BIGINT NOT NULL, cap_note TEXT,
            PRIMARY KEY (member, year, award_id))
        """,
        "CREATE INDEX {p}award_lines_date ON {p}award_lines (occurred_on, member)",
        """
        CREATE TABLE {p}award_history (
            position {rowid} PRIMARY KEY, member TEXT NOT NULL, year INTEGER NOT NULL, award_id TEXT NOT NULL,
            change TEXT NOT NULL, fact_id TEXT, rule TEXT NOT NULL, version TEXT NOT NULL, old_version TEXT,
            category TEXT NOT NULL, occurred_on TEXT NOT NULL, requested BIGINT NOT NULL, granted BIGINT NOT NULL,
            old_granted BIGINT, cap_note TEXT, cause TEXT NOT NULL, recorded_at BIGINT NOT NULL)
        """,
        "CREATE INDEX {p}award_history_member ON {p}award_history (member, year)",
        "CREATE TABLE {p}zones (zone TEXT PRIMARY KEY, name TEXT NOT NULL)",
        "CREATE TABLE {p}branches (branch TEXT PRIMARY KEY, name TEXT NOT NULL, zone TEXT)",
        "CREATE TABLE {p}party_groups (grp TEXT PRIMARY KEY, branch TEXT NOT NULL, name TEXT NOT NULL)",
        """
        CREATE TABLE {p}rule_sets (
            fact_id TEXT PRIMARY KEY, position BIGINT NOT NULL, version TEXT NOT NULL, effective_from TEXT NOT NULL, data TEXT NOT NULL)
        """,
        .. PointsSchema,
    ];

    public async Task ApplyAsync(ProjectionWriter w, RecordedEvent e, object payload, CancellationToken ct)
    {
        if (e.Stream.Value.StartsWith("member-", StringComparison.Ordinal))
        {
            await ApplyMemberEventAsync(w, e, payload, ct).ConfigureAwait(false);
            return;
        }
        switch (payload)
        {
            case NetworkZoneRegistered z:
                await w.WriteAsync("""
                    INSERT INTO {p}zones (zone, name) VALUES (@z, @n) ON CONFLICT (zone) DO UPDATE SET name = excluded.name
                    """, ct, ("@z", z.Zone.Value), ("@n", z.Name)).ConfigureAwait(false);
                break;
            case BranchRegistered b:
                await w.WriteAsync("""
                    INSERT INTO {p}branches (branch, name, zone) VALUES (@b, @n, @z)
                    ON CONFLICT (branch) DO UPDATE SET name = excluded.name, zone = excluded.zone
                    """, ct, ("@b", b.Branch.Value), ("@n", b.Name), ("@z", b.Zone?.Value)).ConfigureAwait(false);
                break;
            case PartyGroupRegistered g:
                await w.WriteAsync("""
                    INSERT INTO {p}party_groups (grp, branch, name) VALUES (@g, @b, @n)
                    ON CONFLICT (grp) DO UPDATE SET branch = excluded.branch, name = excluded.name
                    """, ct, ("@g", g.Group.Value), ("@b", g.Branch.Value), ("@n", g.Name)).ConfigureAwait(false);
                break;
            case RuleSetPublished r:
                await w.WriteAsync("""
                    INSERT INTO {p}rule_sets (fact_id, position, version, effective_from, data) VALUES (@f, @pos, @v, @d, @data)
                    ON CONFLICT (fact_id) DO NOTHING
                    """, ct, ("@f", r.FactId.Value), ("@pos", e.Position.Value), ("@v", r.Version.Value), ("@d", Sql.Date(r.EffectiveFrom)),
                    ("@data", e.Data)).ConfigureAwait(false);
                break;
        }
    }

    private async Task ApplyMemberEventAsync(ProjectionWriter w, RecordedEvent e, object payload, CancellationToken ct)
    {
        switch (payload)
        {
            // While a rebuild fills, only the history is written: the lines and the running totals follow from it
            // and are derived in bulk at the end of the fill (CompleteFillAsync).
            case PointsAwarded a:
                if (!w.Filling) await AwardLineAsync(w, a, ct).ConfigureAwait(false);
                await HistoryAsync(w, e, a.Member.Value, a.AwardId, "awarded", a.FactId?.Value, a.Rule.Value, a.Version.Value, null, a.Category,
                    a.OccurredOn, a.Requested.Value, a.Granted.Value, null, a.CapNote, a.Cause, ct).ConfigureAwait(false);
                break;
            case PointsCorrected c:
                if (!w.Filling) await CorrectLineAsync(w, c, ct).ConfigureAwait(false);
                await HistoryAsync(w, e, c.Member.Value, c.AwardId, "corrected", c.FactId?.Value, c.Rule.Value, c.NewVersion.Value, c.OldVersion.Value,
                    c.Category, c.OccurredOn, c.NewRequested.Value, c.NewGranted.Value, c.OldGranted.Value, c.CapNote, c.Cause, ct).ConfigureAwait(false);
                break;
            case PointsReverted r:
                if (!w.Filling) await RevertLineAsync(w, r, ct).ConfigureAwait(false);
                await HistoryAsync(w, e, r.Member.Value, r.AwardId, "reverted", r.FactId?.Value, r.Rule.Value, r.Version.Value, null,
                    r.Category, r.OccurredOn, 0m, 0m, r.Granted.Value, null, r.Cause, ct).ConfigureAwait(false);
                break;
            case MemberFact f:
                var attendance = f as AttendanceRecorded;
                await w.WriteAsync("""
                    INSERT INTO {p}member_facts (member, fact_id, kind, occurred_on, branch, meeting, attendance)
                    VALUES (@m, @f, @k, @d, @b, @mk, @s) ON CONFLICT (member, fact_id) DO NOTHING
                    """, ct, ("@m", f.Member.Value), ("@f", f.FactId.Value), ("@k", f.Kind.ToString()), ("@d", Sql.Date(f.OccurredOn)),
                    ("@b", attendance?.Branch.Value), ("@mk", attendance?.Meeting.ToString()), ("@s", attendance?.Status.ToString())).ConfigureAwait(false);
                break;
            case RevocationRecorded r:
                await w.WriteAsync("""
                    INSERT INTO {p}member_revocations (member, target, fact_id, occurred_on, reason) VALUES (@m, @t, @f, @d, @r)
                    ON CONFLICT (member, fact_id) DO NOTHING
                    """, ct, ("@m", r.Member.Value), ("@t", r.Target.Value), ("@f", r.FactId.Value), ("@d", Sql.Date(r.OccurredOn)),
                    ("@r", r.Reason)).ConfigureAwait(false);
                await RecomputePeriodsAsync(w, r.Member.Value, ct).ConfigureAwait(false);
                break;
            case IFact change and IMemberEvent member: // enrolment, transfer, leaving, category or status change
                if (change is MemberEnrolled enrolled)
                    await w.WriteAsync("""
                        INSERT INTO {p}members (member, name) VALUES (@m, @n) ON CONFLICT (member) DO UPDATE SET name = excluded.name
                        """, ct, ("@m", enrolled.Member.Value), ("@n", enrolled.Name)).ConfigureAwait(false);
                await w.WriteAsync("""
                    INSERT INTO {p}member_changes (member, fact_id, occurred_on, type, data) VALUES (@m, @f, @d, @t, @data)
                    ON CONFLICT (member, fact_id) DO NOTHING
                    """, ct, ("@m", member.Member.Value), ("@f", change.FactId.Value), ("@d", Sql.Date(change.OccurredOn)), ("@t", e.Type),
                    ("@data", e.Data)).ConfigureAwait(false);
                await RecomputePeriodsAsync(w, member.Member.Value, ct).ConfigureAwait(false);
                break;
        }
    }

    private static async Task AwardLineAsync(ProjectionWriter w, PointsAwarded a, CancellationToken ct)
    {
        var replaced = await LineAsync(w, a.Member.Value, a.OccurredOn.Year, a.AwardId, ct).ConfigureAwait(false);
        await w.WriteAsync("""
            INSERT INTO {p}award_lines (member, year, award_id, fact_id, rule, version, category, occurred_on, requested, granted, cap_note)
            VALUES (@m, @y, @a, @f, @r, @v, @c, @d, @req, @g, @note)
            ON CONFLICT (member, year, award_id) DO UPDATE SET fact_id = excluded.fact_id, rule = excluded.rule,
                version = excluded.version, category = excluded.category, occurred_on = excluded.occurred_on,
                requested = excluded.requested, granted = excluded.granted, cap_note = excluded.cap_note
            """, ct, ("@m", a.Member.Value), ("@y", a.OccurredOn.Year), ("@a", a.AwardId), ("@f", a.FactId?.Value), ("@r", a.Rule.Value),
            ("@v", a.Version.Value), ("@c", a.Category), ("@d", Sql.Date(a.OccurredOn)), ("@req", Sql.Cents(a.Requested.Value)),
            ("@g", Sql.Cents(a.Granted.Value)), ("@note", a.CapNote)).ConfigureAwait(false);
        if (replaced is { } old && old.Date != a.OccurredOn) await AddPointsAsync(w, a.Member.Value, old.Date, -old.Cents, ct).ConfigureAwait(false);
        await AddPointsAsync(w, a.Member.Value, a.OccurredOn,
            Sql.Cents(a.Granted.Value) - (replaced is { } same && same.Date == a.OccurredOn ? same.Cents : 0), ct).ConfigureAwait(false);
    }

    private static async Task CorrectLineAsync(ProjectionWriter w, PointsCorrected c, CancellationToken ct)
    {
        var corrected = await LineAsync(w, c.Member.Value, c.OccurredOn.Year, c.AwardId, ct).ConfigureAwait(false);
        await w.WriteAsync("""
            UPDATE {p}award_lines SET version = @v, requested = @req, granted = @g, cap_note = @note
            WHERE member = @m AND year = @y AND award_id = @a
            """, ct, ("@m", c.Member.Value), ("@y", c.OccurredOn.Year), ("@a", c.AwardId), ("@v", c.NewVersion.Value),
            ("@req", Sql.Cents(c.NewRequested.Value)), ("@g", Sql.Cents(c.NewGranted.Value)), ("@note", c.CapNote)).ConfigureAwait(false);
        if (corrected is { } line) await AddPointsAsync(w, c.Member.Value, line.Date, Sql.Cents(c.NewGranted.Value) - line.Cents, ct).ConfigureAwait(false);
    }

    private static async Task RevertLineAsync(ProjectionWriter w, PointsReverted r, CancellationToken ct)
    {
        if (await LineAsync(w, r.Member.Value, r.OccurredOn.Year, r.AwardId, ct).ConfigureAwait(false) is { } reverted)
            await AddPointsAsync(w, r.Member.Value, reverted.Date, -reverted.Cents, ct).ConfigureAwait(false);
        await w.WriteAsync("DELETE FROM {p}award_lines WHERE member = @m AND year = @y AND award_id = @a", ct,
            ("@m", r.Member.Value), ("@y", r.OccurredOn.Year), ("@a", r.AwardId)).ConfigureAwait(false);
    }

    private static Task HistoryAsync(ProjectionWriter w, RecordedEvent e, string member, string awardId, string change, string? factId, string rule,
        string version, string? oldVersion, string category, DateOnly occurredOn, decimal requested, decimal granted, decimal? oldGranted,
        string? capNote, string cause, CancellationToken ct) =>
        w.WriteAsync("""
            INSERT INTO {p}award_history (position, member, year, award_id, change, fact_id, rule, version, old_version, category, occurred_on,
                requested, granted, old_granted, cap_note, cause, recorded_at)
            VALUES (@pos, @m, @y, @a, @ch, @f, @r, @v, @ov, @c, @d, @req, @g, @og, @note, @cause, @at)
            """, ct, ("@pos", e.Position.Value), ("@m", member), ("@y", occurredOn.Year), ("@a", awardId), ("@ch", change), ("@f", factId),
            ("@r", rule), ("@v", version), ("@ov", oldVersion), ("@c", category), ("@d", Sql.Date(occurredOn)), ("@req", Sql.Cents(requested)),
            ("@g", Sql.Cents(granted)), ("@og", oldGranted is { } og ? Sql.Cents(og) : null), ("@note", capNote), ("@cause", cause),
            ("@at", Timestamps.ToUnixMicroseconds(e.RecordedAt)));
}
