using PointsEngine.Domain.Values;
using PointsEngine.Projections.Storage;

namespace PointsEngine.Projections.Queries;

public sealed partial class ReadModels
{
    private const string NotRevoked = "NOT EXISTS (SELECT 1 FROM {a}revoked_facts rf WHERE rf.target = m.fact_id)";

    public Task<BranchDashboard> DashboardAsync(BranchId branch, int year, DateOnly? asOf = null, CancellationToken ct = default) =>
        ReadAsync(async r =>
        {
            var from = new DateOnly(year, 1, 1);
            var to = new DateOnly(year, 12, 31);
            var until = asOf is { } a && a < to ? a : to;
            var name = (await r.QueryAsync("SELECT name FROM {s}branches WHERE branch = @b", x => x.GetString(0), ct, ("@b", branch.Value))
                .ConfigureAwait(false)).FirstOrDefault();
            var meetings = await MeetingsAsync(r, branch.Value, from, until, ct).ConfigureAwait(false);

            var kinds = Enum.GetValues<MeetingKind>().Select(kind =>
            {
                var ofKind = meetings.Where(m => m.Kind == kind).ToList();
                var byMonth = Enumerable.Range(1, 12).Select(month => ofKind.Count(m => m.Date.Month == month)).ToList();
                var required = _options.Cadence.FirstOrDefault(c => c.Kind == kind);
                var missed = required is null ? [] : MissedPeriods(required, year, until, ofKind.Select(m => m.Date)).Select(p => p.Period.ToString()).ToList();
                return new MeetingsOfKind(kind, ChineseNames.Of(kind), byMonth, required, missed);
            }).ToList();

            var perMeeting = meetings.OrderBy(m => m.Date).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => new MeetingAttendance(
                new FactId(m.Id), m.Date, m.Kind, m.Mode, m.Topic, m.Listed, m.Attended, m.Excused, m.Absent, Rate(m.Attended, m.Listed))).ToList();

            var perMember = await r.QueryAsync($"""
                SELECT m.member, n.name, COUNT(*),
                       SUM(CASE WHEN m.attendance IN ('Present', 'Late') THEN 1 ELSE 0 END),
                       SUM(CASE WHEN m.attendance = 'Excused' THEN 1 ELSE 0 END),
                       SUM(CASE WHEN m.attendance = 'Absent' THEN 1 ELSE 0 END)
                FROM {"{s}"}member_facts m LEFT JOIN {"{s}"}members n ON n.member = m.member
                WHERE m.kind = 'Attendance' AND m.branch = @b AND m.occurred_on >= @from AND m.occurred_on <= @to
                  AND NOT EXISTS (SELECT 1 FROM {"{s}"}member_revocations v WHERE v.member = m.member AND v.target = m.fact_id)
                GROUP BY m.member, n.name ORDER BY m.member
                """, x => new MemberAttendance(new MemberId(x.GetString(0)), Sql.Text(x, 1), (int)Sql.Long(x, 2), (int)Sql.Long(x, 3),
                    (int)Sql.Long(x, 4), (int)Sql.Long(x, 5), Rate((int)Sql.Long(x, 3), (int)Sql.Long(x, 2))),
                ct, ("@b", branch.Value), ("@from", Sql.Date(from)), ("@to", Sql.Date(until))).ConfigureAwait(false);

            var contributions = await r.QueryAsync($"""
                SELECT f.kind, f.member, f.hours FROM {"{a}"}facts f
                JOIN {"{s}"}member_periods p ON p.member = f.member AND f.occurred_on >= p.valid_from AND f.occurred_on <= p.valid_to
                WHERE p.branch = @b AND f.occurred_on >= @from AND f.occurred_on <= @to
                  AND f.kind IN ('V1.SuggestionSubmitted', 'V1.GoldenIdeaSubmitted', 'V1.VolunteerServiceLogged')
                  AND NOT EXISTS (SELECT 1 FROM {"{a}"}revoked_facts rf WHERE rf.target = f.fact_id)
                """, x => (Kind: x.GetString(0), Member: x.GetString(1), Hours: Sql.Long(x, 2)),
                ct, ("@b", branch.Value), ("@from", Sql.Date(from)), ("@to", Sql.Date(until))).ConfigureAwait(false);
            var headcount = (await r.QueryAsync("""
                SELECT DISTINCT member FROM {s}member_periods WHERE branch = @b AND valid_from <= @to AND valid_to >= @from
                """, x => x.GetString(0), ct, ("@b", branch.Value), ("@from", Sql.Date(from)), ("@to", Sql.Date(until))).ConfigureAwait(false)).Count;
            IEnumerable<(string Kind, string Member, long Hours)> Of(string kind) => contributions.Where(c => c.Kind == kind);
            var participation = new Participation(headcount,
                Of("V1.SuggestionSubmitted").Count(), Of("V1.SuggestionSubmitted").Select(c => c.Member).Distinct().Count(),
                Of("V1.GoldenIdeaSubmitted").Count(), Of("V1.GoldenIdeaSubmitted").Select(c => c.Member).Distinct().Count(),
                Sql.Points(Of("V1.VolunteerServiceLogged").Sum(c => c.Hours)), Of("V1.VolunteerServiceLogged").Select(c => c.Member).Distinct().Count());

            return new BranchDashboard(branch, name, year, until, kinds, perMeeting, perMember, participation);
        }, ct);

    private sealed record Meeting(string Id, DateOnly Date, MeetingKind Kind, MeetingMode Mode, string Topic, int Listed, int Attended, int Excused, int Absent);

    private static Task<List<Meeting>> MeetingsAsync(Reader r, string branch, DateOnly from, DateOnly to, CancellationToken ct) =>
        r.QueryAsync($"""
            SELECT m.fact_id, m.occurred_on, m.kind, m.mode, m.topic, m.listed, m.present + m.late, m.excused, m.absent
            FROM {"{a}"}meetings m WHERE m.branch = @b AND m.occurred_on >= @from AND m.occurred_on <= @to AND {NotRevoked}
            """, x => new Meeting(x.GetString(0), Sql.Date(x, 1), Enum.Parse<MeetingKind>(x.GetString(2)), Enum.Parse<MeetingMode>(x.GetString(3)),
                x.GetString(4), (int)Sql.Long(x, 5), (int)Sql.Long(x, 6), (int)Sql.Long(x, 7), (int)Sql.Long(x, 8)),
            ct, ("@b", branch), ("@from", Sql.Date(from)), ("@to", Sql.Date(to)));

    /// The cadence's periods of the year that had ended by <paramref name="asOf"/> with too few meetings.
    private static IEnumerable<(Period Period, int Held)> MissedPeriods(MeetingCadence cadence, int year, DateOnly asOf, IEnumerable<DateOnly> held)
    {
        var dates = held.ToList();
        var count = cadence.Every switch { PeriodKind.Month => 12, PeriodKind.Quarter => 4, _ => 1 };
        for (var i = 1; i <= count; i++)
        {
            var period = new Period(cadence.Every, year, i);
            if (period.End > asOf) yield break;
            var n = dates.Count(period.Contains);
            if (n < cadence.AtLeast) yield return (period, n);
        }
    }

    private static decimal Rate(int part, int whole) => whole == 0 ? 0m : decimal.Round((decimal)part / whole, 4);
}
