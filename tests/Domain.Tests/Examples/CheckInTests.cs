using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Tests.Examples;

/// #20 签到: a meeting's check-in session decided and folded from its events.
public sealed class when_members_check_in_at_a_meeting
{
    private static readonly BranchId B1 = new("b-01");
    private static readonly MemberId Li = new("m-01"), Wang = new("m-02"), Zhao = new("m-03"), Outsider = new("m-99");
    private static readonly DateTimeOffset Starts = new(2026, 12, 7, 19, 30, 0, TimeSpan.FromHours(8));

    private static CheckInState Opened(PartyGroupId? group = null)
    {
        var decision = CheckIns.Open(null, new FactId("open-1"), B1, MeetingKind.GeneralMeeting, "学习二十大精神", MeetingMode.Online, group,
            Starts, Starts.AddHours(2), 10, [Li, Wang, Zhao], Starts.AddHours(-1));
        Assert.Null(decision.Refusal);
        return CheckIns.Fold([decision.Fact!])!;
    }

    private static CheckInState Apply(CheckInState state, CheckInDecision decision)
    {
        Assert.Null(decision.Refusal);
        return CheckIns.Evolve(state, decision.Fact!)!;
    }

    private static AttendanceStatus StatusOf(CheckInState state, MemberId member) => CheckIns.Attendance(state).Single(a => a.Member == member).Status;

    [Fact]
    public void a_check_in_within_the_grace_is_present_and_one_after_it_is_late_and_nobody_else_is_absent()
    {
        var s = Apply(Opened(), CheckIns.CheckIn(Opened(), new FactId("c1"), Li, null, "qr", Starts.AddMinutes(10)));
        s = Apply(s, CheckIns.CheckIn(s, new FactId("c2"), Wang, null, "link", Starts.AddMinutes(11)));
        Assert.Equal([AttendanceStatus.Present, AttendanceStatus.Late, AttendanceStatus.Absent], CheckIns.Attendance(s).Select(a => a.Status));
        var checkedIn = Assert.IsType<MemberCheckedIn>(s.Recorded[new FactId("c1")]);
        Assert.Equal((Li, "qr", Starts.AddMinutes(10)), (checkedIn.Member, checkedIn.Via, checkedIn.At));
    }

    [Theory]
    [InlineData(-1, "checkin-not-open")]
    [InlineData(121, "checkin-window-ended")]
    public void a_check_in_outside_the_window_is_refused(int minutes, string code)
    {
        var refusal = CheckIns.CheckIn(Opened(), new FactId("c1"), Li, null, "qr", Starts.AddMinutes(minutes)).Refusal;
        Assert.Equal((RefusalKind.Conflict, code), (refusal?.Kind, refusal?.Code));
    }

    [Fact]
    public void a_member_not_expected_is_refused_naming_the_party_group()
    {
        var refusal = CheckIns.CheckIn(Opened(new PartyGroupId("g1")), new FactId("c1"), Outsider, null, "link", Starts).Refusal;
        Assert.Equal((RefusalKind.Forbidden, "checkin-scope"), (refusal?.Kind, refusal?.Code));
        Assert.Contains("党小组 g1", refusal!.Chinese, StringComparison.Ordinal);
    }

    [Fact]
    public void nobody_checks_in_or_asks_leave_for_someone_else()
    {
        Assert.Equal("not-yourself", CheckIns.CheckIn(Opened(), new FactId("c1"), Li, Wang, "qr", Starts).Refusal?.Code);
        Assert.Equal("not-yourself", CheckIns.AskLeave(Opened(), new FactId("l1"), Li, Wang, "出差", Starts.AddHours(-1)).Refusal?.Code);
    }

    [Fact]
    public void checking_in_twice_answers_with_the_first_check_in_even_after_closing()
    {
        var s = Apply(Opened(), CheckIns.CheckIn(Opened(), new FactId("c1"), Li, null, "qr", Starts.AddMinutes(1)));
        var again = CheckIns.CheckIn(s, new FactId("c2"), Li, null, "link", Starts.AddMinutes(30));
        Assert.Equal(new FactId("c1"), again.Fact?.FactId);
        s = Apply(s, CheckIns.Close(s, new FactId("close"), Starts.AddMinutes(90)));
        Assert.Equal(new FactId("c1"), CheckIns.CheckIn(s, new FactId("c3"), Li, null, "qr", Starts.AddMinutes(91)).Fact?.FactId);
    }

    [Fact]
    public void after_closing_nothing_new_is_accepted_and_closing_again_is_the_first_close()
    {
        var s = Apply(Opened(), CheckIns.Close(Opened(), new FactId("close"), Starts.AddMinutes(5)));
        Assert.Equal("checkin-closed", CheckIns.CheckIn(s, new FactId("c1"), Wang, null, "qr", Starts.AddMinutes(6)).Refusal?.Code);
        Assert.Equal("checkin-closed", CheckIns.Mark(s, new FactId("m1"), Wang, AttendanceStatus.Present, Starts.AddMinutes(6)).Refusal?.Code);
        Assert.Equal(new FactId("close"), CheckIns.Close(s, new FactId("close-2"), Starts.AddMinutes(7)).Fact?.FactId);
    }

    [Fact]
    public void leave_is_asked_before_the_start_and_counts_once_approved()
    {
        var s = Apply(Opened(), CheckIns.AskLeave(Opened(), new FactId("l1"), Zhao, null, "出差", Starts.AddMinutes(-5)));
        Assert.Equal(AttendanceStatus.Absent, StatusOf(s, Zhao));
        s = Apply(s, CheckIns.ApproveLeave(s, new FactId("a1"), Zhao, Starts));
        Assert.Equal(AttendanceStatus.Excused, StatusOf(s, Zhao));
        Assert.Equal("leave-too-late", CheckIns.AskLeave(s, new FactId("l2"), Wang, null, "堵车", Starts).Refusal?.Code);
        Assert.Equal("no-leave-request", CheckIns.ApproveLeave(s, new FactId("a2"), Wang, Starts).Refusal?.Code);
    }

    [Fact]
    public void the_secretary_s_latest_hand_mark_counts_over_a_check_in()
    {
        var s = Apply(Opened(), CheckIns.CheckIn(Opened(), new FactId("c1"), Li, null, "qr", Starts.AddMinutes(30)));
        s = Apply(s, CheckIns.Mark(s, new FactId("m1"), Li, AttendanceStatus.Excused, Starts.AddMinutes(31)));
        s = Apply(s, CheckIns.Mark(s, new FactId("m2"), Li, AttendanceStatus.Present, Starts.AddMinutes(32)));
        Assert.Equal(AttendanceStatus.Present, StatusOf(s, Li));
        Assert.Equal("checkin-scope", CheckIns.Mark(s, new FactId("m3"), Outsider, AttendanceStatus.Present, Starts).Refusal?.Code);
    }

    [Fact]
    public void the_closed_list_is_recorded_as_one_meeting_named_after_its_session()
    {
        var s = Apply(Opened(), CheckIns.CheckIn(Opened(), new FactId("c1"), Li, null, "qr", Starts));
        Assert.Null(CheckIns.Meeting(s));
        s = Apply(s, CheckIns.Close(s, new FactId("close"), Starts.AddMinutes(60)));
        var meeting = CheckIns.Meeting(s)!;
        Assert.Equal(new FactId("checkin-" + s.Opened.Session), meeting.FactId);
        Assert.Equal((new DateOnly(2026, 12, 7), B1, MeetingKind.GeneralMeeting, MeetingMode.Online, 3), (meeting.OccurredOn, meeting.Branch, meeting.Kind, meeting.Mode, meeting.Attendance.Count));
        Assert.Equal(8, s.Opened.Session.Length);
    }

    [Fact]
    public void a_window_that_has_ended_or_an_empty_roster_cannot_be_opened()
    {
        CheckInDecision Open(DateTimeOffset ends, IReadOnlyList<MemberId> scope) => CheckIns.Open(null, new FactId("o"), B1, MeetingKind.PartyLecture, "党课",
            MeetingMode.InPerson, null, Starts, ends, 0, scope, Starts.AddHours(3));
        Assert.Equal("window-in-past", Open(Starts.AddHours(2), [Li]).Refusal?.Code);
        Assert.Equal("window-empty", Open(Starts, [Li]).Refusal?.Code);
        Assert.Equal("empty-scope", Open(Starts.AddHours(4), []).Refusal?.Code);
    }
}
