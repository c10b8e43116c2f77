using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using C = PointsEngine.Api.Importing.FactColumns;

namespace PointsEngine.Api.Importing;

public sealed partial class ImportPlanner
{
    /// A meeting: its branch, date, kind, topic, and for a party-group meeting the group. Rows with the same
    /// key are one meeting, whose fact id is derived from the key.
    private sealed record MeetingKey(BranchId Branch, DateOnly Date, MeetingKind Kind, PartyGroupId? Group, string Topic);

    /// What identifies a meeting even when a row cannot name its branch (an unknown member): a bad row taints
    /// every meeting it may belong to, so none is recorded without it.
    private sealed record LooseKey(DateOnly Date, MeetingKind Kind, string Topic);

    private sealed record AttendanceLine(RowReader Reader, MeetingKey? Key, LooseKey? Loose, MemberId? Member, AttendanceStatus? Status, MeetingMode? Mode);

    private void PlanAttendance(RowReader r, MeetingKind kind, DateOnly? date, BranchId? branch, MemberEntry? member, List<AttendanceLine> lines)
    {
        var status = r.Enum<AttendanceStatus>(C.Attendance);
        var mode = r.Enum<MeetingMode>(C.Mode, required: false);
        var topic = r.Text(C.Text, max: 200);
        PartyGroupId? group = null;
        if (kind == MeetingKind.PartyGroupMeeting)
        {
            group = r.Id<PartyGroupId>(C.Group, required: false) ?? member?.Group;
            if (group is { } g && !_org.Groups.ContainsKey(g))
                r.Problem(C.Group, "unknown-group", $"党小组 {g} 不存在", $"party group {g} is not registered");
            else if (group is null && member is not null)
                r.Problem(C.Group, "required", "党小组会须填写党小组（该党员未编入党小组）", "a party-group meeting needs its group (the member is in none)");
        }
        var loose = date is { } d && topic is not null ? new LooseKey(d, kind, topic) : null;
        var meetingBranch = branch ?? (member is not null && date is { } on ? member.BranchOn(on) : null);
        var key = loose is not null && meetingBranch is { } b ? new MeetingKey(b, loose.Date, kind, group, loose.Topic) : null;
        lines.Add(new AttendanceLine(r, key, loose, member?.Id, status, mode));
    }

    private async Task PlanMeetingsAsync(List<AttendanceLine> lines, ImportPlan plan, CancellationToken ct)
    {
        var tainted = new Dictionary<LooseKey, int>();
        foreach (var line in lines.Where(l => l.Reader.Any && l.Loose is not null))
            tainted.TryAdd(line.Loose!, line.Reader.Row.Number);
        foreach (var line in lines.Where(l => l.Key is null)) plan.Reject(line.Reader.Row, line.Reader.Problems);

        foreach (var meeting in lines.Where(l => l.Key is not null).GroupBy(l => l.Key!))
        {
            ct.ThrowIfCancellationRequested();
            var rows = meeting.ToList();
            var firstBad = rows.FirstOrDefault(l => l.Reader.Any)?.Reader.Row.Number ?? tainted.GetValueOrDefault(meeting.First().Loose!);
            if (firstBad > 0)
            {
                RejectMeeting(plan, rows, firstBad);
                continue;
            }

            // One member once per meeting; one mode per meeting.
            var seen = new Dictionary<MemberId, LedgerRow>();
            foreach (var line in rows)
                if (!seen.TryAdd(line.Member!.Value, line.Reader.Row) && seen[line.Member.Value] is var earlier)
                    line.Reader.Problem(C.MemberId, "duplicate-attendance",
                        $"党员 {line.Member} 在同一会议中重复出现（第 {earlier.Number} 行）", $"member {line.Member} is listed twice for this meeting (row {earlier.Number})",
                        cites: earlier.Source == line.Reader.Row.Source ? earlier.Number : null);
            var mode = rows.Select(l => l.Mode).FirstOrDefault(m => m is not null) ?? MeetingMode.InPerson;
            foreach (var line in rows.Where(l => l.Mode is { } m && m != mode))
                line.Reader.Problem(C.Mode, "mode-differs", $"同一会议的形式应一致（{ChineseNames.Of(mode)}）", $"one meeting has one mode ({mode})");

            var key = meeting.Key;
            var fact = new MeetingHeld(ImportIds.For("meeting", key.Branch.Value, Day(key.Date), key.Kind.ToString(), key.Group?.Value ?? "", key.Topic),
                key.Date, key.Branch, key.Group, key.Kind, mode, key.Topic,
                [.. rows.Where(l => !l.Reader.Any).Select(l => new AttendanceEntry(l.Member!.Value, l.Status!.Value))]);
            if (!rows.Any(l => l.Reader.Any)) CheckMeeting(fact, rows);
            if (rows.FirstOrDefault(l => l.Reader.Any) is { } bad)
            {
                RejectMeeting(plan, rows, bad.Reader.Row.Number);
                continue;
            }

            var first = rows[0].Reader;
            if (await NewFactsAsync(first, [fact], reviewerDefaulted: false, ct).ConfigureAwait(false) is not { } fresh)
            {
                foreach (var line in rows.Skip(1))
                    line.Reader.Problem(null, first.Problems[^1].Code, first.Problems[^1].Zh, first.Problems[^1].En);
                foreach (var line in rows) plan.Reject(line.Reader.Row, line.Reader.Problems);
                continue;
            }
            Add(plan, plan.Facts, [.. rows.Select(l => l.Reader.Row)], fresh);
        }
    }

    /// The API's checks of the meeting, each problem on the row it is about (an attendee) or on every row
    /// (the date, the branch).
    private void CheckMeeting(MeetingHeld fact, List<AttendanceLine> rows)
    {
        var problems = new RowReader(rows[0].Reader.Row);
        var fields = new List<(string Field, string Code)>();
        Check(problems, fact, _org, (field, code) =>
        {
            fields.Add((field, code));
            return null;
        });
        for (var i = 0; i < problems.Problems.Count; i++)
        {
            var (field, code) = fields[i];
            var p = problems.Problems[i];
            if (field.StartsWith("attendance[", StringComparison.Ordinal)
                && int.TryParse(field.AsSpan(11, field.IndexOf(']', StringComparison.Ordinal) - 11), out var index) && index < rows.Count)
            {
                rows[index].Reader.Problem(code == "member-not-in-branch" ? C.Branch : C.MemberId, p.Code, p.Zh, p.En);
                continue;
            }
            LedgerColumn? column = field switch
            {
                "occurredOn" => C.Date,
                "branch" => C.Branch,
                "group" => C.Group,
                "attendance" => C.MemberId,
                _ => null,
            };
            foreach (var line in rows) line.Reader.Problem(column, p.Code, p.Zh, p.En);
        }
    }

    private static void RejectMeeting(ImportPlan plan, List<AttendanceLine> rows, int badRow)
    {
        foreach (var line in rows)
        {
            if (!line.Reader.Any)
                line.Reader.Problem(null, "meeting-incomplete",
                    $"同一会议的第 {badRow} 行有错误，整场会议（含本行）未导入；改正后重新导入即可",
                    $"row {badRow} of the same meeting is invalid, so the whole meeting (this row too) was not imported; fix it and import again",
                    cites: badRow);
            plan.Reject(line.Reader.Row, line.Reader.Problems);
        }
    }
}
