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
        var book = RuleBook.Of(RuleSetDocument.Parse(PointsEngine.TestSupport.TypicalRules.Document()));
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

    // Written by the engine before ledger lines pointed at their facts by position (commit ee4fefb): the
    // snapshot document's shape is stored data, so a document of that time must read back as the same state.
    private const string EarlierDocument = """
        {"Member":"m-001","Facts":[{"Attendance":{"Branch":"b-01","Meeting":"GeneralMeeting","Mode":"Online","Status":"Present","FactId":"a1","OccurredOn":"2025-01-10","Member":"m-001"},"SuggestionAssessment":null,"GoldenIdeaAward":null,"GoldenIdeaImplementation":null,"VolunteerService":null,"Adjustment":null},{"Attendance":{"Branch":"b-01","Meeting":"PartyLecture","Mode":"InPerson","Status":"Absent","FactId":"a2","OccurredOn":"2025-02-10","Member":"m-001"},"SuggestionAssessment":null,"GoldenIdeaAward":null,"GoldenIdeaImplementation":null,"VolunteerService":null,"Adjustment":null},{"Attendance":null,"SuggestionAssessment":null,"GoldenIdeaAward":null,"GoldenIdeaImplementation":null,"VolunteerService":{"Hours":3.5,"Activity":"社区服务","FactId":"v1","OccurredOn":"2025-05-01","Member":"m-001"},"Adjustment":null}],"Changes":[{"Enrolled":{"FactId":"e","OccurredOn":"2024-09-01","Member":"m-001","Name":"张三","Branch":"b-01","Group":"g-1","Status":"Probationary","Category":"Regular"},"Transferred":null,"Left":null,"CategoryChanged":null,"StatusChanged":null},{"Enrolled":null,"Transferred":{"FactId":"t1","OccurredOn":"2025-11-01","Member":"m-001","FromBranch":"b-01","ToBranch":"b-02","ToGroup":null},"Left":null,"CategoryChanged":null,"StatusChanged":null}],"Seen":[{"Fact":"a1","OccurredOn":"2025-01-10"},{"Fact":"a2","OccurredOn":"2025-02-10"},{"Fact":"e","OccurredOn":"2024-09-01"},{"Fact":"r1","OccurredOn":"2025-08-01"},{"Fact":"t1","OccurredOn":"2025-11-01"},{"Fact":"v1","OccurredOn":"2025-05-01"}],"Revoked":["a2"],"Years":[2024,2025,2026],"Ledger":[{"AwardId":"a1/attend.general-meeting","FactId":"a1","Rule":"attend.general-meeting","Version":"default-2025.1","Category":"attendance","OccurredOn":"2025-01-10","Requested":"5","Granted":"5","CapNote":null},{"AwardId":"base/2025","FactId":null,"Rule":"base","Version":"default-2025.1","Category":"base","OccurredOn":"2025-01-01","Requested":"60","Granted":"60","CapNote":null},{"AwardId":"full-attendance/2025-Q1","FactId":null,"Rule":"full-attendance","Version":"default-2025.1","Category":"attendance","OccurredOn":"2025-03-31","Requested":"2","Granted":"2","CapNote":null},{"AwardId":"v1/volunteer","FactId":"v1","Rule":"volunteer","Version":"default-2025.1","Category":"volunteer","OccurredOn":"2025-05-01","Requested":"3.5","Granted":"3.5","CapNote":null},{"AwardId":"base/2026","FactId":null,"Rule":"base","Version":"default-2025.1","Category":"base","OccurredOn":"2026-01-01","Requested":"60","Granted":"60","CapNote":null}]}
        """;

    [Fact]
    public void a_document_written_by_an_earlier_version_reads_back_as_the_same_state()
    {
        var book = RuleBook.Of(RuleSetDocument.Parse(PointsEngine.TestSupport.TypicalRules.Document()));
        var state = MemberScoring.Initial(M);
        MemberCommand[] commands =
        [
            new RecordMembership(new MemberEnrolled(new FactId("e"), new DateOnly(2024, 9, 1), M, "张三", B, new PartyGroupId("g-1"), MemberStatus.Probationary, MemberCategory.Regular)),
            new ScoreFact(new AttendanceRecorded(new FactId("a2"), new DateOnly(2025, 2, 10), M, B, MeetingKind.PartyLecture, MeetingMode.InPerson, AttendanceStatus.Absent)),
            new ScoreFact(new AttendanceRecorded(new FactId("a1"), new DateOnly(2025, 1, 10), M, B, MeetingKind.GeneralMeeting, MeetingMode.Online, AttendanceStatus.Present)),
            new ScoreFact(new VolunteerServiceRecorded(new FactId("v1"), new DateOnly(2025, 5, 1), M, 3.5m, "社区服务")),
            new RevokeFact(new RevocationRecorded(new FactId("r1"), new DateOnly(2025, 8, 1), M, new FactId("a2"), "误记")),
            new RecordMembership(new MemberTransferred(new FactId("t1"), new DateOnly(2025, 11, 1), M, B, new BranchId("b-02"), null)),
            new OpenYear(M, 2026),
        ];
        foreach (var command in commands)
            state = ((Accepted)MemberScoring.Decide(state, command, book)).Events.Aggregate(state, MemberScoring.Evolve);

        var read = JsonConvert.DeserializeObject<MemberStateDocument>(EarlierDocument, EventSerializer.Settings)!.ToState();

        Assert.Equal(state, read);
        Assert.Equal([2024, 2025, 2026], read.Years);
        Assert.Equal(["base/2025", "a1/attend.general-meeting", "full-attendance/2025-Q1", "v1/volunteer"], read.LinesIn(2025).Select(l => l.AwardId));
        Assert.Equal(70.5m, read.TotalIn(2025).Value);
        Assert.Equal(new FactId("a1"), read.LedgerIn(2025)["a1/attend.general-meeting"].FactId);
        Assert.Equal(60m, read.TotalIn(2026).Value);
        Assert.Equal(["a1", "a2", "v1"], read.FactsIn(2025).Select(f => f.FactId.Value));
        Assert.Contains(new FactId("a2"), read.Revoked);
        Assert.True(read.HasSeen(new FactId("r1")) && read.HasSeen(new FactId("t1")));
        Assert.Equal(new BranchId("b-02"), read.Profile.On(new DateOnly(2025, 12, 1)).Branch);
        // Decided again, the state read back changes nothing.
        Assert.Same(Decision.Nothing, MemberScoring.Decide(read, commands[2], book));
    }
}
