using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

/// One member's 2025, computed by hand first, then by the engine.
///
/// Rule set 2025.1: base 60, total never below 0.
///   党员大会 present/late +5, at most 10 a year   | 党课 present/late +3
///   late −1, absent −3 (流动 members exempt); deductions at most −6 a year (category floor)
///   volunteer 1 point/hour, at most 2 h an activity, half points rounded down
///   suggestion: 一般 1 / 有价值 3 / 重要价值 5 / 采纳 8
///   quarterly full attendance (every 党员大会 and 党课 of the quarter present) +2, dated the quarter's last day
///
///   date        fact                               requested  granted  running  why
///   01-01       base score                              60       60       60
///   01-10  f01  党员大会 present                          5        5       65     general 5/10
///   02-14  f02  党课 present                              3        3       68
///   03-05  f03  党员大会 present                          5        5       73     general 10/10
///   03-31       Q1 full attendance                       2        2       75
///   04-08  f04  党员大会 late: general                    5        0       75     yearly cap 10 reached
///                              late                      −1       −1       74     deductions −1
///   05-20  f05  volunteer 3.5 h (counts 2 h)             2        2       76
///   06-12  f06  党课 absent                  (revoked)   −3       —        —      revoked on 11-01 (was on leave)
///   07-01  f07  suggestion 有价值                         3        3       79
///   08-15  f08  党员大会 absent                           −3       −3       76     deductions −4 (−7 → floor −6 before f06 was revoked: −2)
///   09-09  f09  volunteer 1.25 h → 1.25 → 1.0            1        1       77
///   10-10  f10  党课 present                              3        3       80
///   12-31       Q4 full attendance                       2        2       82     (Q2: f04 late; Q3: f08 absent → none)
///   total 82
public sealed class when_a_members_year_is_scored
{
    private static readonly RuleSet Scheme = new(
        new RuleSetVersion("2025.1"), new DateOnly(2025, 1, 1), "示例", 60, [Cap.YearlyFloor(0)],
        [
            new ScoringCategory("attendance", "出勤", []),
            new ScoringCategory("deduction", "扣分", [Cap.YearlyFloor(-6)]),
            new ScoringCategory("volunteer", "志愿服务", []),
            new ScoringCategory("suggestion", "建议", []),
        ],
        [
            TestRules.Present("general", MeetingKind.GeneralMeeting, 5, TestRules.Yearly(10)),
            TestRules.Present("lecture", MeetingKind.PartyLecture, 3),
            Rule.Fixed("late", "deduction", FactKind.Attendance, -1, new RuleConditions(Attendance: [AttendanceStatus.Late])),
            Rule.Fixed("absent", "deduction", FactKind.Attendance, -3,
                new RuleConditions(Attendance: [AttendanceStatus.Absent], ExemptCategories: [MemberCategory.Mobile])),
            TestRules.Volunteer("volunteer", 1, 2m, new Rounding(0.5m, RoundingMode.Down)),
            TestRules.SuggestionTable("suggestion",
                (SuggestionLevel.General, 1), (SuggestionLevel.Valuable, 3), (SuggestionLevel.HighlyValuable, 5), (SuggestionLevel.Adopted, 8)),
        ],
        [
            new PeriodBonus(new RuleId("full-attendance"), "季度全勤", "attendance", PeriodKind.Quarter,
                [MeetingKind.GeneralMeeting, MeetingKind.PartyLecture], [AttendanceStatus.Present], 1, 2, []),
        ],
        null);

    private static readonly MemberId Zhang = new("zhang-san");

    private static AttendanceRecorded Meeting(string id, string date, MeetingKind kind, AttendanceStatus status) =>
        new(new FactId(id), DateOnly.Parse(date), Zhang, DomainGen.Branch, kind, MeetingMode.InPerson, status);

    private static readonly MemberFact[] Year =
    [
        Meeting("f01", "2025-01-10", MeetingKind.GeneralMeeting, AttendanceStatus.Present),
        Meeting("f02", "2025-02-14", MeetingKind.PartyLecture, AttendanceStatus.Present),
        Meeting("f03", "2025-03-05", MeetingKind.GeneralMeeting, AttendanceStatus.Present),
        Meeting("f04", "2025-04-08", MeetingKind.GeneralMeeting, AttendanceStatus.Late),
        new VolunteerServiceRecorded(new FactId("f05"), new DateOnly(2025, 5, 20), Zhang, 3.5m, "做24小时党员"),
        Meeting("f06", "2025-06-12", MeetingKind.PartyLecture, AttendanceStatus.Absent),
        new SuggestionAssessmentRecorded(new FactId("f07"), new DateOnly(2025, 7, 1), Zhang, new FactId("s-7"), SuggestionLevel.Valuable),
        Meeting("f08", "2025-08-15", MeetingKind.GeneralMeeting, AttendanceStatus.Absent),
        new VolunteerServiceRecorded(new FactId("f09"), new DateOnly(2025, 9, 9), Zhang, 1.25m, "义务植树"),
        Meeting("f10", "2025-10-10", MeetingKind.PartyLecture, AttendanceStatus.Present),
    ];

    private static readonly RevokeFact RevokeF06 =
        new(new RevocationRecorded(new FactId("rev-f06"), new DateOnly(2025, 11, 1), Zhang, new FactId("f06"), "当日已请假，误记缺席"));

    private static MemberHarness ScoredYear()
    {
        var member = new MemberHarness(Zhang, RuleBook.Of(Scheme));
        member.Handle(new OpenYear(Zhang, 2025));
        member.HandleAll(CommandGen.Scores(Year));
        return member;
    }

    [Fact]
    public void the_ledger_matches_the_hand_computation()
    {
        var member = ScoredYear();
        member.Handle(RevokeF06);

        var lines = member.State.LinesIn(2025).Select(l => (l.AwardId, l.Granted.Value)).ToList();
        Assert.Equal(
        [
            ("base/2025", 60m),
            ("f01/general", 5m),
            ("f02/lecture", 3m),
            ("f03/general", 5m),
            ("full-attendance/2025-Q1", 2m),
            ("f04/general", 0m),
            ("f04/late", -1m),
            ("f05/volunteer", 2m),
            ("f07/suggestion", 3m),
            ("f08/absent", -3m),
            ("f09/volunteer", 1m),
            ("f10/lecture", 3m),
            ("full-attendance/2025-Q4", 2m),
        ], lines);
        Assert.Equal(82m, member.Total(2025));
    }

    [Fact]
    public void before_the_revocation_the_deduction_floor_clipped_the_august_absence()
    {
        var member = ScoredYear();
        Assert.Equal(-2m, member.State.LedgerIn(2025)["f08/absent"].Granted.Value);
        Assert.Contains("deduction", member.State.LedgerIn(2025)["f08/absent"].CapNote);
        Assert.Equal(80m, member.Total(2025));
    }

    [Fact]
    public void the_revocation_reverts_the_absence_and_reallocates_the_floor()
    {
        var member = ScoredYear();
        var events = member.Emitted(RevokeF06);

        Assert.IsType<RevocationRecorded>(events[0]);
        var reverted = Assert.Single(events.OfType<PointsReverted>());
        Assert.Equal(("f06/absent", -3m), (reverted.AwardId, reverted.Granted.Value));
        var corrected = Assert.Single(events.OfType<PointsCorrected>());
        Assert.Equal(("f08/absent", -2m, -3m), (corrected.AwardId, corrected.OldGranted.Value, corrected.NewGranted.Value));
        Assert.Equal(3, events.Count);
    }

    [Fact]
    public void the_cap_note_explains_the_zero_for_the_april_meeting()
    {
        var line = ScoredYear().State.LedgerIn(2025)["f04/general"];
        Assert.Equal((5m, 0m), (line.Requested.Value, line.Granted.Value));
        Assert.Equal("上限已满 cap reached: 规则 rule general 每年 per year ≤ 10: requested 5, granted 0", line.CapNote);
    }

    [Fact]
    public void a_mobile_member_is_not_punished_for_the_august_absence()
    {
        // Given the member became 流动 (working away) on 1 August, recorded in November
        var member = ScoredYear();
        member.Handle(RevokeF06);
        var events = member.Emitted(new RecordMembership(new Organisation.MemberCategoryChanged(
            new FactId("cat-1"), new DateOnly(2025, 8, 1), Zhang, MemberCategory.Mobile, "外出务工")));
        // Then the August absence deduction is reverted and nothing else changes
        Assert.Equal("f08/absent", Assert.Single(events.OfType<PointsReverted>()).AwardId);
        Assert.Empty(events.OfType<PointsCorrected>());
        Assert.Equal(85m, member.Total(2025));
    }
}
