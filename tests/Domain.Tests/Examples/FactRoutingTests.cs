using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_a_fact_is_routed_to_members
{
    private static readonly DateOnly Day = new(2025, 4, 1);

    [Fact]
    public void a_forty_member_meeting_becomes_forty_member_facts_with_each_members_status()
    {
        var attendance = Enumerable.Range(1, 40)
            .Select(i => new AttendanceEntry(new MemberId($"m-{i:000}"), i % 10 == 0 ? AttendanceStatus.Absent : AttendanceStatus.Present))
            .ToList();
        var meeting = new MeetingHeld(new FactId("mt-1"), Day, DomainGen.Branch, null, MeetingKind.ThemePartyDay, MeetingMode.Online, "QQ群主题党日", attendance);

        var facts = FactRouting.Route(meeting).Cast<ScoreFact>().Select(c => (AttendanceRecorded)c.Fact).ToList();

        Assert.Equal(40, facts.Count);
        Assert.Equal(attendance.Select(a => a.Member), facts.Select(f => f.Member));
        Assert.All(facts, f => Assert.Equal((meeting.FactId, Day, DomainGen.Branch, MeetingKind.ThemePartyDay, MeetingMode.Online),
            (f.FactId, f.OccurredOn, f.Branch, f.Meeting, f.Mode)));
        Assert.Equal(4, facts.Count(f => f.Status == AttendanceStatus.Absent));
    }

    [Fact]
    public void a_member_listed_twice_gets_the_meeting_once_with_the_first_status()
    {
        var m = new MemberId("m-1");
        var meeting = new MeetingHeld(new FactId("mt-2"), Day, DomainGen.Branch, null, MeetingKind.PartyLecture, MeetingMode.InPerson, "党课",
            [new AttendanceEntry(m, AttendanceStatus.Excused), new AttendanceEntry(m, AttendanceStatus.Present)]);
        var fact = (AttendanceRecorded)Assert.IsType<ScoreFact>(Assert.Single(FactRouting.Route(meeting))).Fact;
        Assert.Equal(AttendanceStatus.Excused, fact.Status);
    }

    [Fact]
    public void a_revocation_goes_to_every_member_the_revoked_fact_concerned()
    {
        var revoked = new FactRevoked(new FactId("r-1"), Day, new FactId("mt-1"), "会议记录重复", [new MemberId("a"), new MemberId("b")]);
        var commands = FactRouting.Route(revoked).Cast<RevokeFact>().ToList();
        Assert.Equal(["a", "b"], commands.Select(c => c.Member.Value));
        Assert.All(commands, c => Assert.Equal(new FactId("mt-1"), c.Revocation.Target));
    }

    [Fact]
    public void single_member_facts_go_to_that_member()
    {
        var m = new MemberId("m-9");
        IFact[] facts =
        [
            new SuggestionAssessed(new FactId("1"), Day, new FactId("s"), m, SuggestionLevel.Adopted, "支委会"),
            new GoldenIdeaAwarded(new FactId("2"), Day, new FactId("g"), m, GoldenIdeaLevel.First, "评审组"),
            new GoldenIdeaImplemented(new FactId("3"), Day, new FactId("g"), m),
            new VolunteerServiceLogged(new FactId("4"), Day, m, 2, "社区服务", "社区"),
            new ManualAdjustment(new FactId("5"), Day, m, -2, "违纪", "党委"),
            new MemberEnrolled(new FactId("6"), Day, m, "李四", DomainGen.Branch, null, MemberStatus.Probationary, MemberCategory.Regular),
            new MemberCategoryChanged(new FactId("7"), Day, m, MemberCategory.Retired, "退休"),
        ];
        Assert.All(facts, f => Assert.Equal(m, Assert.Single(FactRouting.Route(f)).Member));
    }

    [Fact]
    public void organisation_wide_facts_and_submissions_go_to_no_member()
    {
        IFact[] facts =
        [
            new BranchRegistered(new FactId("1"), Day, DomainGen.Branch, "支部", null),
            new YearClosed(new FactId("2"), Day, 2024),
            new RuleSetPublished(new FactId("3"), Day, new RuleSetVersion("v"), Day, "{}"),
            new SuggestionSubmitted(new FactId("4"), Day, new MemberId("m"), DomainGen.Branch, "建议"),
        ];
        Assert.All(facts, f => Assert.Empty(FactRouting.Route(f)));
    }
}
