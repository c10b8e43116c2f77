using System.Globalization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// Year-end grades and vanguard designations (评优评先) from members' standings. Pure: the same
/// standings and scheme always give the same results, each with its reasons.
public static class YearEndAppraisal
{
    public static IReadOnlyList<AppraisalResult> Appraise(AppraisalScheme scheme, IEnumerable<Standing> standings)
    {
        var graded = standings.Select(s => Grade(scheme, s).Result).ToList();
        var results = new AppraisalResult[graded.Count];
        foreach (var branch in Enumerable.Range(0, graded.Count).GroupBy(i => graded[i].Branch))
        {
            var field = BranchField.Of(scheme.Vanguard, branch.Select(i => (graded[i].FinalScore, graded[i].Grade)));
            foreach (var i in branch) results[i] = Placed(scheme, graded[i], field);
        }
        return results;
    }

    /// The member's result exactly as <see cref="Appraise"/> gives it for them among the same standings, without
    /// appraising everyone: only the member is graded with reasons; the others of their branch weigh in by their
    /// final scores, which decide the member's place and the vanguard cut-off, and, when the top N % is taken among
    /// eligible members only, by their grades. A member's own evidence uses it.
    public static AppraisalResult AppraiseMember(AppraisalScheme scheme, IEnumerable<Standing> standings, MemberId member)
    {
        var all = standings as IReadOnlyCollection<Standing> ?? [.. standings];
        var mine = all.Single(s => s.Member == member);
        var (_, result) = Grade(scheme, mine);
        var gradesMatter = scheme.Vanguard is { TopPercentOf: VanguardPool.Eligible };
        var branch = new List<(decimal Score, string Grade)>(all.Count);
        foreach (var s in all)
        {
            if (s.Branch != mine.Branch) continue;
            if (ReferenceEquals(s, mine)) branch.Add((result.FinalScore, result.Grade));
            else if (gradesMatter)
            {
                var other = Grade(scheme, s).Result;
                branch.Add((other.FinalScore, other.Grade));
            }
            else branch.Add((FinalScore(scheme, s), ""));
        }
        return Placed(scheme, result, BranchField.Of(scheme.Vanguard, branch));
    }

    public static decimal FinalScore(AppraisalScheme scheme, Standing standing) =>
        standing.DemocraticAppraisal is { } appraisal && scheme.AppraisalWeight > 0
            ? decimal.Round(standing.Total.Value * scheme.PointsWeight + appraisal * scheme.AppraisalWeight, 2, MidpointRounding.AwayFromZero)
            : standing.Total.Value;

    private static (Standing Standing, AppraisalResult Result) Grade(AppraisalScheme scheme, Standing standing)
    {
        var reasons = new List<string>();
        var score = FinalScore(scheme, standing);
        reasons.Add(standing.DemocraticAppraisal is { } a && scheme.AppraisalWeight > 0
            ? $"综合得分 final score {N(score)} = 积分 points {standing.Total} × {N(scheme.PointsWeight)} + 民主评议 appraisal {N(a)} × {N(scheme.AppraisalWeight)}"
            : $"综合得分 final score {N(score)} = 积分 points {standing.Total}");

        // A veto bars its grade and every better one.
        var barredUpTo = -1;
        foreach (var veto in scheme.Vetoes)
        {
            var value = standing.Metric(veto.When.Metric, score);
            if (!veto.When.HoldsFor(value)) continue;
            var index = IndexOf(scheme, veto.Bars);
            barredUpTo = Math.Max(barredUpTo, index);
            reasons.Add($"一票否决 veto {veto.Name}: {veto.When} ({N(value)}) → 不得评为 not eligible for {veto.Bars}");
        }

        for (var i = 0; i < scheme.Grades.Count; i++)
        {
            var band = scheme.Grades[i];
            if (i <= barredUpTo) continue;
            if (score < band.MinScore && i < scheme.Grades.Count - 1) continue;
            var unmet = band.Requires.FirstOrDefault(c => !c.HoldsFor(standing.Metric(c.Metric, score)));
            if (unmet is not null && i < scheme.Grades.Count - 1)
            {
                reasons.Add($"条件不满足 condition not met for {band.Name}: {unmet} ({N(standing.Metric(unmet.Metric, score))})");
                continue;
            }
            reasons.Add(i == scheme.Grades.Count - 1 && score < band.MinScore
                ? $"评定 grade {band.Name} ({band.Id}): 未达到更高等级 no higher grade reached"
                : $"评定 grade {band.Name} ({band.Id}): {N(score)} ≥ {N(band.MinScore)}");
            return (standing, new AppraisalResult(standing.Member, standing.Branch, score, band.Id, band.Name, false, reasons));
        }
        // Every band barred (a veto on the lowest grade): the lowest grade still applies, with the reason.
        var last = scheme.Grades[^1];
        reasons.Add($"评定 grade {last.Name} ({last.Id})");
        return (standing, new AppraisalResult(standing.Member, standing.Branch, score, last.Id, last.Name, false, reasons));
    }

    // Reasons print numbers the same way however they were summed: 89.0 and 89 are one score.
    private static string N(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static int IndexOf(AppraisalScheme scheme, string grade)
    {
        for (var i = 0; i < scheme.Grades.Count; i++)
            if (scheme.Grades[i].Id == grade) return i;
        return -1;
    }

    /// A branch's final scores ranked (All), and the ranking the vanguard's top N % is taken of (Pool): the same, or
    /// only the members whose grade is eligible (rule.TopPercentOf).
    private sealed record BranchField(CompetitionRank All, CompetitionRank Pool)
    {
        public static BranchField Of(VanguardRule? rule, IEnumerable<(decimal Score, string Grade)> members)
        {
            var list = members.ToList();
            var all = new CompetitionRank(list.Select(m => m.Score));
            if (rule is not { TopPercentOf: VanguardPool.Eligible } ofEligible) return new BranchField(all, all);
            return new BranchField(all, new CompetitionRank(list.Where(m => IsEligible(ofEligible, m.Grade)).Select(m => m.Score)));
        }
    }

    private static bool IsEligible(VanguardRule rule, string grade) => rule.EligibleGrades.Count == 0 || rule.EligibleGrades.Contains(grade);

    /// The member's place in their branch and, under a vanguard rule, the verdict with its reason.
    private static AppraisalResult Placed(AppraisalScheme scheme, AppraisalResult r, BranchField field)
    {
        var placed = r with { Rank = field.All.Of(r.FinalScore), RankedAmong = field.All.Count };
        if (scheme.Vanguard is not { } rule) return placed;
        var (vanguard, reason) = Vanguard(rule, placed, field);
        return placed with { Vanguard = vanguard, Reasons = [.. r.Reasons, reason] };
    }

    /// The vanguard verdict and its reason, decided together from the same places (#21): the member's place is the
    /// competition rank the summary shows (ties share a place, 1-2-2-4). Top N % of the pool (the branch, or its
    /// eligible members: rule.TopPercentOf) is N % of the pool's size rounded up, at least one place; a member is in
    /// when their place is within it, so everyone tied at the cut-off is in. The reason prints exactly that arithmetic.
    private static (bool Vanguard, string Reason) Vanguard(VanguardRule rule, AppraisalResult r, BranchField field)
    {
        var grades = $"[{string.Join(", ", rule.EligibleGrades)}]";
        var parts = new List<string> { $"支部{Place(field.All, r.FinalScore)}, 综合得分 final score {N(r.FinalScore)}" };
        if (!IsEligible(rule, r.Grade))
        {
            parts.Add($"等级 grade {r.GradeName} 不在可评等次 not in eligible grades {grades}");
            return (false, $"非先锋示范岗 not vanguard: {string.Join("; ", parts)}");
        }

        bool? inTop = null;
        if (rule.TopPercent is { } pct)
        {
            var pool = field.Pool;
            var place = pool.Of(r.FinalScore);
            var places = Math.Max(1, (int)Math.Ceiling(pool.Count * pct / 100m));
            inTop = place <= places;
            var among = rule.TopPercentOf == VanguardPool.Eligible
                ? $"可评等次 {grades} 的 {pool.Count} 人中{Place(pool, r.FinalScore)} among eligible grades; "
                : "";
            parts.Add(among + $"前 {N(pct)}% 取 {places} 名 top {N(pct)}% of {pool.Count} = {places} places (向上取整 rounded up), "
                + (inTop.Value ? $"第 {place} 名在其内 rank {place} ≤ {places}" : $"第 {place} 名在其外 rank {place} > {places}")
                + ", 并列者一并入选 ties at the cut-off are all in");
        }
        bool? aboveMin = null;
        if (rule.MinScore is { } min)
        {
            aboveMin = r.FinalScore >= min;
            parts.Add($"分数线 min score {N(min)}: {N(r.FinalScore)} {(aboveMin.Value ? "≥" : "<")} {N(min)}");
        }
        if (inTop is not null && aboveMin is not null)
            parts.Add(rule.RequireBoth ? "两项均须满足 both required" : "满足其一即可 either suffices");

        var vanguard = (inTop, aboveMin) switch
        {
            ({ } top, { } above) => rule.RequireBoth ? top && above : top || above,
            ({ } top, null) => top,
            (null, { } above) => above,
            _ => false,
        };
        return (vanguard, $"{(vanguard ? "先锋示范岗 vanguard post" : "非先锋示范岗 not vanguard")}: {string.Join("; ", parts)}");
    }

    // 「并列第 2 名（共 12 人）tied rank 2/12」 or 「第 1 名（共 12 人）rank 1/12」.
    private static string Place(CompetitionRank ranking, decimal score)
    {
        var (rank, shared) = (ranking.Of(score), ranking.IsShared(score));
        return $"{(shared ? "并列" : "")}第 {rank} 名（共 {ranking.Count} 人）{(shared ? "tied " : "")}rank {rank}/{ranking.Count}";
    }
}
