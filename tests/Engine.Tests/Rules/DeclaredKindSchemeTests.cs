using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Rules;

// #22: two published schemes expressed in full with declared kinds (tests/TestSupport/Rules/schemes), each with a member
// year computed by hand and reproduced line by line. Every record goes the way the API sends it: checked against the
// declaration (ActivityRecording), recorded as one ActivityLogged, routed to the member and scored.

internal sealed class SchemeYear(string document, int year)
{
    private static readonly MemberId M = new("m-001");
    private readonly RuleSet _set = RuleSetDocument.Parse(document);
    private MemberState _state = MemberScoring.Initial(M);
    private int _next;

    public RuleSet Set => _set;

    public SchemeYear Open() => Apply(new OpenYear(M, year));

    public SchemeYear Activity(string date, string kind, params ActivityInput[] values)
    {
        var declaration = _set.KindOf(kind) ?? throw new InvalidOperationException($"{kind} is not declared");
        var (read, problems) = ActivityRecording.Read(declaration, values);
        Assert.Empty(problems);
        var fact = new ActivityLogged(NextId(), DateOnly.Parse(date), M, kind, _set.Version, read, declaration.Name, declaration.Describe(read));
        foreach (var command in FactRouting.Route(fact)) Apply(command);
        return this;
    }

    public SchemeYear Meeting(string date, MeetingKind kind, AttendanceStatus status)
    {
        var fact = new MeetingHeld(NextId(), DateOnly.Parse(date), new BranchId("b-01"), null, kind, MeetingMode.InPerson, "会议", [new AttendanceEntry(M, status)]);
        foreach (var command in FactRouting.Route(fact)) Apply(command);
        return this;
    }

    /// (award id, requested, granted) in date order, the base line first.
    public List<(string Line, decimal Requested, decimal Granted)> Lines =>
        [.. _state.LinesIn(year).OrderBy(l => l.OccurredOn).ThenBy(l => l.FactId is null ? 0 : 1).ThenBy(l => l.AwardId, StringComparer.Ordinal)
            .Select(l => (l.AwardId, l.Requested.Value, l.Granted.Value))];

    public decimal Total => _state.TotalIn(year).Value;

    private FactId NextId() => new($"f{++_next:00}");

    private SchemeYear Apply(MemberCommand command)
    {
        var decision = MemberScoring.Decide(_state, command, RuleBook.Of(_set));
        _state = decision is Accepted accepted ? accepted.Events.Aggregate(_state, MemberScoring.Evolve) : throw new InvalidOperationException($"{command} was rejected");
        return this;
    }
}

public sealed class when_the_city_foreign_affairs_office_scheme_scores_a_member_year
{
    [Fact]
    public void the_hand_computed_2024_is_reproduced_line_by_line()
    {
        var year = new SchemeYear(RealSchemes.Document(RealSchemes.Waiban), 2024).Open()
            .Meeting("2024-01-10", MeetingKind.GeneralMeeting, AttendanceStatus.Present)                          // f01 三会一课 +1
            .Activity("2024-03-05", "training", new ActivityInput("days", Number: 1))                             // f02 培训 1 天 +1
            .Activity("2024-04-10", "article", new ActivityInput("title", Text: "学习心得"), new ActivityInput("cityAward", YesNo: true)) // f03 +3, 市级表彰 +3
            .Activity("2024-05-20", "training", new ActivityInput("days", Number: 21, Unit: "天"))                // f04 1 周至 1 个月 +2
            .Activity("2024-06-15", "micro-lecture", new ActivityInput("form", Text: "微党课"))                   // f05 +3
            .Meeting("2024-07-01", MeetingKind.PartyGroupMeeting, AttendanceStatus.Absent)                        // f06 缺席：本办法此项无扣分
            .Activity("2024-09-01", "training", new ActivityInput("days", Number: 70))                            // f07 2 个月以上 +3
            .Activity("2024-10-12", "invited-lecture", new ActivityInput("topic", Text: "外事工作中的党建"))       // f08 +5
            .Activity("2024-11-05", "micro-lecture", new ActivityInput("form", Text: "微宣讲"), new ActivityInput("cityLevel", YesNo: true)); // f09 +3 +3

        Assert.Equal(
        [
            ("base/2024", 60m, 60m),
            ("f01/attend", 1m, 1m),
            ("f02/training", 1m, 1m),
            ("f03/article", 3m, 3m),
            ("f03/article.city-award", 3m, 3m),
            ("f04/training", 2m, 2m),
            ("f05/micro-lecture", 3m, 3m),
            ("f07/training", 3m, 3m),
            ("f08/invited-lecture", 5m, 5m),
            ("f09/micro-lecture", 3m, 3m),
            ("f09/micro-lecture.city", 3m, 3m),
        ], year.Lines);
        Assert.Equal(60m + 1 + 1 + 3 + 3 + 2 + 3 + 3 + 5 + 3 + 3, year.Total); // 87
    }

    [Fact]
    public void the_scheme_declares_every_item_it_scores_with_who_may_record_it()
    {
        var set = RuleSetDocument.Parse(RealSchemes.Document(RealSchemes.Waiban));
        Assert.Equal(["training", "article", "micro-lecture", "invited-lecture"], set.Kinds.Select(k => k.Id));
        Assert.All(set.Rules.Where(r => r.Fact == FactKind.Activity), r => Assert.NotNull(set.KindOf(r.Activity!)));
        Assert.Equal([ActivityRecorder.Secretary], set.KindOf("invited-lecture")!.RecordedBy);
    }
}

public sealed class when_the_scoring_guide_scores_theory_study_and_organisation_life
{
    [Fact]
    public void the_hand_computed_2025_is_reproduced_line_by_line()
    {
        var year = new SchemeYear(RealSchemes.Document(RealSchemes.StudyGuide), 2025).Open();
        // Group study on the 8th of January to August: +2 each, the yearly 12 is full after six.
        for (var month = 1; month <= 8; month++) year.Activity($"2025-{month:00}-08", "group-study", new ActivityInput("topic", Text: $"第 {month} 次集中学习"));
        year.Activity("2025-02-20", "study-notes", new ActivityInput("pieces", Number: 2))       // f09 2 篇，一季度限 1 分
            .Activity("2025-03-25", "study-notes", new ActivityInput("pieces", Number: 1))       // f10 一季度已满
            .Activity("2025-05-15", "study-notes", new ActivityInput("pieces", Number: 1))       // f11 +1
            .Activity("2025-11-10", "study-notes", new ActivityInput("pieces", Number: 1))       // f12 +1
            .Activity("2025-03-01", "reflection", new ActivityInput("title", Text: "心得一"))      // f13 +1
            .Activity("2025-03-15", "reflection", new ActivityInput("title", Text: "心得二"))      // f14 一季度已满
            .Activity("2025-06-30", "reflection", new ActivityInput("title", Text: "心得三"))      // f15 +1
            .Activity("2025-09-30", "reflection", new ActivityInput("title", Text: "心得四"))      // f16 +1
            .Meeting("2025-01-15", MeetingKind.GeneralMeeting, AttendanceStatus.Present)          // f17 三会一课 +3
            .Meeting("2025-04-20", MeetingKind.PartyLecture, AttendanceStatus.Late)               // f18 迟到也计 +3
            .Meeting("2025-05-05", MeetingKind.ThemePartyDay, AttendanceStatus.Present)           // f19 主题党日 +2
            .Meeting("2025-06-10", MeetingKind.PartyGroupMeeting, AttendanceStatus.Excused);      // f20 请假：无计分项

        Assert.Equal(
        [
            ("f01/group-study", 2m, 2m),
            ("f17/three-meetings-one-lecture", 3m, 3m),
            ("f02/group-study", 2m, 2m),
            ("f09/study-notes", 2m, 1m),
            ("f13/reflection", 1m, 1m),
            ("f03/group-study", 2m, 2m),
            ("f14/reflection", 1m, 0m),
            ("f10/study-notes", 1m, 0m),
            ("f04/group-study", 2m, 2m),
            ("f18/three-meetings-one-lecture", 3m, 3m),
            ("f19/theme-party-day", 2m, 2m),
            ("f05/group-study", 2m, 2m),
            ("f11/study-notes", 1m, 1m),
            ("f06/group-study", 2m, 2m),
            ("f15/reflection", 1m, 1m),
            ("f07/group-study", 2m, 0m),
            ("f08/group-study", 2m, 0m),
            ("f16/reflection", 1m, 1m),
            ("f12/study-notes", 1m, 1m),
        ], year.Lines);
        Assert.Equal(12m + 3 + 3 + 8, year.Total); // 政治理论学习 12 + 3 + 3 = 18, 组织生活参与 3 + 3 + 2 = 8: 26
    }
}
