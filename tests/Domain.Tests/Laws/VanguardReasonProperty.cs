using System.Globalization;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// #21 finding 1: a vanguard reason must agree with the verdict beside it and with the ranking the summary shows.
/// Over random branches with many ties and any vanguard rule under both readings of the top N % (of the whole
/// branch, of its eligible members), the reason is read back as a committee reads it: the place it prints is the
/// competition rank (1-2-2-4) of the member's final score in the branch and the result's Rank, the top-N % arithmetic
/// it prints is right, its ≤ / > and ≥ / < statements are true, and together they give exactly the verdict.
public sealed partial class when_a_vanguard_reason_is_read_beside_its_verdict
{
    private static readonly GradeBand[] Grades =
    [
        new("Excellent", "优秀", 90, [new MetricCondition(StandingMetric.AttendanceRate, 0.9m, null)]),
        new("Qualified", "合格", 70, []),
        new("Unqualified", "不合格", 0, []),
    ];

    private static Gen<VanguardRule> Rules =>
        from top in Gen.Elements<decimal?>(null, 10m, 20m, 34m, 50m, 100m)
        from min in top is null ? Gen.Elements<decimal?>(75m, 90m) : Gen.Elements<decimal?>(null, null, 75m, 90m)
        from both in Gen.Elements(true, false)
        from eligible in Gen.Elements<string[]>([], ["Excellent"], ["Excellent", "Qualified"])
        from pool in Gen.Elements(VanguardPool.Branch, VanguardPool.Eligible)
        select new VanguardRule(top, min, both, eligible, pool);

    // Few distinct totals, so that ties (at the cut-off too) are common.
    private static Gen<Func<int, Standing>> Standings =>
        from branch in Gen.Elements<BranchId?>(new BranchId("b1"), new BranchId("b2"), null)
        from total in Gen.Elements(60m, 75m, 80m, 90m, 90m, 95m, 100m, -5m)
        from appraisal in Gen.Elements<decimal?>(null, null, 70m, 95m)
        from listed in Gen.Choose(0, 10)
        from attended in Gen.Choose(0, listed)
        select (Func<int, Standing>)(i => new Standing(new MemberId($"m{i:00}"), branch, 2025, MemberStatus.Full, MemberCategory.Regular,
            new Points(total), Points.Zero, listed, attended, 0, 0, 0, appraisal));

    [Fact]
    public void every_printed_place_and_top_percent_statement_agrees_with_the_ranking_and_the_verdict()
    {
        var cases =
            from rule in Rules
            from weighted in Gen.Elements(true, false)
            from count in Gen.Choose(1, 30)
            from shapes in Standings.ArrayOf(count)
            select (Scheme: new AppraisalScheme(weighted ? 0.8m : 1m, weighted ? 0.2m : 0m, Grades, [], rule, []),
                Standings: shapes.Select((shape, i) => shape(i)).ToList());

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var rule = c.Scheme.Vanguard!;
            var results = YearEndAppraisal.Appraise(c.Scheme, c.Standings);
            foreach (var r in results)
            {
                var branch = results.Where(o => o.Branch == r.Branch).ToList();
                var reason = Assert.Single(r.Reasons, x => x.Contains("先锋示范岗", StringComparison.Ordinal));
                Check(rule, r, branch, reason);
                // The member's own page gives the same verdict and reason.
                Assert.Equal(reason, YearEndAppraisal.AppraiseMember(c.Scheme, c.Standings, r.Member).Reasons[^1]);
            }
        }), PropertyConfig.Cases);
    }

    private static void Check(VanguardRule rule, AppraisalResult r, List<AppraisalResult> branch, string reason)
    {
        // The place printed is the place shown: one more than the members of the branch scoring strictly higher.
        var shown = 1 + branch.Count(o => o.FinalScore > r.FinalScore);
        Assert.Equal((shown, branch.Count), (r.Rank, r.RankedAmong));
        var printed = BranchPlace().Match(reason);
        Assert.True(printed.Success, reason);
        Assert.Equal((shown, branch.Count), (Int(printed.Groups[2]), Int(printed.Groups[3])));
        Assert.Equal(branch.Count(o => o.FinalScore == r.FinalScore) > 1, printed.Groups[1].Success);
        Assert.Equal(r.Vanguard, reason.StartsWith("先锋示范岗 vanguard post:", StringComparison.Ordinal));
        Assert.Equal(!r.Vanguard, reason.StartsWith("非先锋示范岗 not vanguard:", StringComparison.Ordinal));

        bool IsEligible(string grade) => rule.EligibleGrades.Count == 0 || rule.EligibleGrades.Contains(grade);
        if (!IsEligible(r.Grade))
        {
            Assert.Contains("not in eligible grades", reason, StringComparison.Ordinal);
            Assert.False(r.Vanguard);
            return;
        }
        Assert.DoesNotContain("not in eligible grades", reason, StringComparison.Ordinal);

        bool? inTop = null;
        var top = TopPercent().Match(reason);
        Assert.Equal(rule.TopPercent is not null, top.Success);
        if (rule.TopPercent is { } pct)
        {
            var pool = rule.TopPercentOf == VanguardPool.Eligible ? branch.Where(o => IsEligible(o.Grade)).ToList() : branch;
            var place = 1 + pool.Count(o => o.FinalScore > r.FinalScore);
            var places = Math.Max(1, (int)Math.Ceiling(pool.Count * pct / 100m));
            Assert.Equal((pct, pool.Count, places), (Dec(top.Groups[1]), Int(top.Groups[2]), Int(top.Groups[3])));
            var verdict = InOrOut().Match(reason);
            Assert.True(verdict.Success, reason);
            Assert.Equal((place, places), (Int(verdict.Groups[1]), Int(verdict.Groups[3])));
            inTop = verdict.Groups[2].Value == "≤";
            Assert.Equal(place <= places, inTop);
            Assert.Contains("ties at the cut-off are all in", reason, StringComparison.Ordinal);
            if (rule.TopPercentOf == VanguardPool.Eligible)
                Assert.Contains($"rank {place}/{pool.Count} among eligible grades", reason, StringComparison.Ordinal);
            else Assert.Equal(shown, place);
        }

        bool? aboveMin = null;
        var floor = MinScore().Match(reason);
        Assert.Equal(rule.MinScore is not null, floor.Success);
        if (rule.MinScore is { } min)
        {
            Assert.Equal((min, r.FinalScore), (Dec(floor.Groups[1]), Dec(floor.Groups[2])));
            aboveMin = floor.Groups[3].Value == "≥";
            Assert.Equal(r.FinalScore >= min, aboveMin);
        }

        if (inTop is { } t && aboveMin is { } a)
        {
            Assert.Contains(rule.RequireBoth ? "both required" : "either suffices", reason, StringComparison.Ordinal);
            Assert.Equal(rule.RequireBoth ? t && a : t || a, r.Vanguard);
        }
        else Assert.Equal(inTop ?? aboveMin, r.Vanguard);
    }

    private static int Int(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
    private static decimal Dec(Group g) => decimal.Parse(g.Value, CultureInfo.InvariantCulture);

    // 「支部并列第 2 名（共 12 人）tied rank 2/12,」: the Chinese and the English say the same place.
    [GeneratedRegex(@"^\S+ [^:]+: 支部(并列)?第 (\d+) 名（共 (\d+) 人）(?(1)tied )rank \2/\3,")]
    private static partial Regex BranchPlace();

    [GeneratedRegex(@"top ([\d.]+)% of (\d+) = (\d+) places")]
    private static partial Regex TopPercent();

    [GeneratedRegex(@"rank (\d+) (≤|>) (\d+)")]
    private static partial Regex InOrOut();

    [GeneratedRegex(@"min score ([\d.]+): (-?[\d.]+) (≥|<) ")]
    private static partial Regex MinScore();
}
