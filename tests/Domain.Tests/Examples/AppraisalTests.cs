using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_the_year_end_appraisal_is_made
{
    private static readonly AppraisalScheme Scheme = new(
        PointsWeight: 0.8m, AppraisalWeight: 0.2m,
        Grades:
        [
            new GradeBand("Excellent", "优秀", 90, [new MetricCondition(StandingMetric.AttendanceRate, 0.9m, null)]),
            new GradeBand("Qualified", "合格", 70, []),
            new GradeBand("BasicallyQualified", "基本合格", 60, []),
            new GradeBand("Unqualified", "不合格", 0, []),
        ],
        Vetoes: [new Veto("absence", "无故缺席", new MetricCondition(StandingMetric.UnexcusedAbsences, 1, null), "Excellent")],
        Vanguard: new VanguardRule(TopPercent: 20, MinScore: null, RequireBoth: false, EligibleGrades: ["Excellent"]),
        AbsenceExemptCategories: [MemberCategory.Mobile]);

    private static Standing Member(string id, decimal total, decimal? appraisal = 90, int absences = 0, int listed = 10, int attended = 10, string branch = "b-01") =>
        new(new MemberId(id), new BranchId(branch), 2025, MemberStatus.Full, MemberCategory.Regular, new Points(total), Points.Zero,
            listed, attended, 0, 0, absences, appraisal);

    private static AppraisalResult Of(IReadOnlyList<AppraisalResult> results, string id) => results.Single(r => r.Member.Value == id);

    [Fact]
    public void the_final_score_weights_points_and_the_democratic_appraisal()
    {
        // 95 × 0.8 + 80 × 0.2 = 76 + 16 = 92
        var result = Assert.Single(YearEndAppraisal.Appraise(Scheme with { Vanguard = null }, [Member("a", 95, appraisal: 80)]));
        Assert.Equal((92m, "Excellent", "优秀"), (result.FinalScore, result.Grade, result.GradeName));
        Assert.Contains(result.Reasons, r => r.Contains("95 × 0.8 + 民主评议 appraisal 80 × 0.2"));
    }

    [Fact]
    public void one_unexcused_absence_bars_excellent_whatever_the_score()
    {
        var result = Assert.Single(YearEndAppraisal.Appraise(Scheme, [Member("a", 120, absences: 1)]));
        Assert.Equal("Qualified", result.Grade);
        Assert.Contains(result.Reasons, r => r.Contains("一票否决") && r.Contains("无故缺席"));
        Assert.False(result.Vanguard);
    }

    [Fact]
    public void a_grade_condition_that_is_not_met_drops_to_the_next_grade_with_the_reason()
    {
        var result = Assert.Single(YearEndAppraisal.Appraise(Scheme, [Member("a", 100, listed: 10, attended: 8)]));
        Assert.Equal("Qualified", result.Grade);
        Assert.Contains(result.Reasons, r => r.Contains("AttendanceRate ≥ 0.9 (0.8"));
    }

    [Theory]
    [InlineData(80, "Qualified")]   // 80 × 0.8 + 90 × 0.2 = 82
    [InlineData(60, "BasicallyQualified")] // 48 + 18 = 66
    [InlineData(40, "Unqualified")] // 32 + 18 = 50
    public void thresholds_decide_the_grade(decimal points, string grade)
    {
        Assert.Equal(grade, Assert.Single(YearEndAppraisal.Appraise(Scheme, [Member("a", points)])).Grade);
    }

    [Fact]
    public void the_top_twenty_percent_of_each_branch_among_excellent_members_hold_vanguard_posts()
    {
        // Branch b-01: ten members scoring 100, 99, …, 91 → 2 places; b-02: three members → 1 place
        var standings = Enumerable.Range(0, 10).Select(i => Member($"a{i}", 100 - i, appraisal: 100 - i))
            .Concat(Enumerable.Range(0, 3).Select(i => Member($"b{i}", 95 - i, appraisal: 95 - i, branch: "b-02")))
            .ToList();
        var results = YearEndAppraisal.Appraise(Scheme, standings);
        Assert.Equal(["a0", "a1", "b0"], results.Where(r => r.Vanguard).Select(r => r.Member.Value).Order());
        Assert.Contains(Of(results, "a1").Reasons, r => r.Contains("rank 2/10"));
    }

    [Fact]
    public void a_standing_counts_absences_of_exempt_categories_as_excused()
    {
        // Given a member absent twice, the second time after becoming 流动
        var member = MemberHarness.For("m-1", TestRules.Set("v1", new DateOnly(2020, 1, 1), TestRules.Present("general", MeetingKind.GeneralMeeting, 5)));
        var m = new MemberId("m-1");
        member.Handle(new ScoreFact(new AttendanceRecorded(new FactId("f1"), new DateOnly(2025, 3, 1), m, DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.InPerson, AttendanceStatus.Absent)));
        member.Handle(new RecordMembership(new Organisation.MemberCategoryChanged(new FactId("c1"), new DateOnly(2025, 6, 1), m, MemberCategory.Mobile, "外出务工")));
        member.Handle(new ScoreFact(new AttendanceRecorded(new FactId("f2"), new DateOnly(2025, 9, 1), m, DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.Online, AttendanceStatus.Absent)));

        var standing = Standing.Of(member.State, 2025, Scheme.AbsenceExemptCategories);

        Assert.Equal((2, 0, 1), (standing.MeetingsListed, standing.MeetingsAttended, standing.UnexcusedAbsences));
        Assert.Equal(MemberCategory.Mobile, standing.Category);
    }
}
