using Newtonsoft.Json;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Store;

namespace PointsEngine.Engine.Tests.Serialization;

/// Snapshots: a member's state written as JSON and read back equals the state.
public sealed class when_a_member_state_is_snapshotted
{
    private static readonly MemberId M = new("m-001");
    private static readonly BranchId B = new("b-01");

    private static MemberState Busy()
    {
        var book = RuleBook.Of(RuleSetDocument.Default());
        var state = MemberScoring.Initial(M);
        MemberCommand[] commands =
        [
            new RecordMembership(new MemberEnrolled(new FactId("e"), new DateOnly(2024, 9, 1), M, "张三", B, new PartyGroupId("g-1"), MemberStatus.Probationary, MemberCategory.Regular)),
            new ScoreFact(new AttendanceRecorded(new FactId("a1"), new DateOnly(2025, 1, 10), M, B, MeetingKind.GeneralMeeting, MeetingMode.Online, AttendanceStatus.Present)),
            new ScoreFact(new AttendanceRecorded(new FactId("a2"), new DateOnly(2025, 2, 10), M, B, MeetingKind.PartyLecture, MeetingMode.InPerson, AttendanceStatus.Absent)),
            new ScoreFact(new SuggestionAssessmentRecorded(new FactId("s1"), new DateOnly(2025, 3, 1), M, new FactId("sg"), SuggestionLevel.Valuable)),
            new ScoreFact(new GoldenIdeaAwardRecorded(new FactId("g1"), new DateOnly(2025, 4, 1), M, new FactId("gi"), GoldenIdeaLevel.Third)),
            new ScoreFact(new GoldenIdeaImplementationRecorded(new FactId("g2"), new DateOnly(2025, 6, 1), M, new FactId("gi"))),
            new ScoreFact(new VolunteerServiceRecorded(new FactId("v1"), new DateOnly(2025, 5, 1), M, 3.5m, "社区服务")),
            new ScoreFact(new AdjustmentRecorded(new FactId("j1"), new DateOnly(2025, 7, 1), M, new Points(-2), "违纪", "党委")),
            new RevokeFact(new RevocationRecorded(new FactId("r1"), new DateOnly(2025, 8, 1), M, new FactId("a2"), "误记")),
            new RecordMembership(new MemberStatusChanged(new FactId("st"), new DateOnly(2025, 9, 1), M, MemberStatus.Full)),
            new RecordMembership(new MemberCategoryChanged(new FactId("c1"), new DateOnly(2025, 10, 1), M, MemberCategory.Mobile, "外出务工")),
            new RecordMembership(new MemberTransferred(new FactId("t1"), new DateOnly(2025, 11, 1), M, B, new BranchId("b-02"), null)),
            new OpenYear(M, 2026),
        ];
        foreach (var command in commands)
            state = ((Accepted)MemberScoring.Decide(state, command, book)).Events.Aggregate(state, MemberScoring.Evolve);
        return state;
    }

    [Fact]
    public void the_state_read_back_from_json_equals_the_state()
    {
        var state = Busy();
        var json = JsonConvert.SerializeObject(MemberStateDocument.From(state), EventSerializer.Settings);
        var read = JsonConvert.DeserializeObject<MemberStateDocument>(json, EventSerializer.Settings)!.ToState();

        Assert.Equal(state, read);
        Assert.Equal(state.TotalIn(2025), read.TotalIn(2025));
        Assert.Contains(new FactId("a2"), read.Revoked);
        Assert.Equal(MemberCategory.Mobile, read.Profile.On(new DateOnly(2025, 12, 31)).Category);
        Assert.True(state.TotalIn(2026).Value == 60m, "2026 opened with its base score");
    }
}
