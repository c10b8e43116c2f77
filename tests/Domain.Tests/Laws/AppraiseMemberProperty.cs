using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// A member's own evidence appraises only that member (AppraiseMember: the others of the branch weigh in by
/// their final scores alone), which must be exactly the member's entry of the whole appraisal (Appraise), for
/// any standings — several branches, ties on points, democratic appraisals, vetoes — and any vanguard rule, its top
/// N % taken of the whole branch or of its eligible members.
public sealed class when_one_member_is_appraised_among_others
{
    private static readonly GradeBand[] Grades =
    [
        new("Excellent", "优秀", 90, [new MetricCondition(StandingMetric.AttendanceRate, 0.9m, null)]),
        new("Qualified", "合格", 70, []),
        new("Unqualified", "不合格", 0, []),
    ];

    private static Gen<AppraisalScheme> Schemes =>
        from weighted in Gen.Elements(true, false)
        from veto in Gen.Elements(true, false)
        from vanguard in Gen.Elements<VanguardRule?>(
            null,
            new VanguardRule(TopPercent: 20, MinScore: null, RequireBoth: false, EligibleGrades: ["Excellent"]),
            new VanguardRule(TopPercent: 34, MinScore: 80, RequireBoth: true, EligibleGrades: []),
            new VanguardRule(TopPercent: 10, MinScore: 95, RequireBoth: false, EligibleGrades: ["Excellent", "Qualified"]),
            new VanguardRule(TopPercent: null, MinScore: 75, RequireBoth: false, EligibleGrades: []),
            new VanguardRule(TopPercent: 20, MinScore: null, RequireBoth: false, EligibleGrades: ["Excellent"], TopPercentOf: VanguardPool.Eligible),
            new VanguardRule(TopPercent: 34, MinScore: 90, RequireBoth: true, EligibleGrades: ["Excellent", "Qualified"], TopPercentOf: VanguardPool.Eligible))
        select new AppraisalScheme(weighted ? 0.8m : 1m, weighted ? 0.2m : 0m, Grades,
            veto ? [new Veto("absence", "无故缺席", new MetricCondition(StandingMetric.UnexcusedAbsences, 1, null), "Excellent")] : [],
            vanguard, []);

    // Few distinct totals, so that ties on the final score (broken by member id) are common.
    private static Gen<Func<int, Standing>> Standings =>
        from branch in Gen.Elements<BranchId?>(new BranchId("b1"), new BranchId("b2"), null)
        from total in Gen.Elements(0m, 60m, 75m, 75m, 88.5m, 90m, 100m, -5m)
        from appraisal in Gen.Elements<decimal?>(null, null, 70m, 95m)
        from absences in Gen.Choose(0, 2)
        from listed in Gen.Choose(0, 10)
        from attended in Gen.Choose(0, listed)
        select (Func<int, Standing>)(i => new Standing(new MemberId($"m{i:00}"), branch, 2025, MemberStatus.Full, MemberCategory.Regular,
            new Points(total), Points.Zero, listed, attended, 0, 0, absences, appraisal));

    [Fact]
    public void each_members_result_is_their_entry_of_the_whole_appraisal()
    {
        var cases =
            from scheme in Schemes
            from count in Gen.Choose(1, 25)
            from shapes in Standings.ArrayOf(count)
            from order in Gen.Shuffle(shapes.Select((shape, i) => shape(i)))
            select (scheme, Standings: order.ToList());

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var whole = YearEndAppraisal.Appraise(c.scheme, c.Standings);
            foreach (var s in c.Standings)
            {
                var expected = whole.Single(r => r.Member == s.Member);
                var actual = YearEndAppraisal.AppraiseMember(c.scheme, c.Standings, s.Member);
                Assert.Equal((expected.Member, expected.Branch, expected.FinalScore, expected.Grade, expected.GradeName, expected.Vanguard, expected.Rank, expected.RankedAmong),
                    (actual.Member, actual.Branch, actual.FinalScore, actual.Grade, actual.GradeName, actual.Vanguard, actual.Rank, actual.RankedAmong));
                Assert.Equal(expected.Reasons, actual.Reasons);
            }
        }), PropertyConfig.Cases);
    }
}
