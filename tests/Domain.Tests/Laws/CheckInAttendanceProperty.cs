using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// #20 签到: whatever the interleaving of check-ins, leave requests, approvals, hand marks and a close (some
/// of them refused: outside the window, not expected, after closing), the attendance list the session
/// closes with is the one a deliberately simple reference model computes.
public sealed class when_check_ins_leaves_marks_and_a_close_interleave
{
    private enum Act { CheckIn, Leave, Approve, Mark, Close }

    private sealed record Step(Act Act, int Member, int Minute, AttendanceStatus Status);

    private static readonly DateTimeOffset Starts = new(2026, 12, 7, 19, 30, 0, TimeSpan.FromHours(8));
    private const int WindowMinutes = 90;

    private static MemberId M(int i) => new($"m{i:00}");

    private static Gen<Step> Steps(int expected) =>
        from act in Gen.Frequency((5, Gen.Constant(Act.CheckIn)), (2, Gen.Constant(Act.Leave)), (2, Gen.Constant(Act.Approve)),
            (2, Gen.Constant(Act.Mark)), (1, Gen.Constant(Act.Close)))
        from member in Gen.Choose(0, expected + 1) // the last two are not expected
        // Often on a boundary: the start, the end of a grace, the end of the window, a minute either side.
        from minute in Gen.Frequency((1, Gen.Choose(-40, WindowMinutes + 20)),
            (1, Gen.Elements(-1, 0, 1, 4, 5, 6, 14, 15, 16, WindowMinutes - 1, WindowMinutes, WindowMinutes + 1)))
        from status in Gen.Elements(Enum.GetValues<AttendanceStatus>())
        select new Step(act, member, minute, status);

    /// The list by the rules read plainly: the clock only moves forward; nothing counts after the close.
    private static List<AttendanceStatus> Reference(int expected, int grace, IEnumerable<Step> steps)
    {
        var checkedAt = new Dictionary<int, int>();
        var asked = new HashSet<int>();
        var approved = new HashSet<int>();
        var marks = new Dictionary<int, AttendanceStatus>();
        foreach (var s in steps)
        {
            var inScope = s.Member < expected;
            if (s.Act == Act.Close) break;
            if (s.Act == Act.CheckIn && inScope && s.Minute >= 0 && s.Minute <= WindowMinutes && !checkedAt.ContainsKey(s.Member)) checkedAt[s.Member] = s.Minute;
            if (s.Act == Act.Leave && inScope && s.Minute < 0) asked.Add(s.Member);
            if (s.Act == Act.Approve && asked.Contains(s.Member)) approved.Add(s.Member);
            if (s.Act == Act.Mark && inScope) marks[s.Member] = s.Status;
        }
        return [.. Enumerable.Range(0, expected).Select(m =>
            marks.TryGetValue(m, out var mark) ? mark
            : checkedAt.TryGetValue(m, out var at) ? (at > grace ? AttendanceStatus.Late : AttendanceStatus.Present)
            : approved.Contains(m) ? AttendanceStatus.Excused
            : AttendanceStatus.Absent)];
    }

    [Fact]
    public void the_closed_list_is_the_reference_model_s()
    {
        var cases =
            from expected in Gen.Choose(1, 10)
            from grace in Gen.Elements(0, 5, 15)
            from steps in Steps(expected).ListOf()
            select (Expected: expected, Grace: grace, Steps: steps.OrderBy(s => s.Minute).ToList());

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var scope = Enumerable.Range(0, c.Expected).Select(M).ToList();
            var state = CheckIns.Fold([CheckIns.Open(null, new FactId("open"), new BranchId("b1"), MeetingKind.GeneralMeeting, "t", MeetingMode.InPerson,
                null, Starts, Starts.AddMinutes(WindowMinutes), c.Grace, scope, Starts.AddMinutes(-60)).Fact!])!;
            var i = 0;
            foreach (var s in c.Steps)
            {
                var id = new FactId($"step-{i++}");
                var at = Starts.AddMinutes(s.Minute);
                var decision = s.Act switch
                {
                    Act.CheckIn => CheckIns.CheckIn(state, id, M(s.Member), null, "qr", at),
                    Act.Leave => CheckIns.AskLeave(state, id, M(s.Member), null, "事由", at),
                    Act.Approve => CheckIns.ApproveLeave(state, id, M(s.Member), at),
                    Act.Mark => CheckIns.Mark(state, id, M(s.Member), s.Status, at),
                    _ => CheckIns.Close(state, id, at),
                };
                // Exactly one of a fact or a refusal; a refusal changes nothing, so it is not applied.
                Assert.True(decision.Fact is null != decision.Refusal is null);
                if (decision.Fact is { } fact) state = CheckIns.Evolve(state, fact)!;
            }
            var closed = state.Closed ?? ((CheckInClosed)CheckIns.Close(state, new FactId("close-last"), Starts.AddMinutes(WindowMinutes + 30)).Fact!);
            var expectedList = Reference(c.Expected, c.Grace, c.Steps);
            Assert.Equal(scope, closed.Attendance.Select(a => a.Member));
            Assert.Equal(expectedList, closed.Attendance.Select(a => a.Status));
        }), cases: 200);
    }
}
