using System.Collections.Immutable;
using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Projections.Standings;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    /// The member's evidence for the year, appraised among the members of their year-end branch. Only the
    /// member's own evidence is read: the branch's other members weigh in the appraisal only by their final
    /// scores (their places decide the vanguard posts), which without a democratic appraisal are their year's
    /// totals, kept by the standings projection. BranchEvidenceAsync's entry for the member is the oracle.
    public Task<MemberEvidence?> EvidenceAsync(MemberId member, int year, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var profile = await ProfileAsync(r, member, ct).ConfigureAwait(false);
            var book = await RuleBookAsync(r, ct).ConfigureAwait(false);
            var set = book.InForceOn(YearEnd(year));
            if (profile.On(YearEnd(year)).Branch is { } branch)
            {
                var members = await YearEndMembersAsync(r, branch, year, ct).ConfigureAwait(false);
                if (members.ContainsKey(member))
                {
                    var branchName = await BranchNameAsync(r, branch, ct).ConfigureAwait(false);
                    var mine = await MemberEvidenceAsync(r, member, year, branchName, set?.Appraisal, Explaining(book), profile, ct).ConfigureAwait(false);
                    if (set?.Appraisal is not { } scheme) return mine;
                    var others = new List<Standing>(members.Count);
                    if (scheme.Vanguard is { TopPercentOf: VanguardPool.Eligible })
                    {
                        // The top N % is taken among the members of eligible grades (#21): their grades need their whole
                        // standings, so the branch's members are read as the branch report reads them.
                        members.Remove(member);
                        var theirs = await EvidenceOfAsync(r, members, year, branchName, scheme, Explaining(book), ct).ConfigureAwait(false);
                        others.AddRange(theirs.Select(e => e.Standing));
                    }
                    else
                        others.AddRange(members.Where(m => m.Key != member).Select(m => new Standing(m.Key, branch, year, MemberStatus.Full, MemberCategory.Regular,
                            new Points(Sql.Points(m.Value.YearCents)), new Points(0m), 0, 0, 0, 0, 0, null)));
                    return mine with { Appraisal = YearEndAppraisal.AppraiseMember(scheme, [mine.Standing, .. others], member) };
                }
            }
            if (!await KnownAsync(r, member, ct).ConfigureAwait(false)) return null;
            var alone = set?.Appraisal;
            var evidence = await MemberEvidenceAsync(r, member, year, null, alone, Explaining(book), profile, ct).ConfigureAwait(false);
            return evidence with { Appraisal = alone is null ? null : YearEndAppraisal.Appraise(alone, [evidence.Standing]).Single() };
        }, ct);

    /// Every member whose year ended in the branch (or who left it during the year), appraised together.
    public Task<BranchEvidence> BranchEvidenceAsync(BranchId branch, int year, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var members = await YearEndMembersAsync(r, branch, year, ct).ConfigureAwait(false);
            var book = await RuleBookAsync(r, ct).ConfigureAwait(false);
            var set = book.InForceOn(YearEnd(year));
            var branchName = await BranchNameAsync(r, branch, ct).ConfigureAwait(false);
            var evidence = await EvidenceOfAsync(r, members, year, branchName, set?.Appraisal, Explaining(book), ct).ConfigureAwait(false);
            if (set?.Appraisal is { } scheme)
            {
                var results = YearEndAppraisal.Appraise(scheme, evidence.Select(e => e.Standing)).ToDictionary(a => a.Member);
                evidence = [.. evidence.Select(e => e with { Appraisal = results[e.Member] })];
            }
            return new BranchEvidence(branch, branchName, year, set?.Version.Value, evidence)
            {
                Notices = await NoticesOfYearAsync(r, branch, year, ct).ConfigureAwait(false),
            };
        }, ct);

    /// The evidence of a branch's year-end members, in member id order (profiles read first, then the ledgers).
    private static async Task<List<MemberEvidence>> EvidenceOfAsync(Reader r, Dictionary<MemberId, YearEndMember> members, int year, string? branchName,
        AppraisalScheme? scheme, ExplanationContext names, CancellationToken ct)
    {
        var inBranch = new List<(MemberId Member, MemberProfileAsOf Profile)>(members.Count);
        foreach (var (member, known) in members.OrderBy(m => m.Key.Value, StringComparer.Ordinal))
            inBranch.Add((member, known.Profile ?? await ProfileAsync(r, member, ct).ConfigureAwait(false)));
        var evidence = new List<MemberEvidence>(inBranch.Count);
        foreach (var (member, profile) in inBranch)
            evidence.Add(await MemberEvidenceAsync(r, member, year, branchName, scheme, names, profile, ct).ConfigureAwait(false));
        return evidence;
    }

    private static async Task<string?> BranchNameAsync(Reader r, BranchId branch, CancellationToken ct) =>
        (await r.QueryAsync("SELECT name FROM {s}branches WHERE branch = @b", x => x.GetString(0), ct, ("@b", branch.Value)).ConfigureAwait(false))
        .FirstOrDefault();

    /// A member of a branch's year-end report: the profile, read only for a member who left during the year, and
    /// the year's ledger total (whatever the membership), which is what the other members weigh in the appraisal.
    private readonly record struct YearEndMember(MemberProfileAsOf? Profile, long YearCents);

    /// The members a branch's year-end report holds: those in a branch at some time in the year whose profile
    /// puts them in this branch on 31 December, exactly as Standing.Of judges it. Only members whose changes
    /// name the branch can be there. For each, one look-up of their latest period starting by 31 December
    /// (periods never overlap): holding 31 December, it says the branch; ending earlier in the year, the member
    /// left during it and their profile decides (read only for them); ending before the year, they are not in it.
    /// One packed column per member (PackedRow): the member, whether that period holds 31 December, the year's total.
    private static async Task<Dictionary<MemberId, YearEndMember>> YearEndMembersAsync(Reader r, BranchId branch, int year, CancellationToken ct)
    {
        var candidates = await r.QueryAsync("""
            SELECT n.member || @sep || CASE WHEN p.valid_to >= @to THEN 'y' ELSE 'n' END || @sep || COALESCE(t.cents, 0)
            FROM {s}member_branches n
            JOIN {s}member_periods p ON p.member = n.member
                AND p.valid_from = (SELECT MAX(q.valid_from) FROM {s}member_periods q WHERE q.member = n.member AND q.valid_from <= @to)
            LEFT JOIN {s}member_points t ON t.member = n.member AND t.slot = @slot AND t.scope = @all
            WHERE n.branch = @b AND p.valid_to >= @from AND (p.valid_to < @to OR p.branch = @b)
            """, x =>
            {
                var v = new PackedRow(x.GetString(0));
                return (Member: new MemberId(v.NextString()), AtYearEnd: v.Next() is "y", Cents: v.NextLong());
            }, ct, ("@b", branch.Value), ("@from", Sql.Date(new DateOnly(year, 1, 1))), ("@to", Sql.Date(YearEnd(year))),
            ("@slot", Period.YearOf(year).Key), ("@all", StandingsProjection.WholeYearScope), PackedRow.Parameter).ConfigureAwait(false);
        var members = new Dictionary<MemberId, YearEndMember>(candidates.Count);
        foreach (var (member, atYearEnd, cents) in candidates)
        {
            if (atYearEnd)
            {
                members[member] = new YearEndMember(null, cents);
                continue;
            }
            var profile = await ProfileAsync(r, member, ct).ConfigureAwait(false);
            if (profile.On(YearEnd(year)).Branch == branch) members[member] = new YearEndMember(profile, cents);
        }
        return members;
    }

    private static async Task<MemberEvidence> MemberEvidenceAsync(Reader r, MemberId member, int year, string? branchName, AppraisalScheme? scheme,
        ExplanationContext explaining, MemberProfileAsOf profile, CancellationToken ct)
    {
        var names = explaining.CategoryNames;
        var lines = await r.QueryAsync("""
            SELECT h.occurred_on, h.change, h.award_id, h.category, h.rule, h.version, h.old_version, h.requested, h.granted, h.old_granted,
                   h.cap_note, h.cause, h.recorded_at, f.fact_id, f.kind, f.occurred_on, f.summary, s.title, f.recorded_by, f.recorded_at, f.assessed_by,
                   f.hours, mf.attendance
            FROM {s}award_history h
            LEFT JOIN {a}facts f ON f.fact_id = h.fact_id
            LEFT JOIN {a}facts s ON s.fact_id = f.subject
            LEFT JOIN {s}member_facts mf ON mf.member = h.member AND mf.fact_id = h.fact_id
            WHERE h.member = @m AND h.year = @y
            ORDER BY h.occurred_on, h.position
            """, x => new EvidenceLine(
                Sql.Date(x, 0), x.GetString(1), x.GetString(2), x.GetString(3), names.GetValueOrDefault(x.GetString(3), x.GetString(3)),
                new RuleId(x.GetString(4)), new RuleSetVersion(x.GetString(5)), Sql.Text(x, 6) is { } ov ? new RuleSetVersion(ov) : null,
                Sql.Points(Sql.Long(x, 7)), Sql.Points(Sql.Long(x, 8)), x.IsDBNull(9) ? null : Sql.Points(Sql.Long(x, 9)),
                Sql.Text(x, 10), x.GetString(11), Timestamps.FromUnixMicroseconds(Sql.Long(x, 12)),
                x.IsDBNull(13) ? null : new EvidenceFact(new FactId(x.GetString(13)), x.GetString(14), Sql.Date(x, 15), x.GetString(16), Sql.Text(x, 17),
                    x.GetString(18), Timestamps.FromUnixMicroseconds(Sql.Long(x, 19)), Sql.Text(x, 20), [])
                {
                    Hours = x.IsDBNull(21) ? null : Sql.Points(Sql.Long(x, 21)),
                    Attendance = Sql.Text(x, 22) is { } status ? Enum.Parse<AttendanceStatus>(status) : null,
                }),
            ct, ("@m", member.Value), ("@y", year)).ConfigureAwait(false);

        var revocations = (await r.QueryAsync("""
            SELECT rf.target, rf.fact_id, rf.occurred_on, rf.reason, rf.recorded_by
            FROM {a}revoked_facts rf JOIN {s}member_revocations mr ON mr.fact_id = rf.fact_id AND mr.member = @m
            """, x => (Target: x.GetString(0), Note: new RevocationNote(new FactId(x.GetString(1)), Sql.Date(x, 2), x.GetString(3), x.GetString(4))),
            ct, ("@m", member.Value)).ConfigureAwait(false))
            .ToLookup(x => x.Target, x => x.Note, StringComparer.Ordinal);
        lines = [.. lines.Select(l => l.Fact is { } f && revocations.Contains(f.FactId.Value)
            ? l with { Fact = f with { Revocations = [.. revocations[f.FactId.Value].OrderBy(n => n.OccurredOn)] } }
            : l)];
        lines = await WithUnscoredMeetingsAsync(r, member, year, lines, explaining, ct).ConfigureAwait(false);
        lines = await ExplainedAsync(r, lines, explaining, ct).ConfigureAwait(false);

        var current = await r.QueryAsync("SELECT category, granted FROM {s}award_lines WHERE member = @m AND year = @y",
            x => (Category: x.GetString(0), Cents: Sql.Long(x, 1)), ct, ("@m", member.Value), ("@y", year)).ConfigureAwait(false);
        var byCategory = current.GroupBy(l => l.Category, StringComparer.Ordinal)
            .Select(g => new CategoryTotal(g.Key, names.GetValueOrDefault(g.Key, g.Key), Sql.Points(g.Sum(l => l.Cents))))
            .OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
        var total = current.Sum(l => l.Cents);
        var deductions = -current.Where(l => l.Cents < 0).Sum(l => l.Cents);

        var yearEnd = profile.On(YearEnd(year));
        var attendance = await AttendanceAsync(r, member, new DateOnly(year, 1, 1), YearEnd(year), scheme?.AbsenceExemptCategories ?? [], profile, ct)
            .ConfigureAwait(false);
        var standing = new Standing(member, yearEnd.Branch, year, yearEnd.Status, yearEnd.Category, new Points(Sql.Points(total)),
            new Points(Sql.Points(deductions)), attendance.Listed, attendance.Attended, attendance.Excused, attendance.Late, attendance.Unexcused, null);
        return new MemberEvidence(member, await NameAsync(r, member, ct).ConfigureAwait(false), year, standing.Branch, branchName,
            Sql.Points(total), byCategory, lines, standing, null)
        {
            Workflow = await WorkflowStepsAsync(r, member, year, ct).ConfigureAwait(false),
        };
    }

    private static DateOnly YearEnd(int year) => new(year, 12, 31);

    private static ExplanationContext Explaining(RuleBook book) => new(book, CategoryNames(book), new Dictionary<string, string>());

    /// The meetings on the member's list that gave no line (a leave, an exempt absence, a kind no rule scores), as
    /// lines of 0 (#21): a member sees why a meeting earned nothing. Dated and ordered with the scored lines.
    private static async Task<List<EvidenceLine>> WithUnscoredMeetingsAsync(Reader r, MemberId member, int year, List<EvidenceLine> lines,
        ExplanationContext explaining, CancellationToken ct)
    {
        var scored = lines.Where(l => l.Fact is not null).Select(l => l.Fact!.FactId.Value).ToHashSet(StringComparer.Ordinal);
        var meetings = await r.QueryAsync("""
            SELECT mf.fact_id, mf.attendance, mf.occurred_on, f.kind, f.summary, f.recorded_by, f.recorded_at
            FROM {s}member_facts mf JOIN {a}facts f ON f.fact_id = mf.fact_id
            WHERE mf.member = @m AND mf.kind = 'Attendance' AND mf.occurred_on >= @from AND mf.occurred_on <= @to
              AND NOT EXISTS (SELECT 1 FROM {s}member_revocations v WHERE v.member = mf.member AND v.target = mf.fact_id)
            """, x => new EvidenceFact(new FactId(x.GetString(0)), x.GetString(3), Sql.Date(x, 2), x.GetString(4), null, x.GetString(5),
                Timestamps.FromUnixMicroseconds(Sql.Long(x, 6)), null, []) { Attendance = Enum.Parse<AttendanceStatus>(x.GetString(1)) },
            ct, ("@m", member.Value), ("@from", Sql.Date(new DateOnly(year, 1, 1))), ("@to", Sql.Date(YearEnd(year)))).ConfigureAwait(false);
        var unscored = meetings.Where(f => !scored.Contains(f.FactId.Value)).ToList();
        if (unscored.Count == 0) return lines;
        var category = explaining.CategoryNames.ContainsKey(AttendanceCategory) ? AttendanceCategory : "";
        foreach (var f in unscored)
        {
            if (explaining.Rules.InForceOn(f.OccurredOn) is not { } set) continue;
            var line = new EvidenceLine(f.OccurredOn, LineExplanations.Noted, $"{f.FactId}/{AttendanceCategory}", category,
                explaining.CategoryNames.GetValueOrDefault(category, category), new RuleId(AttendanceCategory), set.Version, null, 0m, 0m, null, null,
                $"fact {f.FactId} recorded", f.RecordedAt, f);
            var at = lines.FindLastIndex(l => l.OccurredOn <= f.OccurredOn) + 1;
            lines.Insert(at, line);
        }
        return lines;
    }

    private const string AttendanceCategory = "attendance";

    /// Every line with its explanation, the recorders named by the member of that id where there is one.
    private static async Task<List<EvidenceLine>> ExplainedAsync(Reader r, List<EvidenceLine> lines, ExplanationContext explaining, CancellationToken ct)
    {
        var recorders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var who in lines.Where(l => l.Fact is not null)
                     .SelectMany(l => l.Fact!.Revocations.Select(v => v.RecordedBy).Append(l.Fact!.RecordedBy)).Distinct(StringComparer.Ordinal))
            if ((await r.QueryAsync("SELECT name FROM {s}members WHERE member = @m", x => x.GetString(0), ct, ("@m", who)).ConfigureAwait(false))
                .FirstOrDefault() is { } name) recorders[who] = name;
        var explained = LineExplanations.Explain(lines, explaining with { RecorderNames = recorders });
        return [.. lines.Select((l, i) => l with { Explanation = explained[i] })];
    }

    /// A member's profile with the changes revoked for them: what Standing.Of judges a member by (the branch
    /// whose report holds them, the status and category they are graded with, each absence's category).
    private sealed record MemberProfileAsOf(MemberProfile Profile, ImmutableHashSet<FactId> Revoked)
    {
        public MemberAsOf On(DateOnly date) => Profile.On(date, Revoked);
    }

    private static async Task<MemberProfileAsOf> ProfileAsync(Reader r, MemberId member, CancellationToken ct)
    {
        var changes = await r.QueryAsync(StandingsProjection.ChangesOfMember.Replace("{p}", "{s}", StringComparison.Ordinal),
            x => (x.GetString(0), x.GetString(1)), ct, ("@m", member.Value)).ConfigureAwait(false);
        var revoked = await r.QueryAsync(StandingsProjection.RevokedOfMember.Replace("{p}", "{s}", StringComparison.Ordinal),
            x => new FactId(x.GetString(0)), ct, ("@m", member.Value)).ConfigureAwait(false);
        return new MemberProfileAsOf(StandingsProjection.ProfileOf(r.Serializer, changes), [.. revoked]);
    }

    private sealed record AttendanceCount(int Listed, int Attended, int Excused, int Late, int Unexcused);

    /// The member's meetings between the dates, as accepted into their ledger and not revoked. An absence
    /// counts as unexcused unless the member's category on that day (by their profile, even before
    /// enrolment, as scoring saw it) is exempt (流动, 特殊 …).
    private static async Task<AttendanceCount> AttendanceAsync(Reader r, MemberId member, DateOnly from, DateOnly to,
        IReadOnlyCollection<MemberCategory> exempt, MemberProfileAsOf profile, CancellationToken ct)
    {
        var rows = await r.QueryAsync("""
            SELECT f.attendance, f.occurred_on FROM {s}member_facts f
            WHERE f.member = @m AND f.kind = 'Attendance' AND f.occurred_on >= @from AND f.occurred_on <= @to
              AND NOT EXISTS (SELECT 1 FROM {s}member_revocations v WHERE v.member = f.member AND v.target = f.fact_id)
            """, x => (Status: Enum.Parse<AttendanceStatus>(x.GetString(0)), Date: Sql.Date(x, 1)),
            ct, ("@m", member.Value), ("@from", Sql.Date(from)), ("@to", Sql.Date(to))).ConfigureAwait(false);
        return new AttendanceCount(
            rows.Count,
            rows.Count(a => a.Status is AttendanceStatus.Present or AttendanceStatus.Late),
            rows.Count(a => a.Status == AttendanceStatus.Excused),
            rows.Count(a => a.Status == AttendanceStatus.Late),
            rows.Count(a => a.Status == AttendanceStatus.Absent && !exempt.Contains(profile.On(a.Date).Category)));
    }

    /// Every published rule set, in log order, as the scoring engine folds them. Rule sets are only ever added
    /// (a row per log position), so the book parsed for the same positions is reused rather than parsed again.
    private static async Task<RuleBook> RuleBookAsync(Reader r, CancellationToken ct)
    {
        var published = await r.QueryAsync("SELECT position, fact_id FROM {s}rule_sets ORDER BY position",
            x => $"{Sql.Long(x, 0)}:{x.GetString(1)}", ct).ConfigureAwait(false);
        var key = string.Join(",", published);
        if (r.RuleBooks.Find(key) is { } known) return known;
        var data = await r.QueryAsync("SELECT data FROM {s}rule_sets ORDER BY position", x => x.GetString(0), ct).ConfigureAwait(false);
        var book = RuleBookOf(r.Serializer, data);
        r.RuleBooks.Keep(key, book);
        return book;
    }

    internal static RuleBook RuleBookOf(EventSerializer serializer, IEnumerable<string> published)
    {
        var book = RuleBook.Empty;
        foreach (var data in published)
        {
            try
            {
                if (serializer.Deserialize(DomainNames.RuleSetPublished, data) is RuleSetPublished p) book = book.With(RuleSetDocument.Parse(p));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Skipped exactly as the scoring engine skips it: it was not used to score either.
            }
        }
        return book;
    }

    private static Dictionary<string, string> CategoryNames(RuleBook book)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal) { ["base"] = "基础分 / base score" };
        foreach (var set in book.Sets)
            foreach (var c in set.Categories) names[c.Id] = c.Name;
        return names;
    }

    private static class DomainNames
    {
        public static readonly string RuleSetPublished = Domain.DomainEventNames.Of(typeof(RuleSetPublished));
    }
}
