using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_a_fact_is_checked_before_recording
{
    private static readonly DateOnly Day = new(2025, 5, 1);

    [Fact]
    public void a_member_listed_twice_on_a_meeting_is_reported()
    {
        var m = new MemberId("m-1");
        var meeting = new MeetingHeld(new FactId("mt"), Day, DomainGen.Branch, null, MeetingKind.GeneralMeeting, MeetingMode.InPerson, "",
            [new AttendanceEntry(m, AttendanceStatus.Present), new AttendanceEntry(m, AttendanceStatus.Absent)]);
        Assert.Equal("duplicate-attendance", Assert.Single(FactChecks.Problems(meeting)).Code);
    }

    [Fact]
    public void an_adjustment_needs_points_a_reason_and_an_approver()
    {
        var adjustment = new ManualAdjustment(new FactId("a"), Day, new MemberId("m"), Points.Zero, " ", "");
        Assert.Equal(["zero-adjustment", "missing-reason", "missing-approver"], FactChecks.Problems(adjustment).Select(p => p.Code));
    }

    [Fact]
    public void a_sound_fact_has_no_problems()
    {
        Assert.Empty(FactChecks.Problems(new VolunteerServiceLogged(new FactId("v"), Day, new MemberId("m"), 2.5m, "社区服务", "社区书记")));
    }
}
