using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

/// #21 finding 1: the 先锋示范岗 reasons contradicted the result. Branch b02 of the imported year: 12 members, one at
/// 95 and six tied at 90; the top 10 % is 2 places and ties at the cut-off are all in, so 7 are vanguard — yet the
/// seventh in sequence read 「支部排名 rank 7/12, 前 top 10% = 2 名 places」 beside 是.
public sealed class when_members_tie_at_the_vanguard_cut_off
{
    private static readonly AppraisalScheme Scheme = new(
        PointsWeight: 1m, AppraisalWeight: 0m,
        Grades: [new GradeBand("Excellent", "优秀", 90, []), new GradeBand("Qualified", "合格", 60, [])],
        Vetoes: [],
        Vanguard: new VanguardRule(TopPercent: 10, MinScore: null, RequireBoth: false, EligibleGrades: []),
        AbsenceExemptCategories: []);

    private static readonly decimal[] Totals = [95, 90, 90, 90, 90, 90, 90, 80, 75, 70, 65, 60];

    private static IReadOnlyList<AppraisalResult> B02() => YearEndAppraisal.Appraise(Scheme, Totals.Select((total, i) =>
        new Standing(new MemberId($"m{i + 1:00}"), new BranchId("b02"), 2025, MemberStatus.Full, MemberCategory.Regular,
            new Points(total), Points.Zero, 10, 10, 0, 0, 0, null)));

    private static string VanguardReason(AppraisalResult r) => Assert.Single(r.Reasons, x => x.Contains("先锋示范岗", StringComparison.Ordinal));

    [Fact]
    public void the_b02_reasons_print_the_shared_place_and_the_tie_rule_that_put_all_seven_in()
    {
        var results = B02();
        Assert.Equal(7, results.Count(r => r.Vanguard));
        foreach (var tied in results.Where(r => r.FinalScore == 90))
        {
            var reason = VanguardReason(tied);
            Assert.True(tied.Vanguard);
            Assert.StartsWith("先锋示范岗 vanguard post", reason, StringComparison.Ordinal);
            Assert.Contains("并列第 2 名（共 12 人）tied rank 2/12", reason, StringComparison.Ordinal);
            Assert.Contains("前 10% 取 2 名 top 10% of 12 = 2 places", reason, StringComparison.Ordinal);
            Assert.Contains("rank 2 ≤ 2", reason, StringComparison.Ordinal);
            Assert.Contains("并列者一并入选 ties at the cut-off are all in", reason, StringComparison.Ordinal);
            Assert.DoesNotContain("rank 7/12", reason, StringComparison.Ordinal);
        }
        var eighth = results.Single(r => r.Member.Value == "m08");
        Assert.False(eighth.Vanguard);
        Assert.StartsWith("非先锋示范岗 not vanguard", VanguardReason(eighth), StringComparison.Ordinal);
        Assert.Contains("第 8 名（共 12 人）rank 8/12", VanguardReason(eighth), StringComparison.Ordinal);
        Assert.Contains("rank 8 > 2", VanguardReason(eighth), StringComparison.Ordinal);
    }

    [Fact]
    public void the_rule_set_chooses_whether_the_top_percent_is_of_the_branch_or_of_its_eligible_members()
    {
        // Ten members: the best (100) attended too little for 优秀; the next five (94 … 90) are 优秀. Top 10 % is one place.
        var grades = new[] { new GradeBand("Excellent", "优秀", 90, [new MetricCondition(StandingMetric.AttendanceRate, 0.9m, null)]), new GradeBand("Qualified", "合格", 60, []) };
        var standings = Enumerable.Range(0, 10).Select(i => new Standing(new MemberId($"m{i:00}"), new BranchId("b02"), 2025, MemberStatus.Full,
            MemberCategory.Regular, new Points(i == 0 ? 100 : 95 - i), Points.Zero, 10, i == 0 ? 5 : 10, 0, 0, 0, null)).ToList();
        AppraisalResult Second(VanguardPool pool) => YearEndAppraisal.Appraise(Scheme with
        {
            Grades = grades,
            Vanguard = new VanguardRule(TopPercent: 10, MinScore: null, RequireBoth: false, EligibleGrades: ["Excellent"], TopPercentOf: pool),
        }, standings).Single(r => r.Member.Value == "m01");

        var ofBranch = Second(VanguardPool.Branch);
        Assert.False(ofBranch.Vanguard);
        Assert.Contains("第 2 名（共 10 人）rank 2/10", VanguardReason(ofBranch), StringComparison.Ordinal);
        Assert.Contains("top 10% of 10 = 1 places", VanguardReason(ofBranch), StringComparison.Ordinal);
        Assert.Contains("rank 2 > 1", VanguardReason(ofBranch), StringComparison.Ordinal);

        var ofEligible = Second(VanguardPool.Eligible);
        Assert.True(ofEligible.Vanguard);
        Assert.Contains("rank 2/10", VanguardReason(ofEligible), StringComparison.Ordinal); // the place the summary shows
        Assert.Contains("可评等次 [Excellent] 的 5 人中第 1 名（共 5 人）rank 1/5 among eligible grades", VanguardReason(ofEligible), StringComparison.Ordinal);
        Assert.Contains("top 10% of 5 = 1 places", VanguardReason(ofEligible), StringComparison.Ordinal);
        Assert.Contains("rank 1 ≤ 1", VanguardReason(ofEligible), StringComparison.Ordinal);
    }

    [Fact]
    public void the_place_a_member_sees_alone_is_the_place_the_branch_report_prints()
    {
        // The member's own page (AppraiseMember) read 「rank 7/12」 too: it counted the tied members with smaller ids ahead.
        var standings = Totals.Select((total, i) => new Standing(new MemberId($"m{i + 1:00}"), new BranchId("b02"), 2025, MemberStatus.Full,
            MemberCategory.Regular, new Points(total), Points.Zero, 10, 10, 0, 0, 0, null)).ToList();
        var alone = YearEndAppraisal.AppraiseMember(Scheme, standings, new MemberId("m07"));
        Assert.True(alone.Vanguard);
        Assert.Contains("tied rank 2/12", VanguardReason(alone), StringComparison.Ordinal);
    }
}
