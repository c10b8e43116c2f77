using PointsEngine.Domain.Values;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    /// 网上预警 as of a date: members without attendance for N months or with K unexcused absences this
    /// year, and branches that let a required meeting lapse in a period that has ended. Optionally for
    /// one branch.
    public Task<Warnings> WarningsAsync(DateOnly asOf, WarningThresholds? thresholds = null, BranchId? branch = null, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var limits = thresholds ?? _options.Warnings;
            var yearStart = new DateOnly(asOf.Year, 1, 1);
            var exempt = (await RuleBookAsync(r, ct).ConfigureAwait(false)).InForceOn(asOf)?.Appraisal?.AbsenceExemptCategories ?? [];
            var scope = branch is null ? "" : " AND p.branch = @b";
            (string, object?)[] parameters = [("@on", Sql.Date(asOf)), ("@b", branch?.Value)];

            // Members in a branch on the date, with when their membership began.
            var members = await r.QueryAsync($"""
                SELECT p.member, p.branch, n.name, (SELECT MIN(q.valid_from) FROM {"{s}"}member_periods q WHERE q.member = p.member)
                FROM {"{s}"}member_periods p LEFT JOIN {"{s}"}members n ON n.member = p.member
                WHERE p.valid_from <= @on AND p.valid_to >= @on{scope}
                ORDER BY p.member
                """, x => (Member: x.GetString(0), Branch: x.GetString(1), Name: Sql.Text(x, 2), Since: Sql.Date(x, 3)), ct, parameters).ConfigureAwait(false);
            var attendance = (await r.QueryAsync($"""
                SELECT m.member, m.occurred_on, m.attendance FROM {"{s}"}member_facts m
                WHERE m.kind = 'Attendance' AND m.occurred_on <= @on
                  AND NOT EXISTS (SELECT 1 FROM {"{s}"}member_revocations v WHERE v.member = m.member AND v.target = m.fact_id)
                """, x => (Member: x.GetString(0), Date: Sql.Date(x, 1), Status: Enum.Parse<AttendanceStatus>(x.GetString(2))), ct, parameters)
                .ConfigureAwait(false)).ToLookup(a => a.Member, StringComparer.Ordinal);

            var memberWarnings = new List<MemberWarning>();
            var quietSince = asOf.AddMonths(-limits.MonthsWithoutAttendance);
            foreach (var m in members)
            {
                var mine = attendance[m.Member].ToList();
                DateOnly? last = mine.Where(a => a.Status is AttendanceStatus.Present or AttendanceStatus.Late).Select(a => (DateOnly?)a.Date).Max();
                var absent = mine.Where(a => a.Date >= yearStart && a.Status == AttendanceStatus.Absent).ToList();
                var absences = 0;
                if (absent.Count > 0)
                {
                    var profile = await ProfileAsync(r, new MemberId(m.Member), ct).ConfigureAwait(false);
                    absences = absent.Count(a => !exempt.Contains(profile.On(a.Date).Category));
                }
                if ((last ?? m.Since) < quietSince)
                    memberWarnings.Add(new MemberWarning(new MemberId(m.Member), m.Name, new BranchId(m.Branch), MemberWarningKind.NoAttendance, last, absences,
                        $"{m.Name ?? m.Member} 已连续 {limits.MonthsWithoutAttendance} 个月以上未参加组织生活（最近一次：{(last is { } l ? l.ToString("yyyy-MM-dd") : "无")}）。",
                        $"{m.Member} has not attended organisation life for {limits.MonthsWithoutAttendance} months or more (last: {(last is { } l2 ? l2.ToString("yyyy-MM-dd") : "never")})."));
                if (absences >= limits.UnexcusedAbsences)
                    memberWarnings.Add(new MemberWarning(new MemberId(m.Member), m.Name, new BranchId(m.Branch), MemberWarningKind.UnexcusedAbsences, last, absences,
                        $"{m.Name ?? m.Member} 本年度无故缺席 {absences} 次（预警线 {limits.UnexcusedAbsences} 次）。",
                        $"{m.Member} has {absences} unexcused absences this year (threshold {limits.UnexcusedAbsences})."));
            }

            var branchWarnings = new List<BranchWarning>();
            var branches = await r.QueryAsync($"""
                SELECT DISTINCT p.branch, b.name FROM {"{s}"}member_periods p LEFT JOIN {"{s}"}branches b ON b.branch = p.branch
                WHERE p.valid_from <= @on AND p.valid_to >= @from{scope} ORDER BY p.branch
                """, x => (Branch: x.GetString(0), Name: Sql.Text(x, 1)), ct, [.. parameters, ("@from", Sql.Date(yearStart))]).ConfigureAwait(false);
            foreach (var b in branches)
            {
                var meetings = await MeetingsAsync(r, b.Branch, yearStart, asOf, ct).ConfigureAwait(false);
                foreach (var cadence in _options.Cadence)
                    foreach (var (period, held) in MissedPeriods(cadence, asOf.Year, asOf, meetings.Where(m => m.Kind == cadence.Kind).Select(m => m.Date)))
                        branchWarnings.Add(new BranchWarning(new BranchId(b.Branch), b.Name, cadence.Kind, period.ToString(), held, cadence.AtLeast,
                            $"{b.Name ?? b.Branch} {period} 召开{ChineseNames.Of(cadence.Kind)} {held} 次，少于规定的 {cadence.AtLeast} 次。",
                            $"{b.Branch} held {held} {cadence.Kind} meeting(s) in {period}; at least {cadence.AtLeast} required."));
            }
            return new Warnings(asOf, limits, memberWarnings, branchWarnings);
        }, ct);
}
