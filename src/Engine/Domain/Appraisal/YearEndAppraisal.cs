using System.Globalization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// Year-end grades and vanguard designations (评优评先) from members' standings. Pure: the same
/// standings and scheme always give the same results, each with its reasons.
public static class YearEndAppraisal
{
    public static IReadOnlyList<AppraisalResult> Appraise(AppraisalScheme scheme, IEnumerable<Standing> standings)
    {
        var graded = standings.Select(s => Grade(scheme, s)).ToList();
        return scheme.Vanguard is { } vanguard ? Designate(vanguard, graded) : [.. graded.Select(g => g.Result)];
    }

    /// The member's result exactly as <see cref="Appraise"/> gives it for them among the same standings, without
    /// appraising everyone: only the member is graded (with reasons); the others of their branch weigh in only by
    /// their final scores, which decide the member's place and the vanguard cut-off. A member's own evidence uses it.
    public static AppraisalResult AppraiseMember(AppraisalScheme scheme, IEnumerable<Standing> standings, MemberId member)
    {
        var all = standings as IReadOnlyCollection<Standing> ?? [.. standings];
        var mine = all.Single(s => s.Member == member);
        var (_, result) = Grade(scheme, mine);
        if (scheme.Vanguard is not { } rule) return result;
        // Designate's order: final score descending, then member id by bytes; the place is one more than those ahead.
        var scores = new List<decimal>(all.Count);
        var rank = 1;
        foreach (var s in all)
        {
            if (s.Branch != mine.Branch) continue;
            var score = ReferenceEquals(s, mine) ? result.FinalScore : FinalScore(scheme, s);
            scores.Add(score);
            if (score > result.FinalScore || (score == result.FinalScore && string.CompareOrdinal(s.Member.Value, member.Value) < 0)) rank++;
        }
        scores.Sort(static (a, b) => b.CompareTo(a));
        return Designated(rule, result, rank, scores);
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

    /// Top N % of each branch (rounded up, at least one; ties with the last place are included) and/or
    /// at least MinScore, among members whose grade is eligible.
    private static List<AppraisalResult> Designate(VanguardRule rule, List<(Standing Standing, AppraisalResult Result)> graded)
    {
        var results = new List<AppraisalResult>(graded.Count);
        foreach (var branch in graded.GroupBy(g => g.Result.Branch))
        {
            var members = branch.Select(g => g.Result).ToList();
            var ranked = members
                .OrderByDescending(r => r.FinalScore)
                .ThenBy(r => r.Member.Value, StringComparer.Ordinal)
                .ToList();
            var rankOf = new Dictionary<MemberId, int>(ranked.Count);
            for (var i = 0; i < ranked.Count; i++) rankOf.TryAdd(ranked[i].Member, i + 1); // the first place a member id holds
            var scores = ranked.ConvertAll(r => r.FinalScore);
            foreach (var r in members) results.Add(Designated(rule, r, rankOf[r.Member], scores));
        }
        return results;
    }

    /// A graded member's vanguard designation, at <paramref name="rank"/> among their branch's final scores
    /// (<paramref name="scores"/>, highest first).
    private static AppraisalResult Designated(VanguardRule rule, AppraisalResult r, int rank, List<decimal> scores)
    {
        var places = rule.TopPercent is { } pct ? Math.Max(1, (int)Math.Ceiling(scores.Count * pct / 100m)) : 0;
        var cutoff = places > 0 ? scores[Math.Min(places, scores.Count) - 1] : decimal.MaxValue;
        var inTop = rule.TopPercent is not null && r.FinalScore >= cutoff;
        var aboveMin = rule.MinScore is { } min && r.FinalScore >= min;
        var byScore = rule.TopPercent is null ? aboveMin
            : rule.MinScore is null ? inTop
            : rule.RequireBoth ? inTop && aboveMin : inTop || aboveMin;
        var eligible = rule.EligibleGrades.Count == 0 || rule.EligibleGrades.Contains(r.Grade);
        var reasons = r.Reasons.ToList();
        var position = $"支部排名 rank {rank}/{scores.Count}"
            + (rule.TopPercent is { } p ? $", 前 top {N(p)}% = {places} 名 places" : "")
            + (rule.MinScore is { } m ? $", 分数线 min score {N(m)}" : "");
        reasons.Add(byScore && eligible ? $"先锋示范岗 vanguard post: {position}"
            : !eligible ? $"非先锋示范岗 not vanguard: 等级 grade {r.GradeName} 不在 not in [{string.Join(", ", rule.EligibleGrades)}]"
            : $"非先锋示范岗 not vanguard: {position}");
        return r with { Vanguard = byScore && eligible, Reasons = reasons };
    }
}
